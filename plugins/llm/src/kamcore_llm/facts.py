"""The facts a model receives, in words: a plan's heading, its changes, its findings, its
stakeholders. Never raw records: each line says one thing, and private parts are gone before
anything is worded (:mod:`.privacy`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from kamcore.changes import PlainChange, PlanPoint, PlanState, plan_changes, state_at
from kamcore.errors import InvalidInputError
from kamcore.methodology import Methodology
from kamcore.model import Account, Finding, Plan, Stakeholder
from kamcore.store import Workspace

from .privacy import is_private, redacted, redacted_stakeholder

_PART = re.compile(r"[^.\[\]]+|\[(\d+)\]")
#: How many characters of notes a task sends at most.
MAX_NOTES = 50_000


def heading(account: Account, plan: Plan, methodology: Methodology) -> str:
    """Who the account is and where the plan stands."""
    step = next((s.title for s in methodology.steps if s.key == plan.step), plan.step)
    about = ", ".join(part for part in (account.industry, f"tier {account.tier}"
                                        if account.tier else None) if part)
    return "\n".join([
        f"Account: {account.name}" + (f" ({about})" if about else ""),
        f"Plan: {plan.id}, methodology {methodology.title} {methodology.version}"
        + (f", period {plan.period}" if plan.period else "")
        + f", at step \"{step}\", revision {plan.revision}",
    ])


def private_free(workspace: Workspace, plan: Plan, point: PlanPoint,
                 methodology: Methodology) -> PlanState:
    """The state of ``plan`` at ``point`` without anything private."""
    state = state_at(workspace, plan, point)
    return PlanState(redacted(state.plan, methodology),
                     {key: redacted_stakeholder(person)
                      for key, person in state.stakeholders.items()},
                     state.score_cards, state.as_of)


def changes_between(workspace: Workspace, plan: Plan, before: PlanPoint, after: PlanPoint,
                    methodology: Methodology) -> list[PlainChange]:
    """What changed from ``before`` to ``after``, compared without the private parts (so no
    change names a private value)."""
    return plan_changes(private_free(workspace, plan, before, methodology),
                        private_free(workspace, plan, after, methodology), methodology)


def reaches_private(path: str | None, methodology: Methodology) -> bool:
    """Whether a finding's ``path`` (``sections.risks[0].mitigation``) points into a private
    part of the plan (or a section the methodology does not define)."""
    if not path or not path.startswith("sections."):
        return False
    parts = [m.group(0) for m in _PART.finditer(path)][1:]
    if not parts:
        return False
    sections = {section.key: section for section in methodology.sections}
    if parts[0] not in sections:
        return True
    schema: Any = sections[parts[0]].schema.schema
    for part in parts[1:]:
        if is_private(schema):
            return True
        if not isinstance(schema, dict):
            return False
        if part.startswith("["):
            schema = schema.get("items")
        else:
            properties = schema.get("properties") or {}
            schema = properties.get(part, schema.get("additionalProperties"))
    return is_private(schema)


def shareable(findings: Iterable[Finding], methodology: Methodology) -> list[Finding]:
    """The findings that do not point into a private part of the plan."""
    return [f for f in findings if not reaches_private(f.path, methodology)]


def bullet_list(title: str, lines: Sequence[str], empty: str = "none") -> str:
    """``title:`` and one ``- line`` each (``- none`` when there are none)."""
    body = [f"- {line}" for line in lines] or [f"- {empty}"]
    return "\n".join([f"{title}:", *body])


def change_lines(changes: Iterable[PlainChange]) -> list[str]:
    """One line per change."""
    return [change.text for change in changes]


def finding_lines(findings: Iterable[Finding]) -> list[str]:
    """One line per finding: severity, message, where."""
    return [f"{f.severity}: {f.message}" + (f" (at {f.path})" if f.path else "")
            for f in findings]


def stakeholder_line(person: Stakeholder) -> str:
    """A stakeholder in words, without the private fields."""
    clean = redacted_stakeholder(person)
    parts = [f"id {clean.id}", clean.name]
    parts += [f"title {clean.title}"] if clean.title else []
    parts += [f"business unit {clean.business_unit}"] if clean.business_unit else []
    parts += [f"roles {', '.join(sorted(clean.roles))}"] if clean.roles else []
    parts += [f"influence {clean.influence}"] if clean.influence is not None else []
    parts += [f"support {clean.support:+d}"] if clean.support is not None else []
    parts += [f"last contact {clean.last_contact.isoformat()}"] if clean.last_contact else []
    parts += ["placeholder (person not known yet)"] if clean.placeholder else []
    return "; ".join(parts)


def notes_block(notes: str) -> str:
    """``Notes:`` and the notes a user gave (``--from``).

    :raises InvalidInputError: they are empty or longer than :data:`MAX_NOTES` characters.
    """
    if not notes.strip():
        raise InvalidInputError("--from: the notes are empty; there is nothing to read")
    if len(notes) > MAX_NOTES:
        raise InvalidInputError(f"--from: the notes are {len(notes)} characters long; at most "
                                f"{MAX_NOTES} are sent")
    return "Notes:\n" + notes.strip()

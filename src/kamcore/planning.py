"""Working on plans: create, set a section, check, advance through the steps.

These functions are what ``kam plan ...`` and :class:`kamcore.Workspace` users call. They take
the methodology explicitly, so they work with any registry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from .documents import Document
from .errors import InvalidInputError, KamError, Problem, format_path
from .methodology import Methodology
from .model import Account, Finding, MethodologyRef, Plan, Severity
from .plugin.host import PluginHost
from .snapshot import AccountSnapshot
from .store import Workspace


class AdvanceRefused(KamError):
    """The plan may not leave its step: a gate is not met or section data is invalid.

    Not bad input: the CLI exits with code 1 and shows :attr:`findings`.
    """

    exit_code = 1

    def __init__(self, plan: Plan, findings: Sequence[Finding]) -> None:
        self.plan = plan
        self.findings = tuple(findings)
        super().__init__(f"plan {plan.id!r} cannot leave step {plan.step!r}")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._:@-]+", "-", text).strip("-") or "plan"


def new_plan(workspace: Workspace, methodology: Methodology, account_id: str, *,
             period: str | None = None, plan_id: str | None = None,
             by: str | None = None, sections: Mapping[str, Any] | None = None,
             cadence: Mapping[str, str] | None = None,
             rolled_over_from: str | None = None) -> Plan:
    """Create a plan for an existing account, at the methodology's first step, with
    ``sections`` (already validated), ``cadence`` overrides and the plan it was
    ``rolled_over_from``, if any."""
    workspace.get(Account, account_id)
    default_id = "-".join(part for part in (account_id, methodology.name, period) if part)
    plan = Plan(
        id=plan_id or _slug(default_id),
        account_id=account_id,
        methodology=MethodologyRef(name=methodology.name, version=methodology.version),
        period=period,
        step=methodology.first_step.key,
        sections=dict(sections or {}),
        cadence=dict(cadence or {}),
        rolled_over_from=rolled_over_from,
    )
    return workspace.save(plan, base_revision=0, by=by)


def section_problems(methodology: Methodology, key: str, data: Any,
                     document: Document | None = None,
                     at: Sequence[str | int] = ()) -> list[Problem]:
    """Every way ``data`` fails section ``key``'s schema, located in ``document`` if given
    (``data`` is found at path ``at`` in the document: its root by default)."""
    section = methodology.section(key)
    problems = []
    for path, message in section.schema.errors(data):
        if document is not None:
            problems.append(document.problem((*at, *path), message))
        else:
            problems.append(Problem(message, path=("sections", key, *path)))
    return problems


def set_section(workspace: Workspace, methodology: Methodology, plan: Plan, key: str, data: Any,
                *, document: Document | None = None, by: str | None = None) -> Plan:
    """Validate ``data`` against the section's schema and save it as a new plan revision.

    :raises InvalidInputError: listing every schema error with its path; nothing is saved.
    :raises ConflictError: ``plan`` is not the current revision.
    """
    problems = section_problems(methodology, key, data, document)
    if problems:
        raise InvalidInputError(f"section {key!r} of plan {plan.id!r} refused", problems)
    updated = plan.model_copy(update={"sections": {**plan.sections, key: data}})
    return workspace.save(updated, by=by)


def section_findings(plan: Plan, methodology: Methodology) -> list[Finding]:
    """Schema errors in the plan's sections and sections the methodology does not define."""
    known = {section.key for section in methodology.sections}
    findings = []
    for key, data in plan.sections.items():
        if key not in known:
            findings.append(Finding(
                severity="warning", code="section-unknown", path=f"sections.{key}",
                message=f"section {key!r} is not part of {methodology.name}",
            ))
            continue
        for path, message in methodology.section(key).schema.errors(data):
            findings.append(Finding(
                severity="error", code="section-invalid",
                path=format_path(("sections", key, *path)), message=message,
            ))
    return findings


def gate_findings(plan: Plan, methodology: Methodology, step_key: str,
                  severity: Severity = "warning") -> list[Finding]:
    """What keeps the plan from leaving ``step_key``: one finding per unmet gate condition."""
    gate = methodology.step(step_key).gate
    if gate is None:
        return []
    return [
        Finding(
            severity=severity,
            code="gate-not-met",
            path=format_path(("sections", *path)),
            message=f"{gate.message} ({message})",
        )
        for path, message in gate.schema.errors(plan.sections)
    ]


def check_plan(plan: Plan, methodology: Methodology, snapshot: AccountSnapshot,
               host: PluginHost, as_of: date | None = None) -> list[Finding]:
    """All findings about a plan: every plugin's ``kam_check_plan``, errors first.

    An implementation that raises gives an error finding with code ``plugin-failed``.
    """
    findings: list[Finding] = []
    outcomes = host.call(
        "kam_check_plan", plan=plan, account=snapshot.account, methodology=methodology,
        snapshot=snapshot, as_of=as_of or date.today(),
    )
    for outcome in outcomes:
        if outcome.error is not None:
            findings.append(Finding(
                severity="error", code="plugin-failed", source=outcome.plugin,
                message=f"check raised {type(outcome.error).__name__}: {outcome.error}",
            ))
            continue
        findings.extend(_findings_of(outcome.plugin, outcome.value, host))
    return sorted(findings, key=Finding.sort_key)


def _findings_of(plugin: str, value: Iterable[Any] | None, host: PluginHost) -> list[Finding]:
    found = []
    for item in value or ():
        if isinstance(item, Finding):
            found.append(item)
        else:
            host.report(plugin, f"kam_check_plan returned {item!r}, not a Finding")
    return found


def advance(workspace: Workspace, methodology: Methodology, plan: Plan, *,
            to: str | None = None, by: str | None = None) -> Plan:
    """Move the plan to the next step (or forward to step ``to``) and save it.

    Every step left on the way must have its gate met and the sections must be valid.

    :raises AdvanceRefused: with the findings that block; nothing is saved.
    :raises InvalidInputError: ``to`` is not a later step, or the plan is at the last step.
    """
    current = methodology.step_index(plan.step)
    if to is None:
        if current + 1 >= len(methodology.steps):
            raise InvalidInputError(f"plan {plan.id!r} is at the last step, {plan.step!r}")
        target = current + 1
    else:
        target = methodology.step_index(to)
        if target <= current:
            raise InvalidInputError(
                f"step {to!r} is not after the plan's current step {plan.step!r}")
    blocking = [f for f in section_findings(plan, methodology) if f.severity == "error"]
    for step in methodology.steps[current:target]:
        blocking.extend(gate_findings(plan, methodology, step.key, severity="error"))
    if blocking:
        raise AdvanceRefused(plan, blocking)
    moved = plan.model_copy(update={"step": methodology.steps[target].key})
    return workspace.save(moved, by=by)

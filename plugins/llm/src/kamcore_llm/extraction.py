"""``kam stakeholder extract``: a model reads meeting notes and proposes changes to an
account's stakeholder map (new people, titles, reporting lines, sentiment cues) as a list a
person reviews; each proposal is applied on its own, through :mod:`kamcore.operations`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from kamcore.errors import Problem
from kamcore.model import Account, Stakeholder
from kamcore.operations import Actor, add_stakeholder, edit_stakeholder
from kamcore.operations.installed import installed
from kamcore.plugin.registry import Registry
from kamcore.schemas import CompiledSchema
from kamcore.store import Workspace

from .asking import Asked, ModelOutputRefused, ask, parse_json
from .facts import bullet_list, notes_block, stakeholder_line
from .prompts import Prompt, build, contributed, template_for
from .settings import ModelSettings

#: What the model must answer: a list of proposals.
PROPOSALS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["proposals"],
    "properties": {"proposals": {"type": "array", "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["change", "name", "evidence"],
        "properties": {
            "change": {"enum": ["add", "update"],
                       "description": "add a new person, or update a known stakeholder"},
            "stakeholder_id": {"type": "string", "minLength": 1,
                               "description": "the id of the known stakeholder (update only)"},
            "name": {"type": "string", "minLength": 1},
            "title": {"type": "string", "minLength": 1},
            "business_unit": {"type": "string", "minLength": 1},
            "reports_to": {"type": "string", "minLength": 1,
                           "description": "the id of a known stakeholder they report to"},
            "support": {"type": "integer", "minimum": -2, "maximum": 2},
            "evidence": {"type": "string", "minLength": 1,
                         "description": "the words of the notes this rests on"},
        },
    }}},
}

#: The stakeholder fields a proposal may set.
FIELDS = ("title", "business_unit", "support")


@attrs.frozen
class Proposal:
    """One proposed change to the stakeholder map."""

    change: Literal["add", "update"]
    name: str
    evidence: str
    stakeholder_id: str | None = None
    fields: Mapping[str, Any] = attrs.field(factory=dict)
    reports_to: str | None = None

    def describe(self) -> str:
        """The proposal in words."""
        what = ", ".join([*(f"{k.replace('_', ' ')} {v}" for k, v in self.fields.items()),
                          *([f"reports to {self.reports_to}"] if self.reports_to else [])])
        who = f"{self.name} ({self.stakeholder_id})" if self.stakeholder_id else self.name
        verb = "add" if self.change == "add" else "update"
        return f"{verb} {who}" + (f": {what}" if what else "") + f' -- "{self.evidence}"'

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"change": self.change, "name": self.name, "stakeholder_id": self.stakeholder_id,
                **self.fields, "reports_to": self.reports_to, "evidence": self.evidence}


@attrs.frozen
class Extracted:
    """The exchange and the proposals read from its answer (none when nothing was sent)."""

    asked: Asked
    proposals: tuple[Proposal, ...] = ()


def extract_prompt(workspace: Workspace, account_id: str, notes: str,
                   registry: Registry | None = None) -> Prompt:
    """The prompt that asks for stakeholder-map proposals from ``notes`` about account
    ``account_id``, listing its known stakeholders (without their private fields).

    :raises NotFoundError: no such account.
    :raises InvalidInputError: the notes are empty or too long.
    """
    account = workspace.get(Account, account_id)
    people = [stakeholder_line(p) for p in workspace.iter(Stakeholder, account_id=account_id)]
    facts = "\n\n".join([
        f"Account: {account.name}",
        bullet_list("Known stakeholders", people),
        "JSON Schema of the answer:\n" + json.dumps(PROPOSALS_SCHEMA, indent=2),
        notes_block(notes),
    ])
    template = template_for("extract", (), contributed(installed(registry).host))
    return build(template, facts)


def _proposals(answer: Any, model: str, known: set[str]) -> tuple[Proposal, ...]:
    problems = [Problem(message, source=f"model {model}", path=path)
                for path, message in CompiledSchema(PROPOSALS_SCHEMA).errors(answer)]
    if not problems:
        for index, item in enumerate(answer["proposals"]):
            where = ("proposals", index)
            if item["change"] == "update" and item.get("stakeholder_id") not in known:
                problems.append(Problem(f"no known stakeholder {item.get('stakeholder_id')!r} "
                                        "to update", source=f"model {model}",
                                        path=(*where, "stakeholder_id")))
            if item.get("reports_to") is not None and item["reports_to"] not in known:
                problems.append(Problem(f"no known stakeholder {item['reports_to']!r} to "
                                        "report to", source=f"model {model}",
                                        path=(*where, "reports_to")))
    if problems:
        raise ModelOutputRefused(f"the proposals of model {model!r} cannot be used; nothing "
                                 "was changed", problems)
    return tuple(Proposal(
        item["change"], item["name"], item["evidence"],
        item.get("stakeholder_id") if item["change"] == "update" else None,
        {key: item[key] for key in FIELDS if key in item}, item.get("reports_to"),
    ) for item in answer["proposals"])


def extract(workspace: Workspace, account_id: str, notes: str, *, model: str | None = None,
            show_only: bool = False, settings: ModelSettings | None = None,
            registry: Registry | None = None) -> Extracted:
    """Ask a model for stakeholder-map proposals from ``notes``; nothing is changed.

    :raises ModelOutputRefused: the answer is not JSON, fails :data:`PROPOSALS_SCHEMA`, or
        names stakeholders the account does not have.
    :raises InvalidInputError: see :func:`extract_prompt`; the model is not allowed.
    :raises NotFoundError: no such account or llm model.
    """
    chosen = settings or ModelSettings.of(workspace)
    prompt = extract_prompt(workspace, account_id, notes, registry)
    asked = ask(prompt, chosen.chosen(model), chosen, show_only=show_only,
                schema=PROPOSALS_SCHEMA)
    if asked.answer is None:
        return Extracted(asked)
    known = {p.id for p in workspace.iter(Stakeholder, account_id=account_id)}
    return Extracted(asked, _proposals(parse_json(asked.answer, asked.model), asked.model,
                                       known))


def apply_proposal(workspace: Workspace, actor: Actor, account_id: str,
                   proposal: Proposal) -> Stakeholder:
    """Apply one proposal: add the person, or change the known stakeholder (and their
    reporting line), through :mod:`kamcore.operations`.

    :raises InvalidInputError, NotFoundError, ConflictError: as the operations do.
    """
    if proposal.change == "add":
        return add_stakeholder(workspace, actor, account_id, proposal.name,
                               reports_to=proposal.reports_to, **proposal.fields)
    assert proposal.stakeholder_id is not None
    return edit_stakeholder(workspace, actor, proposal.stakeholder_id, proposal.fields,
                            reports_to=proposal.reports_to)

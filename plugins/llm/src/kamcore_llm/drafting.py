"""``kam plan draft``: a model drafts one section of a plan from notes, as structured output
checked against the section's JSON Schema; it is shown as changes in words and saved only when
asked, through :func:`kamcore.operations.set_section`, by "ACTOR (drafted with model M)"."""

from __future__ import annotations

import json
from typing import Any

import attrs

from kamcore.changes import PlainChange, PlanState, plan_changes
from kamcore.errors import InvalidInputError, Problem
from kamcore.model import Plan
from kamcore.operations import Actor, set_section
from kamcore.planning import section_problems
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

from .asking import Asked, ModelOutputRefused, ask, parse_json
from .context import PlanContext
from .facts import heading, notes_block
from .privacy import is_private, redacted_section, with_private_kept
from .prompts import Prompt, build
from .schema import model_schema
from .settings import ModelSettings


@attrs.frozen
class Draft:
    """A drafted section: the exchange, the section as drafted (private parts kept as they
    were), its changes in words, and the plan as saved (None unless applied)."""

    asked: Asked
    section: str
    data: Any = None
    changes: tuple[PlainChange, ...] = ()
    saved: Plan | None = None


def drafted_by(actor: Actor, model_id: str) -> Actor:
    """The actor a drafted revision is saved by: who asked, and with which model."""
    who = f"{actor.name} " if actor.name else ""
    return Actor(f"{who}(drafted with model {model_id})"[:200])


def draft_prompt(context: PlanContext, key: str, notes: str) -> tuple[Prompt, dict[str, Any]]:
    """The prompt that asks for section ``key`` from ``notes``, and the schema the answer must
    satisfy.

    :raises NotFoundError: the methodology has no such section.
    :raises InvalidInputError: the whole section is private, or the notes are empty or too long.
    """
    section = context.methodology.section(key)
    if is_private(section.schema.schema):
        raise InvalidInputError(f"section {key!r} of {context.methodology.name} is private "
                                "(x-kam-private): it is never sent to a model")
    schema = model_schema(section.schema.schema)
    current = redacted_section(context.methodology, key, context.plan.sections.get(key))
    facts = "\n\n".join([
        heading(context.account, context.plan, context.methodology),
        f"Section: {key} ({section.title})" + (f": {section.description}"
                                              if section.description else ""),
        "JSON Schema of the answer:\n" + json.dumps(schema, indent=2, ensure_ascii=False),
        "Current section:\n" + (json.dumps(current, indent=2, ensure_ascii=False)
                                if current is not None else "empty"),
        notes_block(notes),
    ])
    return build(context.template("draft"), facts), schema


def draft_section(workspace: Workspace, actor: Actor, plan_id: str, key: str, notes: str, *,
                  model: str | None = None, apply: bool = False, show_only: bool = False,
                  settings: ModelSettings | None = None,
                  registry: Registry | None = None) -> Draft:
    """Ask a model to draft section ``key`` of plan ``plan_id`` from ``notes``.

    The answer must be JSON satisfying the section's schema once the private parts are put
    back; it is refused otherwise. With ``apply`` a draft that changes the section is saved as
    a new plan revision based on the one drafted from, by :func:`drafted_by`.

    :raises InvalidInputError: see :func:`draft_prompt`; the model is not allowed; ``apply``
        with ``show_only``.
    :raises ModelOutputRefused: the answer is not JSON or fails the schema; nothing saved.
    :raises ConflictError: the plan changed while the model was drafting; nothing saved.
    :raises NotFoundError: no such plan, section or llm model.
    """
    if apply and show_only:
        raise InvalidInputError("--apply and --show-prompt: showing the prompt sends nothing, "
                                "so there is no draft to apply")
    context = PlanContext.load(workspace, plan_id, registry)
    prompt, schema = draft_prompt(context, key, notes)
    chosen = settings or ModelSettings.of(workspace)
    asked = ask(prompt, chosen.chosen(model), chosen, show_only=show_only, schema=schema)
    if asked.answer is None:
        return Draft(asked, key)
    plan, methodology = context.plan, context.methodology
    data = with_private_kept(parse_json(asked.answer, asked.model), plan.sections.get(key),
                             methodology.section(key).schema.schema)
    problems = section_problems(methodology, key, data)
    if problems:
        echo = " (the echo model answers with the prompt itself: --show-prompt shows it)" \
            if asked.model == "echo" else ""
        raise ModelOutputRefused(
            f"the draft of model {asked.model!r} fails the schema of section {key!r}; nothing "
            f"was saved{echo}", [Problem(p.message, source=f"model {asked.model}", path=p.path)
                                 for p in problems])
    drafted = plan.model_copy(update={"sections": {**plan.sections, key: data}})
    changes = tuple(plan_changes(PlanState(plan), PlanState(drafted), methodology))
    saved = None
    if apply and data != plan.sections.get(key):
        saved = set_section(workspace, drafted_by(actor, asked.model), plan.id, key, data,
                            base_revision=plan.revision, registry=context.registry)
    return Draft(asked, key, data, changes, saved)

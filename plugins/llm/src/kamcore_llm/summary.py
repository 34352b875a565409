"""``kam plan summarize``: what changed in a plan, in a few sentences written by a model from
the plan's changes in words and its findings."""

from __future__ import annotations

from kamcore.changes import current_point
from kamcore.operations import check
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

from .asking import Asked, ask
from .context import PlanContext
from .facts import bullet_list, change_lines, changes_between, finding_lines, heading, shareable
from .prompts import Prompt, build
from .settings import ModelSettings
from .since import since_point


def summary_prompt(workspace: Workspace, plan_id: str, *, since: str | None = None,
                   registry: Registry | None = None) -> Prompt:
    """The prompt that asks for a summary of plan ``plan_id``'s changes since ``since``
    (default: its last review, else its first revision), with its current findings.

    :raises NotFoundError: no such plan.
    :raises InvalidInputError: ``since`` names no point of the plan.
    """
    context = PlanContext.load(workspace, plan_id, registry)
    plan = context.plan
    before = since_point(workspace, plan, since)
    changes = changes_between(workspace, plan, before, current_point(plan), context.methodology)
    _, findings = check(workspace, plan.id, registry=context.registry)
    facts = "\n\n".join([
        heading(context.account, plan, context.methodology),
        bullet_list(f"Changes since {before.label}", change_lines(changes), "no changes"),
        bullet_list("Findings now", finding_lines(shareable(findings, context.methodology))),
    ])
    return build(context.template("summarize"), facts)


def summarize(workspace: Workspace, plan_id: str, *, model: str | None = None,
              since: str | None = None, show_only: bool = False,
              settings: ModelSettings | None = None, registry: Registry | None = None) -> Asked:
    """A model's summary of plan ``plan_id``'s changes (see :func:`summary_prompt`).

    :param model: the llm model (default: the settings' default).
    :param show_only: build the prompt and send nothing.
    :raises InvalidInputError: the model is not allowed to receive customer data.
    :raises NotFoundError: no such plan or llm model.
    :raises ModelFailed: the model raised.
    """
    chosen = settings or ModelSettings.of(workspace)
    prompt = summary_prompt(workspace, plan_id, since=since, registry=registry)
    return ask(prompt, chosen.chosen(model), chosen, show_only=show_only)

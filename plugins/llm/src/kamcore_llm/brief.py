"""``kam review brief``: a one-page brief for a plan's next review, written by a model from
what changed, the contacts gone quiet, the open and overdue actions, the gate, the score trend
and the reviews due."""

from __future__ import annotations

from datetime import date
from typing import Any

from kamcore.changes import current_point
from kamcore.operations import check
from kamcore.planning import gate_findings
from kamcore.plugin.registry import Registry
from kamcore.reviewpack import review_pack_options
from kamcore.shapes import find_items
from kamcore.store import Workspace

from .asking import Asked, ask
from .context import PlanContext
from .facts import bullet_list, change_lines, changes_between, finding_lines, heading, shareable
from .privacy import redacted
from .prompts import Prompt, build
from .settings import ModelSettings
from .since import since_point

#: The finding codes that name a contact gone quiet (:mod:`kamcore.builtin.staleness`).
QUIET_CONTACT = "stakeholder-not-contacted"


def _actions(context: PlanContext, today: date) -> list[str]:
    items = find_items(redacted(context.plan, context.methodology), context.methodology)
    lines = []
    for item in items.open_actions():
        action = item.model
        due = action.due
        late = f", OVERDUE since {due.isoformat()}" if due is not None and due < today else \
            (f", due {due.isoformat()}" if due is not None else ", no due date")
        owner = f", owner {action.owner}" if action.owner else ""
        lines.append(f"\"{action.title}\" ({action.status}{owner}{late})")
    return lines


def _scores(options: dict[str, Any]) -> list[str]:
    lines = []
    for score in options["scores"]:
        then = score["at_last_review"]
        trend = (f"; at the last review {then['total']} ({then['band']})" if then
                 else "; not scored at the last review")
        lines.append(f"{score['rubric']} {score['version']}: {score['total']} "
                     f"({score['band']}) on {score['scored_at'][:10]}{trend}")
    return lines


def _due(options: dict[str, Any]) -> list[str]:
    return [f"{item['title']}: due {item['due']}"
            + (f", {item['days_overdue']} days overdue" if item["overdue"] else "")
            for item in options["due"]]


def brief_prompt(workspace: Workspace, plan_id: str, *,
                 registry: Registry | None = None) -> Prompt:
    """The prompt that asks for the brief of plan ``plan_id``'s next review.

    :raises NotFoundError: no such plan.
    """
    context = PlanContext.load(workspace, plan_id, registry)
    plan, methodology = context.plan, context.methodology
    today = date.today()
    before = since_point(workspace, plan, None)
    changes = changes_between(workspace, plan, before, current_point(plan), methodology)
    _, findings = check(workspace, plan.id, registry=context.registry)
    findings = shareable(findings, methodology)
    quiet = [f for f in findings if f.code == QUIET_CONTACT]
    gate = shareable(gate_findings(plan, methodology, plan.step), methodology)
    step = methodology.step(plan.step)
    gate_lines = (finding_lines(gate) if gate else
                  [f"the gate of step \"{step.title}\" is met" if step.gate is not None
                   else f"step \"{step.title}\" has no gate"])
    options = review_pack_options(workspace, context.registry, plan, today)
    others = [f for f in findings if f.code not in (QUIET_CONTACT, "action-overdue")]
    facts = "\n\n".join([
        heading(context.account, plan, methodology),
        bullet_list(f"What changed since {before.label}", change_lines(changes), "no changes"),
        bullet_list("Contacts gone quiet", finding_lines(quiet)),
        bullet_list("Open actions", _actions(context, today)),
        bullet_list("Gate status", gate_lines),
        bullet_list("Scores", _scores(options), "not scored"),
        bullet_list("Reviews due", _due(options)),
        bullet_list("Other findings", finding_lines(others)),
    ])
    return build(context.template("brief"), facts)


def brief(workspace: Workspace, plan_id: str, *, model: str | None = None,
          show_only: bool = False, settings: ModelSettings | None = None,
          registry: Registry | None = None) -> Asked:
    """A model's brief for plan ``plan_id``'s next review (see :func:`brief_prompt`).

    :raises InvalidInputError: the model is not allowed to receive customer data.
    :raises NotFoundError: no such plan or llm model.
    :raises ModelFailed: the model raised.
    """
    chosen = settings or ModelSettings.of(workspace)
    prompt = brief_prompt(workspace, plan_id, registry=registry)
    return ask(prompt, chosen.chosen(model), chosen, show_only=show_only)

"""The customer's word on a joint objective: a sign-off, or a request to change it.

Both change the objective where it is in the plan (any objective-shaped item with that ``id``,
see :mod:`kamcore.shapes`) and save the section through the section's schema, so the sign-off
satisfies the methodology's gate (sama7: "every joint objective carries the customer's
sign-off") and shows in the plan's history under the actor who gave it.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from .. import planning
from ..errors import InvalidInputError, NotFoundError, Problem
from ..model import Plan
from ..plugin.registry import Registry
from ..shapes import shaped_items
from ..store import Workspace
from .actor import Actor
from .installed import installed
from .plans import at_base


def sign_off_objective(workspace: Workspace, actor: Actor, plan_id: str, objective_id: str, *,
                       name: str, title: str | None = None, via: str | None = None,
                       base_revision: int | None = None,
                       registry: Registry | None = None) -> Plan:
    """Record the customer's sign-off of a joint objective (who, today, and ``via``).

    :raises NotFoundError: no such plan or objective.
    :raises ConflictError: the plan moved past ``base_revision``.
    """
    signoff: dict[str, Any] = {"name": name, "date": date.today().isoformat()}
    if title:
        signoff["title"] = title
    if via:
        signoff["via"] = via
    return _change_objective(workspace, actor, plan_id, objective_id, base_revision, registry,
                             lambda item: item.__setitem__("customer_signoff", signoff))


def request_objective_change(workspace: Workspace, actor: Actor, plan_id: str,
                             objective_id: str, *, name: str, comment: str,
                             via: str | None = None, base_revision: int | None = None,
                             registry: Registry | None = None) -> Plan:
    """Record the customer's request to change a joint objective; a sign-off it had is
    withdrawn (they no longer agree to it as it stands).

    :raises InvalidInputError: an empty comment.
    """
    if not comment.strip():
        raise InvalidInputError("say what should change: the comment is empty",
                                [Problem("must not be empty", path=("comment",))])
    request: dict[str, Any] = {"name": name, "date": date.today().isoformat(),
                               "comment": comment.strip()}
    if via:
        request["via"] = via

    def ask(item: dict[str, Any]) -> None:
        item.pop("customer_signoff", None)
        item["change_requests"] = [*item.get("change_requests", []), request]

    return _change_objective(workspace, actor, plan_id, objective_id, base_revision, registry,
                             ask)


def _change_objective(workspace: Workspace, actor: Actor, plan_id: str, objective_id: str,
                      base_revision: int | None, registry: Registry | None,
                      change: Any) -> Plan:
    plan = at_base(workspace.get(Plan, plan_id), base_revision)
    methodology = installed(registry).methodology(plan.methodology.name)
    found = [item for item in shaped_items(plan, methodology, ["objective"])
             if str(item.item.get("id")) == objective_id]
    if not found:
        ids = [str(item.item.get("id")) for item in shaped_items(plan, methodology, ["objective"])]
        raise NotFoundError(f"objective of plan {plan_id}", objective_id, ids)
    target = found[0]
    section = copy.deepcopy(plan.sections[target.section])
    holder: Any = {"sections": {target.section: section}}
    for part in target.path:
        holder = holder[part]
    change(holder[target.index])
    return planning.set_section(workspace, methodology, plan, target.section, section,
                                by=actor.name)

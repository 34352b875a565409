"""Account movements: what changed at the customer since a plan's last review (or a date),
each a finding with its CRM evidence (see :mod:`kamcore.movements`)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import InvalidInputError, Problem
from ..model import Account, Plan, Review
from ..plugin.registry import Registry
from ..store import Workspace
from .installed import installed

if TYPE_CHECKING:
    from ..movements import Movement


@attrs.frozen
class AccountMovements:
    """The movements of ``account_id`` since ``since``, judged for ``plan_id`` (None when the
    account has no plan), oldest first."""

    account_id: str
    plan_id: str | None
    since: datetime
    movements: tuple[Movement, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (``kam account movements --json``)."""
        return {"account": self.account_id, "plan": self.plan_id,
                "since": self.since.isoformat(),
                "movements": [m.as_dict() for m in self.movements]}


def account_movements(workspace: Workspace, account_id: str, *, since: datetime | None = None,
                      plan_id: str | None = None,
                      registry: Registry | None = None) -> AccountMovements:
    """The movements of an account since ``since`` (default: its plan's last review, else the
    plan's creation: :func:`kamcore.movements.plan_since`).

    The plan (``plan_id``, default the account's current plan: the newest not rolled over)
    decides which stakeholders are key; without a plan the defaults of
    :mod:`kamcore.movements` apply and ``since`` is needed.

    :raises NotFoundError: no such account or plan.
    :raises InvalidInputError: the plan is of another account; no plan and no ``since``.
    """
    from ..movements import Scope, find_movements, plan_since

    workspace.get(Account, account_id)
    plan = _plan(workspace, account_id, plan_id)
    if since is not None:
        start = since
    elif plan is not None:
        start = plan_since(plan, workspace.iter(Review, account_id=account_id))
    else:
        raise InvalidInputError(
            f"account {account_id!r} has no plan to count movements from its last review: "
            "give the date to count from", [Problem("needed without a plan", path=("since",))])
    methodology = (installed(registry).methodologies.get(plan.methodology.name)
                   if plan is not None else None)
    [found] = find_movements(workspace, [Scope(account_id, start, plan, methodology)])
    return AccountMovements(account_id, plan.id if plan is not None else None, start,
                            tuple(found))


def _plan(workspace: Workspace, account_id: str, plan_id: str | None) -> Plan | None:
    """The plan ``plan_id`` (checked to be the account's), else the account's current plan."""
    if plan_id is not None:
        plan = workspace.get(Plan, plan_id)
        if plan.account_id != account_id:
            raise InvalidInputError(
                f"plan {plan_id!r} is a plan of account {plan.account_id!r}, not {account_id!r}",
                [Problem("of another account", path=("plan",))])
        return plan
    current = [p for p in workspace.iter(Plan, account_id=account_id) if p.superseded_by is None]
    return max(current, key=lambda p: (p.created_at.isoformat() if p.created_at else "", p.id),
               default=None)

"""Revenue facts: what an account booked, expanded and lost in a quarter."""

from __future__ import annotations

from typing import Any

from ..model import Account, RevenueFact
from ..store import Workspace
from .actor import Actor
from .records import build


def record_revenue(workspace: Workspace, actor: Actor, account_id: str, period: str, *,
                   base_revision: int | None = None, **fields: Any) -> RevenueFact:
    """Record the account's revenue fact for the quarter ``period`` (``2026-Q4``), replacing
    the one recorded before for that quarter (its history stays).

    :param fields: ``booked`` (required), ``expansion``, ``churn``, ``wallet``,
        ``competitor_entered``, ``currency``, ``source``: see
        :class:`~kamcore.model.RevenueFact`; a field not given takes its default.
    :param base_revision: the revision of the quarter's fact the change was based on (0: there
        must be none yet); None replaces whatever is stored.
    :return: the saved fact, or the stored one when nothing changes.
    :raises InvalidInputError: a field is invalid (by its path), the period is not a quarter.
    :raises NotFoundError: no such account.
    :raises ConflictError: the quarter's fact moved past ``base_revision``; nothing written.
    """
    fact = build(RevenueFact, {"id": f"{account_id}.{period}", "account_id": account_id,
                               "period": period, **fields})
    workspace.get(Account, account_id)
    current = workspace.find(RevenueFact, fact.id)
    if current is not None:
        if base_revision in (None, current.revision) and _facts(fact) == _facts(current):
            return current
        fact = fact.model_copy(update={"created_at": current.created_at})
    if base_revision is None:
        base_revision = current.revision if current is not None else 0
    return workspace.save(fact, base_revision=base_revision, by=actor.name)


def _facts(fact: RevenueFact) -> dict[str, Any]:
    """The figures of a fact, without what the store keeps about revisions."""
    return fact.model_dump(exclude={"revision", "created_at", "updated_at", "updated_by"})

"""The point a summary or a brief counts changes from: ``--since``, else where a review pack
counts from (the revision the plan's last review looked at, else its first revision)."""

from __future__ import annotations

from datetime import date

from kamcore.changes import PlanPoint, last_review_point, resolve_point
from kamcore.model import Plan
from kamcore.store import Workspace


def since_point(workspace: Workspace, plan: Plan, since: str | None) -> PlanPoint:
    """The point ``since`` names (``review:K``, a revision...), or the default above.

    :raises InvalidInputError: ``since`` names no point of the plan (the message, headed
        ``--since``, says which it has).
    """
    if since is not None:
        return resolve_point(workspace, plan, since, "--since")
    return last_review_point(workspace, plan, date.today())

"""The point a summary or a brief counts changes from: ``--since``, else the revision the
plan's last review looked at, else the plan's first revision (as the review pack does)."""

from __future__ import annotations

from datetime import date

from kamcore.changes import PlanPoint, resolve_point, review_point, revision_point
from kamcore.model import Plan, Review
from kamcore.reviews import plan_reviews
from kamcore.store import Workspace


def since_point(workspace: Workspace, plan: Plan, since: str | None) -> PlanPoint:
    """The point ``since`` names (``review:K``, a revision...), or the default above.

    :raises InvalidInputError: ``since`` names no point of the plan (the message, headed
        ``--since``, says which it has).
    """
    if since is not None:
        return resolve_point(workspace, plan, since, "--since")
    reviews = plan_reviews(workspace.iter(Review, account_id=plan.account_id), plan.id)
    held = [r for r in reviews if r.date <= date.today()]
    if held:
        return review_point(workspace, plan, held[-1], len(held))
    return revision_point(workspace, plan, 1)

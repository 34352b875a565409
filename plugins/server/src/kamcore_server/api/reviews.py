"""Reviews: record one of a plan, list a plan's reviews, and the reviews due across the
portfolio (:mod:`kamcore.operations.reviews`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from kamcore import operations
from kamcore.model import Review
from kamcore.operations import Actor
from kamcore.store import Workspace

from ..principal import Principal
from ..rules import KamRouter, checker, workspace
from .owned import shown
from .paging import After, Limit, Page, page_of
from .plans import plan_for, visible_plans

router = KamRouter(prefix="/api/v1", tags=["reviews"])


class NewReview(BaseModel):
    """A review held: its kind (from the plan's cadence), the day, who was there, what was
    decided and, for the QBR, its health scores."""

    kind: str = Field(min_length=1, max_length=40, examples=["customer"])
    date: dt.date
    attendees: list[str] = Field(default_factory=list, max_length=100)
    decisions: list[str] = Field(default_factory=list, max_length=100)
    notes: str | None = Field(default=None, max_length=20000)
    scores: dict[str, float] | None = Field(
        default=None, max_length=20, examples=[{"relationship": 4, "value_delivered": 3}],
        description="The QBR's qbr-health criteria and their values: required for the "
                    "methodology's QBR (unless it is not scored), refused for other reviews.")


@router.post("/plans/{plan_id}/reviews", access="write", status_code=201,
             summary="Record a review")
def record_review(plan_id: str, body: NewReview, who: Principal = Depends(checker("write")),
                  ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Record a review of the plan, noting the plan revision reviewed, the account's latest
    score cards and who holds the economic buyer role; the QBR's scores are saved with it as
    its ``qbr-health`` card. Its id is ``PLAN.KIND.DATE``."""
    plan_for(ws, who, plan_id, write=True)
    review = operations.record_review(ws, Actor(who.name), plan_id, body.kind, body.date,
                                      attendees=body.attendees, decisions=body.decisions,
                                      notes=body.notes, scores=body.scores)
    return shown(review, 201)


@router.get("/plans/{plan_id}/reviews", access="read", response_model=Page,
            summary="A plan's reviews")
def list_reviews(plan_id: str, limit: Limit = 50, after: After = None,
                 who: Principal = Depends(checker("read")),
                 ws: Workspace = Depends(workspace)) -> Page:
    """The plan's reviews oldest first, each with its ``number`` (``review:N`` in a diff or a
    restore), a page at a time (``after``: a review id)."""
    plan_for(ws, who, plan_id)
    reviews = list(enumerate(operations.list_reviews(ws, plan_id), start=1))

    def numbered(item: tuple[int, Review]) -> dict[str, Any]:
        return {"number": item[0], **item[1].model_dump(mode="json")}

    return page_of(reviews, after, limit, lambda item: item[1].id, numbered)


@router.get("/reviews/due", access="read", response_model=Page, summary="Reviews due")
def reviews_due(as_of: dt.date | None = Query(default=None,
                                           description="Judge on this day (default: today)."),
                overdue: bool = Query(default=False, description="Only overdue reviews."),
                limit: Limit = 50, after: After = None,
                who: Principal = Depends(checker("read")),
                ws: Workspace = Depends(workspace)) -> Page:
    """The next review of each kind of each plan the caller may see. A page covers ``limit``
    plans in plan id order (``after``: a plan id), so no request reads the whole portfolio;
    within a page the most urgent come first (overdue, then by due date)."""
    plans = visible_plans(ws, who, after, limit + 1)
    shown_plans = plans[:limit]
    rows = operations.reviews_due(ws, as_of or dt.date.today(), only_overdue=overdue,
                                  plan_ids=[plan.id for plan in shown_plans])
    return Page(items=[due.as_dict(plan) for plan, due in rows],
                next_after=shown_plans[-1].id if len(plans) > limit else None)

"""Review pages: record a review from the plan page (``POST /plans/{id}/reviews``), the diff
between two points of a plan in words (``GET /plans/{id}/diff?from=&to=``, the comparison the
API's ``/api/v1/plans/{id}/diff`` makes), and the reviews due across the portfolio the user may
see (``GET /reviews``), overdue first."""

from __future__ import annotations

from datetime import date

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse

from kamcore import operations
from kamcore.errors import InvalidInputError
from kamcore.model import Account
from kamcore.operations import Actor
from kamcore.store import Workspace

from ..api.plans import visible_plans
from ..principal import Principal
from ..rules import KamRouter, checker, workspace
from .plan import plan_of
from .rendering import PageRoute, page
from .reviewing import errors_by_field, read_review_form, reviews_view

router = KamRouter(tags=["pages"], include_in_schema=False, route_class=PageRoute)

#: The most plans the reviews-due page reads (a member's: per team).
DUE_PLANS = 500


@router.post("/plans/{plan_id}/reviews", access="write", response_class=HTMLResponse)
async def record_review(plan_id: str, request: Request,
                        who: Principal = Depends(checker("write")),
                        ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """Record the review the form describes; the reviews block again, with the new review
    listed, or with the form as typed and each problem at its field."""
    plan, methodology = plan_of(ws, who, plan_id, write=True)
    typed = {name: str(value) for name, value in (await request.form()).items()}
    args, errors = read_review_form(typed)
    if not errors:
        try:
            review = operations.record_review(ws, Actor(who.name), plan.id, **args)
        except InvalidInputError as exc:
            view = reviews_view(ws, who, plan, methodology)
            keys = {c.key for c in view["criteria"]}
            errors, problem = errors_by_field(exc, keys)
            return page(request, who, "_reviews.html", rv={
                **view, "typed": typed, "errors": errors, "problem": problem, "open": True})
        recorded = f"Recorded the {review.review_kind} review of {review.date.isoformat()}."
        return page(request, who, "_reviews.html",
                    rv=reviews_view(ws, who, plan, methodology, recorded=recorded))
    return page(request, who, "_reviews.html",
                rv=reviews_view(ws, who, plan, methodology, typed=typed, errors=errors))


@router.get("/plans/{plan_id}/diff", access="read", response_class=HTMLResponse)
def diff_page(plan_id: str, request: Request,
              from_: str = Query(default="", alias="from", max_length=100),
              to: str = Query(default="now", max_length=100),
              who: Principal = Depends(checker("read")),
              ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """What changed in the plan from ``from`` to ``to`` (``now``, a revision number,
    ``review:N``, ``review:last`` or a review id), in words."""
    from kamcore.changes import compare

    plan, methodology = plan_of(ws, who, plan_id)
    reviews = list(enumerate(operations.list_reviews(ws, plan.id), start=1))
    problem, diff = "", None
    try:
        diff = compare(ws, plan.id, from_ or None, None if to in ("", "now") else to,
                       methodology)
    except InvalidInputError as exc:
        problem = str(exc)
    return page(request, who, "diff.html", 422 if problem else 200, plan=plan,
                account=ws.get(Account, plan.account_id), reviews=reviews, chosen_from=from_,
                chosen_to=to or "now", diff=diff, problem=problem)


@router.get("/reviews", access="read", response_class=HTMLResponse)
def reviews_due(request: Request, who: Principal = Depends(checker("read")),
                ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """The next review of each kind of each plan the user may see, overdue first."""
    today = date.today()
    plans = visible_plans(ws, who, None, DUE_PLANS)
    rows = operations.reviews_due(ws, today, plan_ids=[plan.id for plan in plans])
    return page(request, who, "reviews_due.html", rows=rows, today=today,
                cut=len(plans) >= DUE_PLANS)

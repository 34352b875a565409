"""The customer's share-link page: server-rendered (Jinja2, every value escaped), no script,
forms that post back to the same origin. The look lives in ``static/kam.css``."""

from __future__ import annotations

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from kamcore.errors import ConflictError
from kamcore.store import Workspace

from ..api.share import approve_objective, ask_for_change, customer, shown, view_of
from ..rules import KamRouter, workspace
from .rendering import render

router = KamRouter(tags=["pages"], include_in_schema=False)


@router.get("/share/{token}", access="share", response_class=HTMLResponse)
def share_page(token: str, request: Request, notice: str | None = None,
               ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """The shared plan for the customer, with a form per joint objective."""
    who = customer(ws, token)
    return render("share.html", view=shown(view_of(ws, who), who), token=token, notice=notice)


@router.post("/share/{token}/objectives/{objective_id}", access="share")
def share_answer(token: str, objective_id: str, revision: int = Form(...),
                 answer: str = Form(..., pattern="^(approve|change)$"),
                 comment: str = Form("", max_length=4000), title: str = Form("", max_length=200),
                 ws: Workspace = Depends(workspace)) -> RedirectResponse:
    """Approve or ask for a change from the page; back to the page with a notice."""
    who = customer(ws, token)
    try:
        if answer == "approve":
            approve_objective(ws, who, objective_id, revision, title or None)
            notice = "approved"
        else:
            ask_for_change(ws, who, objective_id, revision, comment)
            notice = "change-requested"
    except ConflictError:
        notice = "stale"
    return RedirectResponse(f"/share/{token}?notice={notice}", status_code=303)

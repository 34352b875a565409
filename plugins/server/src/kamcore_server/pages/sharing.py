"""Sharing a plan with the customer from its page (``POST /plans/{id}/shares``): a signed,
expiring link (:func:`kamcore.operations.access.create_share`) for a named customer contact,
shown once on the page to copy and send. The link opens the page of :mod:`.share`.
"""

from __future__ import annotations

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse

from kamcore.errors import InvalidInputError
from kamcore.operations import Actor, access
from kamcore.store import Workspace

from ..principal import Principal
from ..rules import KamRouter, checker, workspace
from .plan import plan_of
from .rendering import PageRoute, page

router = KamRouter(tags=["pages"], include_in_schema=False, route_class=PageRoute)


@router.post("/plans/{plan_id}/shares", access="write", response_class=HTMLResponse)
def share_plan(plan_id: str, request: Request, recipient: str = Form("", max_length=200),
               who: Principal = Depends(checker("write")),
               ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """Make a share link of the plan for ``recipient``; the form again, with the link."""
    plan, _ = plan_of(ws, who, plan_id, write=True)
    try:
        link, token = access.create_share(ws, Actor(who.name), plan.id, recipient)
    except InvalidInputError as exc:
        return page(request, who, "_share_form.html", plan=plan, recipient=recipient,
                    error=exc.problems[0].message if exc.problems else str(exc), link=None)
    url = str(request.base_url).rstrip("/") + f"/share/{token}"
    return page(request, who, "_share_form.html", plan=plan, recipient="", error=None,
                link=link, url=url)

"""Signing in and out of the web workspace.

``GET /signin`` shows the form; ``POST /signin`` checks the password with
:func:`kamcore.operations.access.sign_in` (the same call as ``POST /api/v1/session``, failed
attempts limited the same way), starts the signed session cookie and sends the browser on to
``next`` (a path on this site only). ``POST /signout`` ends the session; being a session's
write it carries the CSRF token (htmx sends it from the page, see ``static/kam.js``).
"""

from __future__ import annotations

from fastapi import Depends, Form, Request, Response
from fastapi.responses import HTMLResponse

from kamcore.operations import access
from kamcore.store import Workspace

from .. import sessions
from ..passwords import verify
from ..principal import Principal
from ..rules import KamRouter, caller, checker, workspace
from .rendering import PageRoute, go, local, render

router = KamRouter(tags=["pages"], include_in_schema=False, route_class=PageRoute)


@router.get("/signin", access="public", response_class=HTMLResponse)
def signin_form(request: Request, next: str | None = None) -> Response:
    """The sign-in form (a signed-in user goes straight on to ``next``)."""
    if caller(request).kind == "session":
        return go(request, local(next))
    return render("signin.html", next=local(next), error=None, name="")


@router.post("/signin", access="public")
def signin(request: Request, name: str = Form("", max_length=200),
           password: str = Form("", max_length=1000),
           next: str = Form("/", max_length=2000),
           ws: Workspace = Depends(workspace)) -> Response:
    """Check the password, start the session, go on to ``next``; else the form again with the
    reason (422 for a form without a name or a password, which is no sign-in attempt; 401, or
    429 after too many failed attempts)."""
    if not name.strip() or not password:
        return render("signin.html", 422, next=local(next), name=name,
                      error="Give your name and your password.")
    try:
        user = access.sign_in(ws, name, password, verify)
    except access.TooManyAttempts as exc:
        return render("signin.html", 429, next=local(next), error=str(exc), name=name)
    except access.AccessDenied as exc:
        return render("signin.html", 401, next=local(next), error=str(exc), name=name)
    response = go(request, local(next))
    sessions.start(request, response, user)
    return response


@router.post("/signout", access="read")
def signout(request: Request, who: Principal = Depends(checker("read"))) -> Response:
    """End the session and show the sign-in form."""
    response = go(request, "/signin")
    sessions.end(response)
    return response

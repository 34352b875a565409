"""Signing in with a password for browser sessions (tokens need none of this)."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request, Response
from pydantic import BaseModel, Field

from kamcore.operations import access
from kamcore.store import Workspace

from .. import sessions
from ..passwords import verify
from ..principal import Principal
from ..problems import Denied
from ..rules import KamRouter, checker, workspace

router = KamRouter(prefix="/api/v1/session", tags=["session"])


class Credentials(BaseModel):
    """A user name and password."""

    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)


def _session(who: Principal, csrf: str) -> dict[str, Any]:
    return {"user": who.name, "role": who.role, "csrf_token": csrf}


@router.post("", access="public", summary="Sign in")
def sign_in(credentials: Credentials, request: Request, response: Response,
            ws: Workspace = Depends(workspace)) -> dict[str, Any]:
    """Check the password and start a session (a signed, HttpOnly cookie). Failed attempts
    are limited per user name (429 after five within 15 minutes)."""
    try:
        user = access.sign_in(ws, credentials.name, credentials.password, verify)
    except access.TooManyAttempts as exc:
        raise Denied(429, str(exc)) from None
    sessions.start(request, response, user)
    return {"user": user.name, "role": user.role,
            "csrf_token": sessions.csrf_token_for(request, response)}


@router.get("", access="read", summary="Who is signed in")
def current(request: Request, who: Principal = Depends(checker("read"))) -> dict[str, Any]:
    """The caller, and for a session the CSRF token its writes must send."""
    return _session(who, sessions.csrf_token(request))


@router.delete("", access="read", summary="Sign out")
def sign_out(response: Response, who: Principal = Depends(checker("read"))) -> dict[str, Any]:
    """End the session."""
    sessions.end(response)
    return {"signed_out": who.name}

"""Browser sessions: a signed cookie, and CSRF protection for what a session changes.

The cookie (``kam_session``) holds the user's name and when they signed in, signed with the
workspace's key (so every server process accepts it); it is HttpOnly, SameSite=Lax, and Secure
unless the server is reached on localhost. A session lasts :data:`MAX_AGE`; disabling the user
ends it at once (the user is read on every request).

A write made with a session cookie must carry ``X-CSRF-Token`` (or a form field
``csrf_token``) equal to :func:`csrf_token` of the session: a page gets it from ``GET
/api/v1/session``; another site cannot read it. Token requests need none.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from kamcore.operations import access

from .principal import Principal, for_user
from .problems import Denied

COOKIE = "kam_session"
MAX_AGE = 12 * 3600
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def _serializer(request: Request) -> URLSafeTimedSerializer:
    key = request.app.state.signing_key
    return URLSafeTimedSerializer(key, salt="kamcore-session")


def start(request: Request, response: Response, user: access.User) -> None:
    """Set the session cookie for ``user`` on ``response``."""
    value = _serializer(request).dumps({"user": user.name})
    response.set_cookie(COOKIE, value, max_age=MAX_AGE, httponly=True, samesite="lax",
                        secure=request.url.hostname not in LOCAL_HOSTS, path="/")


def end(response: Response) -> None:
    """Clear the session cookie."""
    response.delete_cookie(COOKIE, path="/")


def session_principal(request: Request) -> Principal | None:
    """The signed-in user of the request's cookie, or None (no cookie, a bad or old one, a
    user who is gone or disabled)."""
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    try:
        data = _serializer(request).loads(value, max_age=MAX_AGE)
    except BadSignature:
        return None
    from .rules import workspace

    ws = workspace(request)
    user = access.active_user(ws, str(data.get("user", "")))
    if user is None:
        return None
    return for_user(ws, user, "session", "write")


def csrf_token(request: Request) -> str:
    """The CSRF token of the request's session (empty without one)."""
    return _csrf(request, request.cookies.get(COOKIE, ""))


def csrf_token_for(request: Request, response: Response) -> str:
    """The CSRF token of the session just started on ``response``."""
    cookie = next((value.split("=", 1)[1].split(";", 1)[0]
                   for key, value in response.headers.items()
                   if key == "set-cookie" and value.startswith(f"{COOKIE}=")), "")
    return _csrf(request, cookie)


def _csrf(request: Request, cookie: str) -> str:
    if not cookie:
        return ""
    key = str(request.app.state.signing_key).encode()
    return hmac.new(key, b"csrf:" + cookie.encode(), hashlib.sha256).hexdigest()


def check_csrf(request: Request) -> None:
    """Refuse (403) a session's write without the session's CSRF token."""
    sent = request.headers.get("x-csrf-token", "")
    if not sent or not hmac.compare_digest(sent.encode(), csrf_token(request).encode()):
        raise Denied(403, "a change made with a session needs the X-CSRF-Token header "
                          "(from GET /api/v1/session)")

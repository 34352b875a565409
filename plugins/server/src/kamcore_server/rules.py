"""Who may call which route: every route of the API declares one access level.

==========  =======================================================================
level       who may call it
==========  =======================================================================
public      anyone (the OpenAPI document, the docs page, signing in)
read        a signed-in user or any token; a member sees only their teams' accounts
write       an admin, or a member on their teams' accounts; with a session or a write
            token (a read token and a viewer get 403)
admin       an admin (users, teams, tokens of others)
share       a customer holding a valid share link (the link is in the URL)
==========  =======================================================================

:class:`KamRouter` adds the level's check to every route it makes and records the level in
the route's OpenAPI entry (``x-kam-access``), so the authorisation test can be generated from
the route table and a route without a level cannot be made.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Final

from fastapi import APIRouter, Depends, Request

from kamcore.operations import access
from kamcore.store import Workspace

from .principal import ANONYMOUS, Principal, from_token
from .problems import Denied, documented

LEVELS: Final = ("public", "read", "write", "admin", "share")
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


def workspace(request: Request) -> Workspace:
    """This request's handle on the served workspace."""
    handle: Workspace = request.app.state.workspace.handle()
    return handle


def caller(request: Request) -> Principal:
    """Who is calling: a bearer token, else the session cookie, else no one."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    header = request.headers.get("authorization", "")
    principal = ANONYMOUS
    if header:
        scheme, _, presented = header.partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            raise Denied(401, "send the API token as 'Authorization: Bearer <token>'")
        try:
            principal = from_token(workspace(request), presented.strip())
        except access.AccessDenied as exc:
            raise Denied(401, str(exc)) from None
    else:
        from .sessions import session_principal

        principal = session_principal(request) or ANONYMOUS
    request.state.principal = principal
    return principal


@functools.cache
def checker(level: str) -> Callable[[Request], Principal]:
    """The dependency that lets a request through at ``level`` and returns its caller."""
    if level not in LEVELS:
        raise ValueError(f"unknown access level {level!r}")

    def check(request: Request) -> Principal:
        if level in ("public", "share"):
            return ANONYMOUS
        who = caller(request)
        if who.kind == "anonymous":
            raise Denied(401, "sign in, or send an API token as 'Authorization: Bearer <token>'")
        if level == "admin" and who.role != "admin":
            raise Denied(403, "only an admin may do this")
        if level == "write" or request.method not in SAFE_METHODS:
            if who.scope != "write":
                raise Denied(403, "this token may only read (its scope is 'read')")
            if who.role == "viewer":
                raise Denied(403, "a viewer may read but not change anything")
            if who.kind == "session":
                from .sessions import check_csrf

                check_csrf(request)
        return who

    check.__name__ = f"access_{level}"
    return check


def may_read(who: Principal, account_id: str | None) -> bool:
    """Whether ``who`` may see the account (members: only their teams')."""
    return who.role in ("admin", "viewer") or (who.role == "member" and account_id in who.teams)


def require_account(who: Principal, account_id: str | None, *, write: bool = False) -> None:
    """Refuse (404, as if it did not exist) an account ``who`` may not see; refuse (403) a
    write by anyone but an admin or a member of its team."""
    if not may_read(who, account_id):
        raise Denied(404, f"no account {account_id!r} that you may see")
    if write and who.role not in ("admin", "member"):
        raise Denied(403, "a viewer may read but not change anything")


class KamRouter(APIRouter):
    """An APIRouter whose every route names its access level (``access=``)."""

    def add_api_route(self, path: str, endpoint: Callable[..., Any], *,
                      access: str | None = None, **kwargs: Any) -> None:
        if access is None:
            raise TypeError(f"route {path!r} names no access level (one of {', '.join(LEVELS)})")
        kwargs["dependencies"] = [*(kwargs.get("dependencies") or ()), Depends(checker(access))]
        kwargs["openapi_extra"] = {**(kwargs.get("openapi_extra") or {}), "x-kam-access": access}
        kwargs["responses"] = {**documented(access, kwargs.get("methods") or ("GET",)),
                               **(kwargs.get("responses") or {})}
        super().add_api_route(path, endpoint, **kwargs)

    def api_route(self, path: str, *, access: str | None = None,  # type: ignore[override]
                  **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            self.add_api_route(path, func, access=access, **kwargs)
            return func

        return decorator

    def get(self, path: str, **kwargs: Any) -> Any:  # type: ignore[override]
        return self.api_route(path, methods=["GET"], **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:  # type: ignore[override]
        return self.api_route(path, methods=["POST"], **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:  # type: ignore[override]
        return self.api_route(path, methods=["PUT"], **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Any:  # type: ignore[override]
        return self.api_route(path, methods=["PATCH"], **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:  # type: ignore[override]
        return self.api_route(path, methods=["DELETE"], **kwargs)

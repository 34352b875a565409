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

The check runs before anything else of the request (its body is validated after it): a caller
who may not make the request learns that, and nothing about what their body lacked. It covers
the record the path names, too: a path parameter ``account_id``, or ``<kind>_id`` of a stored
record kind (``plan_id``, ``stakeholder_id``, ...), names the account whose team may touch it
(:func:`scope_of`); a member off that team gets 404 as if it did not exist. A ``share`` route's
``token`` is checked the same way (401 if the link is unknown, expired or revoked).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Final

from fastapi import APIRouter, Depends, Request

from kamcore.errors import NotFoundError
from kamcore.model import RECORD_TYPES
from kamcore.operations import access
from kamcore.store import Workspace

from .principal import ANONYMOUS, Principal, from_share, from_token
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
        if level == "public":
            return ANONYMOUS
        if level == "share":
            return _share_caller(request)
        who = caller(request)
        if who.kind == "anonymous":
            raise Denied(401, "sign in, or send an API token as 'Authorization: Bearer <token>'")
        if level == "admin" and who.role != "admin":
            raise Denied(403, "only an admin may do this")
        writes = level == "write" or request.method not in SAFE_METHODS
        if writes:
            if who.scope != "write":
                raise Denied(403, "this token may only read (its scope is 'read')")
            if who.role == "viewer":
                raise Denied(403, "a viewer may read but not change anything")
            if who.kind == "session":
                from .sessions import check_csrf

                check_csrf(request)
        for name, value in request.path_params.items():
            try:
                account_id = scope_of(workspace(request), name, str(value))
            except NotFoundError:
                if may_read(who, None):  # an admin or a viewer: the route says it is missing
                    continue
                raise Denied(404, f"no {name.removesuffix('_id')} {value!r} that you may "
                                  "see") from None
            if account_id is not None:
                require_account(who, account_id, write=writes)
        return who

    check.__name__ = f"access_{level}"
    return check


def _share_caller(request: Request) -> Principal:
    """The customer whose share link is the path's ``token`` (401 if it is not usable)."""
    try:
        principal = from_share(workspace(request), str(request.path_params.get("token", "")))
    except access.AccessDenied as exc:
        raise Denied(401, str(exc)) from None
    request.state.principal = principal
    return principal


def scope_of(ws: Workspace, name: str, value: str) -> str | None:
    """The account whose team may touch what path parameter ``name`` = ``value`` names, or
    None if the parameter names no stored record (a section key, a methodology's name).

    ``account_id`` names the account; ``<kind>_id`` a record of a stored kind (see
    :data:`kamcore.model.RECORD_TYPES`), which belongs to one account.

    :raises NotFoundError: the record is not there.
    """
    if name == "account_id":
        return value
    cls = RECORD_TYPES.get(name.removesuffix("_id")) if name.endswith("_id") else None
    if cls is None:
        return None
    return ws.get(cls, value).owner_account_id() or ""


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

"""The authorisation matrix, generated from the application's route table.

Every route of :func:`kamcore_server.app.create_app` is requested, per method, as each kind of
caller the rules know, with its path parameters filled from the seeded workspace (records of
``helios``, whose team ``ann`` is on; ``mo`` is on the team of ``atlas``). A route added later is
covered without editing this file; a route that names no access level fails it.

Requests carry no body: the access check runs before the body is validated, so a refusal is
the first answer a caller gets whatever they send.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from kamcore_server.app import create_app
from kamcore_server.rules import LEVELS, SAFE_METHODS, scope_of
from starlette.routing import BaseRoute, Mount, Route

from kamcore.model import RECORD_TYPES
from kamcore.operations import access
from kamcore.store import Workspace

TARGET = "helios"  # the account whose records fill the path parameters
SHARED_PLAN = "helios-sama7"  # its plan, shared (conftest)
OUTSIDER = "mo"  # a member, on another account's team
#: path parameters that name no stored record: any value the routes accept
PLAIN = {"section": "joint_objectives", "name": "sama7", "objective_id": "o1"}
APP = create_app(":routes-only:")  # the lifespan never runs: only the route table is read
#: routes the framework makes rather than a KamRouter, each public by design
FRAMEWORK = {(Route, APP.openapi_url), (Mount, "/static")}


def routes() -> list[tuple[str, BaseRoute]]:
    """(path, route) of every route of the application, included routers' flattened (FastAPI
    0.16x keeps them nested in ``app.routes``; earlier versions listed them there)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # an earlier FastAPI: app.routes is flat
        return [(getattr(route, "path", ""), route) for route in APP.routes]
    return [(context.path or "", context.original_route)
            for context in iter_route_contexts(APP.routes)]


def _requests() -> list[tuple[str, str, str]]:
    """(method, path, level) of every API route; ``level`` is ``None`` when it names none."""
    found = []
    for path, route in routes():
        if isinstance(route, APIRoute):
            level = (route.openapi_extra or {}).get("x-kam-access")
            found += [(method, path, level) for method in sorted(route.methods)
                      if method != "HEAD"]
    return found


REQUESTS = _requests()
IDS = [f"{method} {path}" for method, path, _ in REQUESTS]


@pytest.fixture(scope="module")
def served(built: tuple[Path, dict[str, str]]) -> Iterator[tuple[TestClient, Workspace]]:
    """A client of the seeded workspace, and the workspace (nothing here writes to it).

    Event streams close after a fraction of a second here: a test client waits for the end of
    a response, and a stream let through by mistake must fail the test, not hang it."""
    patch = pytest.MonkeyPatch()
    patch.setenv("KAM_EVENTS_MAX_SECONDS", "0.3")
    patch.setenv("KAM_EVENTS_POLL", "0.1")
    with TestClient(create_app(built[0]), base_url="http://localhost",
                    raise_server_exceptions=False) as client, Workspace.open(built[0]) as ws:
        yield client, ws
    patch.undo()


def fill(path: str, ws: Workspace, people: dict[str, str], token: str = "share") -> str:
    """``path`` with its parameters filled from the target account's records."""
    link = access.list_shares(ws, SHARED_PLAN)[0].id
    values = {"account_id": TARGET, "plan_id": SHARED_PLAN, "token": people[token],
              "link_id": link, **PLAIN}
    for kind, cls in RECORD_TYPES.items():
        first = next(ws.iter(cls, account_id=TARGET, limit=1), None)
        if first is not None:
            values.setdefault(f"{kind}_id", first.id)
    filled = path
    for name in _params(path):
        filled = filled.replace("{" + name + "}", values.get(name, "x"))
    return filled


def _params(path: str) -> list[str]:
    return [part.split("}", 1)[0].split(":", 1)[0] for part in path.split("{")[1:]]


def bearer(people: dict[str, str], name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {people[name]}"}


def test_every_route_names_an_access_level() -> None:
    assert len(REQUESTS) > 20  # the route table is really read
    unnamed = [f"{method} {path}" for method, path, level in REQUESTS if level not in LEVELS]
    assert not unnamed, f"routes without an access level: {unnamed}"
    others = {(type(route), path) for path, route in routes() if not isinstance(route, APIRoute)}
    assert others <= FRAMEWORK, f"routes made outside a KamRouter: {others - FRAMEWORK}"


def test_the_framework_routes_are_public(served: tuple[TestClient, Workspace]) -> None:
    client, _ = served
    assert client.get(APP.openapi_url or "").status_code == 200
    assert client.get("/static/kam.css").status_code == 200


@pytest.mark.parametrize(("method", "path", "level"), REQUESTS, ids=IDS)
def test_the_route_refuses_whoever_its_level_excludes(
        served: tuple[TestClient, Workspace], people: dict[str, str], method: str, path: str,
        level: str) -> None:
    client, ws = served
    url = fill(path, ws, people)

    def status(headers: dict[str, str] | None = None, to: str = url) -> int:
        """The status, a page's redirect to the sign-in form counted as the 401 it stands
        for (pages send a person there instead of answering 401)."""
        response = client.request(method, to, headers=headers or {}, follow_redirects=False)
        if response.status_code == 303 and response.headers["location"].startswith("/signin"):
            return 401
        return response.status_code

    if level == "public":
        assert status() not in (401, 403)
        return
    if level == "share":
        for dead in ("share_revoked", "share_expired"):
            assert status(to=fill(path, ws, people, dead)) == 401, dead
        forged = people["share"][:-4] + "0000"
        assert status(to=url.replace(people["share"], forged)) == 401
        assert status(to=url) not in (401, 403)  # the valid link gets past the check
        return
    assert status() == 401  # anonymous
    for dead in ("expired", "revoked"):
        assert status(bearer(people, dead)) == 401, dead
    assert status({"Authorization": "Bearer kam_nope"}) == 401
    assert status({"Authorization": "Basic YWRhOmFkYQ=="}) == 401
    writes = level == "write" or method not in SAFE_METHODS
    if writes or level == "admin":
        assert status(bearer(people, "vic")) == 403  # a viewer
        assert status(bearer(people, "ann_read")) == 403  # a read token of the team's member
    if level == "admin":
        assert status(bearer(people, "ann")) == 403
    scoped = [name for name in _params(path) if _account_of(ws, name, url, path) is not None]
    if scoped:
        refused = client.request(method, url, headers=bearer(people, OUTSIDER))
        assert refused.status_code in (403, 404)
        assert "that you may see" in refused.text  # refused for the team (a problem or a page), not
        # for a missing record: the filled ids are the target account's (asserted below)
        assert {_account_of(ws, name, url, path) for name in scoped} == {TARGET}
    if not writes:  # the callers the level admits get past the check
        for name in ("ada",) if level == "admin" else ("ada", "vic", "ann"):
            admitted = client.request(method, url, headers=bearer(people, name))
            assert admitted.status_code not in (401, 403), name
            assert "that you may see" not in admitted.text, name


def _account_of(ws: Workspace, name: str, url: str, path: str) -> str | None:
    """The account the filled parameter ``name`` of ``path`` names (see ``scope_of``)."""
    parts, filled = path.strip("/").split("/"), url.strip("/").split("/")
    value = next(filled[i] for i, part in enumerate(parts) if part.startswith("{" + name))
    return scope_of(ws, name, value)

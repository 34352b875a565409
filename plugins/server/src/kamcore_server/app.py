"""The ASGI application: :func:`create_app` serves one workspace.

The application keeps no state between requests beyond what every process can rebuild: the
open connection pool, the plugin registry, and the signing key read from the workspace. So
``uvicorn --workers N`` (or several hosts behind a proxy, on PostgreSQL) serve the same
workspace alike.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from kamcore.events import HookEvents
from kamcore.operations import access
from kamcore.plugin.host import get_plugin_host
from kamcore.store import Workspace

from . import apidocs, problems
from .api import (
    accounts,
    catalog,
    events,
    exports,
    imports,
    opportunities,
    people,
    plans,
    reviews,
    scores,
    session,
    share,
)
from .pages import ROUTERS as PAGES

#: Content-Security-Policy of every response: nothing from another origin, no inline script.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
       "object-src 'none'")

ROUTERS = (session.router, accounts.router, plans.router, catalog.router, share.router,
           people.router, opportunities.router, reviews.router, scores.router, exports.router,
           imports.router, events.router, apidocs.router, *PAGES)


def create_app(target: str | os.PathLike[str] | None = None) -> FastAPI:
    """The application serving the workspace at ``target`` (a path or database URL; default
    ``$KAM_WORKSPACE``, else ``kam.db``)."""
    target = target or os.environ.get("KAM_WORKSPACE", "kam.db")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ws = Workspace.open(target, listener=HookEvents(get_plugin_host()))
        app.state.workspace = ws
        app.state.signing_key = access.signing_key(ws)
        try:
            yield
        finally:
            ws.close()

    app = FastAPI(
        title="kamcore", version=_version(), lifespan=lifespan,
        description="The kamcore workspace over HTTP: accounts, plans, reviews and scores. "
                    "Writes send If-Match with the ETag they read; errors are RFC 9457 "
                    "problem details.",
        openapi_url="/api/v1/openapi.json", docs_url=None, redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    problems.install(app)
    apidocs.install(app)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: object) -> Response:
        response: Response = await call_next(request)  # type: ignore[operator]
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(files("kamcore_server") / "static")),
              name="static")
    return app


def _version() -> str:
    from importlib.metadata import version

    return version("kamcore-server")

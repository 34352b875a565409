"""The API's documentation: the docs page (``GET /api/v1/docs``), Swagger UI from the package
rather than a CDN, and the security schemes of the OpenAPI document.

FastAPI's own docs page loads Swagger UI from a CDN and starts it with an inline script; both
break the server's rule that no page loads anything from another origin and its CSP (no inline
script). This page loads the vendored ``swagger-ui-dist`` (``static/swagger-ui``: the version is
in its ``package.json``, the digests in ``SHA256SUMS``, the licence beside it; refreshed with
``scripts/vendor-swagger-ui.sh``) and starts it from ``static/docs-init.js``, which reads the
OpenAPI document's address from the page.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from .rules import KamRouter

#: how a caller proves who they are, by the route's access level (see :mod:`.rules`)
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "An API token from `kam token create` (a read or write scope)."},
    "session": {"type": "apiKey", "in": "cookie", "name": "kam_session",
                "description": "The cookie of `POST /api/v1/session`; writes also send "
                               "X-CSRF-Token."},
}
SIGNED_IN = ("read", "write", "admin")

router = KamRouter(tags=["docs"], include_in_schema=False)

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} API</title>
<link rel="stylesheet" href="/static/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="{openapi}"></div>
<script src="/static/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/docs-init.js"></script>
</body>
</html>
"""


@router.get("/api/v1/docs", access="public", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    """The interactive API documentation, every asset from this server."""
    app = request.app
    return HTMLResponse(PAGE.format(title=escape(app.title), openapi=escape(app.openapi_url)))


def install(app: FastAPI) -> None:
    """Make ``app``'s OpenAPI document name its security schemes, and on each operation the
    ones its access level accepts (a share link's token is in its path: no scheme)."""
    made: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        schema = made()
        schema.setdefault("components", {}).setdefault("securitySchemes", SECURITY_SCHEMES)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if operation.get("x-kam-access") in SIGNED_IN:
                    operation.setdefault("security", [{"bearer": []}, {"session": []}])
        return schema

    app.openapi = openapi  # type: ignore[method-assign]

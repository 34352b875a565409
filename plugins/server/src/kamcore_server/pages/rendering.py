"""How every page is made: the Jinja2 templates (autoescaped), the page context every
workspace page shares, and :class:`PageRoute`, which answers a refused or broken page request
in HTML instead of problem JSON.

The templates are the server's own (``kamcore_server/templates``) and, under the prefix
``core/``, kamcore's built-in HTML exporter templates (so the workspace draws the stakeholder
map with the very template the HTML report uses).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, select_autoescape

from kamcore.errors import KamError, NotFoundError, format_path

from .. import sessions
from ..principal import Principal
from ..problems import Denied


@functools.cache
def templates() -> Environment:
    """The page templates, autoescaped (the server's own, and kamcore's under ``core/``)."""
    loader = ChoiceLoader([
        PackageLoader("kamcore_server", "templates"),
        PrefixLoader({"core": PackageLoader("kamcore", "builtin/templates")}),
    ])
    return Environment(loader=loader, trim_blocks=True, lstrip_blocks=True,
                       autoescape=select_autoescape(default=True, default_for_string=True))


def render(template: str, status: int = 200, /, **context: Any) -> HTMLResponse:
    """Render ``template`` with ``context``."""
    return HTMLResponse(templates().get_template(template).render(**context),
                        status_code=status)


def page(request: Request, who: Principal, template: str, status: int = 200, /,
         **context: Any) -> HTMLResponse:
    """Render a workspace page for the signed-in ``who``: the layout gets the user, the CSRF
    token its htmx requests send, and the current path (to mark the navigation)."""
    return render(template, status, who=who, csrf_token=sessions.csrf_token(request),
                  path=request.url.path, **context)


def is_htmx(request: Request) -> bool:
    """True for a request htmx made (it swaps a fragment instead of loading a page)."""
    return request.headers.get("hx-request") == "true"


def go(request: Request, url: str) -> Response:
    """Send the browser to ``url``: a 303 for a plain form post, ``HX-Redirect`` for htmx."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def local(url: str | None, default: str = "/") -> str:
    """``url`` if it is a path on this site (``/...`` but not ``//host``), else ``default``:
    a sign-in form never sends anyone to another site."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return default


def _error_page(request: Request, status: int, title: str, detail: str) -> Response:
    return render("error.html", status, title=title, detail=detail, path=request.url.path)


class PageRoute(APIRoute):
    """A route of a workspace page: not signed in sends the browser to the sign-in page (and
    back afterwards); a refusal, a missing record or a bad query string is an HTML page with
    the status and the reason, never problem JSON and never a traceback."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except Denied as exc:
                if exc.status == 401:
                    back = request.url.path + (f"?{request.url.query}" if request.url.query
                                               else "")
                    return go(request, f"/signin?next={quote(back)}")
                return _error_page(request, exc.status, "Not allowed" if exc.status == 403
                                   else "Not found", exc.detail)
            except NotFoundError as exc:
                return _error_page(request, 404, "Not found", str(exc))
            except RequestValidationError as exc:
                detail = "; ".join(
                    f"{format_path([p for p in e.get('loc', ()) if p not in ('query', 'body')])}"
                    f": {e.get('msg', '')}" for e in exc.errors())
                return _error_page(request, 422, "Bad request", detail)
            except KamError as exc:
                return _error_page(request, 400, "Bad request", str(exc))

        return handle

"""Errors as RFC 9457 problem details (``application/problem+json``), in the CLI's words.

Every error a client can get has ``type``, ``title``, ``status``, ``detail`` (the message the
CLI prints for the same mistake), ``instance`` (the request path) and ``request_id`` (also in
the ``X-Request-ID`` header); invalid input adds ``errors`` with each field path. An
unexpected failure is logged with its request id and answered with a 500 that says nothing
more: no traceback ever reaches a client.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from kamcore.errors import (
    ConflictError,
    InvalidInputError,
    KamError,
    NotFoundError,
    WorkspaceError,
    format_path,
)
from kamcore.operations.access import AccessDenied
from kamcore.planning import AdvanceRefused

log = logging.getLogger("kamcore.server")

PROBLEM_JSON = "application/problem+json"


class FieldError(BaseModel):
    """One problem with the input: where (a field path, and the line of an uploaded file when
    known) and what."""

    path: str
    message: str
    line: int | None = None


class ProblemDetails(BaseModel):
    """An error (RFC 9457). Some carry more members: ``errors`` (invalid input), the current
    revision and what changed (412), the findings that block a step (409)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str
    request_id: str
    errors: list[FieldError] | None = None


def documented(level: str, methods: Iterable[str]) -> dict[int | str, dict[str, Any]]:
    """The problem responses a route of access ``level`` answering ``methods`` may give, for
    its OpenAPI entry (so clients, and schemathesis, know their shape)."""
    statuses = [400, 404, 422]
    if level == "public":
        statuses.append(429)
    else:
        statuses += [401, 403]
    if set(methods) - {"GET", "HEAD", "OPTIONS"}:
        statuses += [409, 412, 428]
    return {status: {"model": ProblemDetails, "description": HTTPStatus(status).phrase,
                     "content": {PROBLEM_JSON: {"schema": {
                         "$ref": "#/components/schemas/ProblemDetails"}}}}
            for status in sorted(statuses)}


class Denied(Exception):
    """A request refused for who is asking (401, 403) or what they may see (404)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class PreconditionRequired(Exception):
    """A write without ``If-Match`` (428)."""


def problem(request: Request, status: int, code: str, title: str, detail: str,
            **extra: Any) -> JSONResponse:
    """A problem-details response for ``request``."""
    body = {"type": f"urn:kamcore:problem:{code}", "title": title, "status": status,
            "detail": detail, "instance": request.url.path,
            "request_id": request_id(request), **extra}
    headers = {"X-Request-ID": request_id(request)}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="kamcore"'
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def request_id(request: Request) -> str:
    """The id of this request (made by the middleware; echoed in ``X-Request-ID``)."""
    return str(getattr(request.state, "request_id", "") or "")


def _conflict_extra(request: Request, exc: ConflictError) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "current_revision": exc.current_revision,
        "changed_by": exc.changed_by,
        "changed_at": exc.changed_at.isoformat() if exc.changed_at else None,
        "changes": [],
    }
    if exc.kind == "plan" and exc.current_revision and exc.base_revision:
        from kamcore.changes import compare

        try:
            diff = compare(request.app.state.workspace.handle(), exc.record_id,
                           str(exc.base_revision), None)
            extra["changes"] = [change.as_dict() for change in diff.changes]
        except KamError:  # the base revision is gone or unreadable: say who, not what
            pass
    return extra


def install(app: FastAPI) -> None:
    """Add the request-id middleware and every error handler to ``app``."""

    @app.middleware("http")
    async def tag_request(request: Request,
                          call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request.state.request_id = request.headers.get("x-request-id", "")[:64] \
            or uuid.uuid4().hex
        try:
            response = await call_next(request)
        except Exception:
            log.exception("request %s %s failed (request id %s)", request.method,
                          request.url.path, request.state.request_id)
            response = problem(request, 500, "internal", "Internal server error",
                               "the server failed; quote the request id when you report it")
        response.headers["X-Request-ID"] = request.state.request_id
        return response

    @app.exception_handler(Denied)
    async def denied(request: Request, exc: Denied) -> JSONResponse:
        titles = {401: "Not signed in", 403: "Forbidden", 404: "Not found",
                  429: "Too many attempts"}
        return problem(request, exc.status, titles.get(exc.status, "Refused").lower()
                       .replace(" ", "-"), titles.get(exc.status, "Refused"), exc.detail)

    @app.exception_handler(AccessDenied)
    async def access_denied(request: Request, exc: AccessDenied) -> JSONResponse:
        return problem(request, 401, "not-signed-in", "Not signed in", str(exc))

    @app.exception_handler(PreconditionRequired)
    async def precondition(request: Request, exc: PreconditionRequired) -> JSONResponse:
        return problem(request, 428, "precondition-required", "Precondition required",
                       "send If-Match with the revision (ETag) your change is based on, so "
                       "that no one's change is overwritten")

    @app.exception_handler(ConflictError)
    async def conflict(request: Request, exc: ConflictError) -> JSONResponse:
        return problem(request, 412, "stale", "Changed since you read it", str(exc),
                       **_conflict_extra(request, exc))

    @app.exception_handler(InvalidInputError)
    async def invalid(request: Request, exc: InvalidInputError) -> JSONResponse:
        errors = [{"path": format_path(p.path), "message": p.message, "line": p.line}
                  for p in exc.problems]
        return problem(request, 422, "invalid-input", "Invalid input", str(exc), errors=errors)

    @app.exception_handler(AdvanceRefused)
    async def refused(request: Request, exc: AdvanceRefused) -> JSONResponse:
        findings = [f.model_dump(mode="json") for f in getattr(exc, "findings", ())]
        return problem(request, 409, "advance-refused", "Gate not met", str(exc),
                       findings=findings)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> JSONResponse:
        return problem(request, 404, "not-found", "Not found", str(exc))

    @app.exception_handler(WorkspaceError)
    async def workspace_error(request: Request, exc: WorkspaceError) -> JSONResponse:
        return problem(request, 503, "workspace", "Workspace unavailable", str(exc))

    @app.exception_handler(KamError)
    async def kam_error(request: Request, exc: KamError) -> JSONResponse:
        return problem(request, 400, "bad-request", "Bad request", str(exc))

    @app.exception_handler(RequestValidationError)
    async def request_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"path": format_path([p for p in e.get("loc", ()) if p != "body"]),
                   "message": e.get("msg", "")} for e in exc.errors()]
        detail = "; ".join(f"{e['path']}: {e['message']}" for e in errors)
        return problem(request, 422, "invalid-input", "Invalid input", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(request, exc.status_code, f"http-{exc.status_code}",
                       str(exc.detail), str(exc.detail))

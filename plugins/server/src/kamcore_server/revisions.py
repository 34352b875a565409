"""Revisions on the wire: a record's revision is its ``ETag``; a write names the revision it
was based on in ``If-Match`` (missing: 428; stale: 412 with who changed it and what)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from kamcore.errors import InvalidInputError, Problem

from .problems import PreconditionRequired


def etag(revision: int) -> str:
    """The ``ETag`` of a revision: ``"3"``."""
    return f'"{revision}"'


def tagged(data: Any, revision: int, status: int = 200) -> JSONResponse:
    """``data`` as JSON with the revision's ``ETag``."""
    return JSONResponse(data, status_code=status, headers={"ETag": etag(revision)})


def base_revision(request: Request) -> int:
    """The revision named by ``If-Match``.

    :raises PreconditionRequired: no ``If-Match`` (or ``*``, which would overwrite anything).
    :raises InvalidInputError: not an ETag this server gave.
    """
    header = request.headers.get("if-match", "").strip()
    if not header or header == "*":
        raise PreconditionRequired()
    text = header.removeprefix("W/").strip().strip('"')
    if not text.isdigit():
        raise InvalidInputError(f"If-Match {header!r} is not a revision this server gave "
                                "(an ETag such as \"3\")",
                                [Problem("not an ETag of this server", path=("If-Match",))])
    return int(text)

"""What a database error means, in words a user can act on.

SQLAlchemy's own message of a failed statement carries the statement and its parameters (row
data), and a driver's may echo the connection's password: :func:`database_error` says what
went wrong -- a full disk, a read-only or locked workspace -- and nothing of either.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError

from ..errors import WorkspaceError
from .engine import display_url, hide_secrets

#: SQLite result codes (``sqlite3.Error.sqlite_errorname`` without its extension) in words.
SQLITE_CAUSES = {
    "SQLITE_FULL": "the disk is full",
    "SQLITE_READONLY": "it is read-only",
    "SQLITE_BUSY": "another process holds it locked (waited 30 seconds)",
    "SQLITE_LOCKED": "another process holds it locked (waited 30 seconds)",
    "SQLITE_CANTOPEN": "its database file cannot be opened",
    "SQLITE_PERM": "permission denied",
    "SQLITE_IOERR": "the disk reported an input/output error",
    "SQLITE_CORRUPT": "its database file is damaged",
    "SQLITE_NOTADB": "the file is not a database",
}

#: PostgreSQL SQLSTATE codes in words.
POSTGRES_CAUSES = {
    "53100": "the database server's disk is full",
    "53200": "the database server is out of memory",
    "25006": "it is read-only",
    "55P03": "another session holds it locked",
    "57014": "the statement was cancelled (timeout)",
}


def database_error(url: str, exc: DBAPIError, doing: str,
                   outcome: str | None = None) -> WorkspaceError:
    """The :class:`WorkspaceError` for ``exc``, raised while ``doing`` (``"read"``,
    ``"write to"``, ``"open"``) the workspace at ``url``, ``outcome`` appended: ``cannot write
    to workspace X: the disk is full; nothing was written``. Never the SQL statement, its
    parameters or a password of ``url``."""
    tail = f"; {outcome}" if outcome else ""
    return WorkspaceError(f"cannot {doing} workspace {display_url(url)}: {cause(exc, url)}{tail}")


def cause(exc: DBAPIError, url: str) -> str:
    """Why ``exc`` happened: a known condition in words, else the first line of the driver's
    message (which names no statement) without the passwords of ``url``."""
    orig = exc.orig
    if isinstance(orig, sqlite3.Error):
        name = getattr(orig, "sqlite_errorname", "") or ""
        known = SQLITE_CAUSES.get("_".join(name.split("_")[:2]))
        if known:
            return known
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in POSTGRES_CAUSES:
        return POSTGRES_CAUSES[sqlstate]
    lines = str(orig).strip().splitlines() or [type(orig).__name__]
    return hide_secrets(lines[0], url)

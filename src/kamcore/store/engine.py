"""Reaching a workspace's database: URLs, engines and the schema version check.

A plain path means an SQLite file (``sqlite:///...``); ``postgresql://...`` means a shared
PostgreSQL server through the psycopg 3 driver. Everything else in :mod:`kamcore.store` goes
through the same SQLAlchemy Core code whichever it is.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url, select
from sqlalchemy.exc import ArgumentError

from ..errors import WorkspaceError
from . import tables


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def is_postgresql(url: str) -> bool:
    return url.startswith("postgresql")


def workspace_url(target: str | os.PathLike[str]) -> str:
    """The SQLAlchemy URL for a path or URL (a plain path means an SQLite file).

    ``postgresql://`` and ``postgres://`` use the psycopg 3 driver
    (``postgresql+psycopg://``); a URL naming its driver is kept as it is.
    """
    text = os.fspath(target)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    scheme, rest = text.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return text


#: Query parameters of a database URL that carry a password (libpq's names and common ones).
SECRET_PARAMETERS = frozenset({"password", "passwd", "pwd", "sslpassword"})
#: A secret in a URL SQLAlchemy cannot parse: ``:password@`` or ``password=...``.
_SECRET_IN_TEXT = re.compile(
    r"(?P<keep>://[^/:@\s]*:|[?&;\s](?:" + "|".join(sorted(SECRET_PARAMETERS))
    + r")=)(?P<secret>[^@&;\s]*)", re.IGNORECASE)


def display_url(url: str) -> str:
    """``url`` for messages, every password shown as ``***``: the user part's
    (``postgresql://kam:pw@host/db``) and any query parameter's (``?password=pw``, see
    :data:`SECRET_PARAMETERS`), also in a URL SQLAlchemy cannot parse."""
    if is_sqlite(url):
        return url
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is no number
        return _SECRET_IN_TEXT.sub(r"\g<keep>***", url)
    query = {key: "***" if key.lower() in SECRET_PARAMETERS else value
             for key, value in parsed.query.items()}
    shown = parsed.set(query=query).render_as_string(hide_password=True)
    return shown.replace("=" + quote("***", safe=""), "=***")


def hide_secrets(text: str, url: str) -> str:
    """``text`` (a driver's message, say) with every password ``url`` carries replaced by
    ``***``, as given and URL-quoted."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is no number
        values: list[Any] = [match["secret"] for match in _SECRET_IN_TEXT.finditer(url)]
    else:
        values = [parsed.password, *(value for key, value in parsed.query.items()
                                     if key.lower() in SECRET_PARAMETERS)]
    for value in values:
        for secret in {str(item) for item in (value if isinstance(value, tuple) else [value])
                       if item}:
            text = text.replace(secret, "***").replace(quote(secret, safe=""), "***")
    return text


def _sqlite_file(url: str) -> Path | None:
    path = url.split(":///", 1)[1] if ":///" in url else ""
    return Path(path) if path and path != ":memory:" else None


#: SQLite's page cache in a write transaction (KiB, as ``PRAGMA cache_size`` takes it when
#: negative). SQLite's default, 2 MiB, is smaller than the index of records by account of a
#: 100,000-contact import, whose entries arrive in no order: the transaction spilled and
#: re-read its pages (~30 % more CPU for its writes). The cache grows only as pages are
#: touched, so a small save costs nothing more.
WRITE_CACHE_KIB = 32 * 1024
#: SQLite's page cache in a read transaction: SQLite's default (a streamed read of the whole
#: portfolio touches every page once; a large cache would only hold memory).
READ_CACHE_KIB = 2_000


def _configure_sqlite(engine: Engine) -> None:
    """A busy timeout, BEGIN IMMEDIATE for write transactions (no upgrade deadlock), and a
    page cache of :data:`WRITE_CACHE_KIB` for them (:data:`READ_CACHE_KIB`, SQLite's default,
    for reads; the setting belongs to the connection, so a transaction sets it when the
    connection's last one was of the other sort).

    WAL mode is set once the file is known to be a workspace (see ``Workspace._prepare``).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get("kam_write", False)
        cache = WRITE_CACHE_KIB if write else READ_CACHE_KIB
        info = connection.connection.info  # the DBAPI connection's, kept across checkouts
        if info.get("kam_cache_kib", READ_CACHE_KIB) != cache:
            connection.exec_driver_sql(f"PRAGMA cache_size=-{cache}")
            info["kam_cache_kib"] = cache
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def read_only_reason(url: str) -> str | None:
    """Why the SQLite workspace file of ``url`` can only be read, in words, or None when it can
    be written (or does not exist, or is no SQLite file): a read-only file system, a file or a
    folder (where SQLite keeps its ``-wal`` and ``-shm`` files) the user may not write."""
    file = _sqlite_file(url) if is_sqlite(url) else None
    if file is None or not file.exists():
        return None
    if os.statvfs(file).f_flag & os.ST_RDONLY:
        return "it is on a read-only file system"
    if not _writable(file):
        return "its file is not writable"
    if not _writable(file.parent):
        return "its folder is not writable"
    return None


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def _read_only_connect(file: Path) -> Callable[[], sqlite3.Connection]:
    """A function opening ``file`` read-only: ``immutable`` when SQLite cannot create its
    ``-shm`` file next to it (it then reads the file as it is and takes no locks)."""
    flags = "mode=ro" if _writable(file.parent) else "immutable=1"
    uri = f"file:{quote(str(file))}?{flags}"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)

    return connect


def make_engine(url: str, *, create: bool = False, read_only: bool = False) -> Engine:
    """The engine for a workspace URL (see :func:`workspace_url`), configured for kamcore.

    A missing SQLite file is a :class:`WorkspaceError` unless ``create`` (then its folder is
    made); so is a missing database driver. ``read_only`` opens an SQLite file so that nothing
    in it can change (see :func:`read_only_reason`). Nothing is read or written yet.
    """
    file = _sqlite_file(url) if is_sqlite(url) else None
    if file is not None and not file.exists() and not create:
        raise WorkspaceError(f"no workspace at {file}; create one with `kam init`")
    if file is not None and create:
        file.parent.mkdir(parents=True, exist_ok=True)
    connect_args: dict[str, Any] = {}
    options: dict[str, Any] = {}
    if file is not None and read_only:
        options["creator"] = _read_only_connect(file)
    elif file is not None:
        connect_args["timeout"] = 30
    elif is_postgresql(url):
        connect_args["connect_timeout"] = 10
    try:
        engine = create_engine(url, connect_args=connect_args, **options)
    except ImportError as exc:
        if is_postgresql(url):
            raise WorkspaceError(
                f"cannot open workspace {display_url(url)!r}: PostgreSQL workspaces need the "
                f"{exc.name or 'psycopg'} driver, which is not installed; install it with "
                "`pip install 'kamcore[postgres]'`") from None
        raise WorkspaceError(f"cannot open workspace {display_url(url)!r}: {exc}") from None
    except (ArgumentError, ValueError) as exc:
        raise WorkspaceError(
            f"cannot open workspace {display_url(url)!r}: {hide_secrets(str(exc), url)}") from None
    if is_sqlite(url):
        _configure_sqlite(engine)
    return engine


def vacuum(engine: Engine) -> bool:
    """Give an SQLite workspace file back the pages nothing uses any more; True when done.

    Best effort, outside any transaction: another process using the file at that moment
    makes SQLite refuse, and the file stays as large as it was (nothing is lost).
    """
    raw = engine.raw_connection()
    try:
        raw.cursor().execute("VACUUM")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        raw.close()


def use_wal(engine: Engine, attempts: int = 50) -> None:
    """Switch an SQLite workspace file to WAL (persistent; a no-op when it already is).

    Changing the journal mode needs the file to itself, and SQLite's busy handler does not
    wait for that: when other processes open the same new workspace at the same moment, the
    switch is retried for a few seconds (one of them wins, the others then find WAL set).
    """
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for attempt in range(attempts):
            try:
                if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
                    return
                cursor.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == attempts - 1:
                    raise
                time.sleep(0.05 + 0.05 * attempt)
    finally:
        raw.close()


def schema_version(conn: Connection, *, lock: bool = False) -> int | None:
    """The workspace's ``meta.schema_version``; None when the database is no workspace.

    With ``lock`` the row stays locked until the transaction ends, so two ``kam migrate`` runs
    on one PostgreSQL server take turns (SQLite write transactions are BEGIN IMMEDIATE).
    """
    if not inspect(conn).has_table(tables.meta.name):
        return None
    query = select(tables.meta.c.value).where(tables.meta.c.key == "schema_version")
    value = conn.execute(query.with_for_update() if lock else query).scalar()
    return int(value) if value is not None else None


def check_schema_version(url: str, version: int | None, *, older_ok: bool = False) -> int:
    """Refuse a database that is no workspace, or one this kamcore cannot use as it is
    (``older_ok``: an older schema is fine, as for ``kam migrate``)."""
    where = display_url(url)
    if version is None:
        raise WorkspaceError(f"{where} is not a kamcore workspace; create one with kam init")
    if version > tables.SCHEMA_VERSION:
        raise WorkspaceError(
            f"{where} has schema version {version}: it was created by a newer kamcore "
            f"(this one knows up to version {tables.SCHEMA_VERSION}); upgrade kamcore")
    if version < tables.SCHEMA_VERSION and not older_ok:
        raise WorkspaceError(
            f"{where} has schema version {version}, older than this kamcore's "
            f"({tables.SCHEMA_VERSION}); run `kam migrate` to upgrade it (every record "
            "and revision is kept)")
    return version

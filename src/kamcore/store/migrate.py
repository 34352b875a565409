"""Schema migrations: bring a workspace made by an older kamcore up to this one's schema.

The migrations are an Alembic environment inside the package (``migrations/env.py`` and
``migrations/versions/000N_*.py``), configured here in code. Revision ``000N`` leaves
``meta.schema_version`` at ``N``; that row is what :meth:`Workspace.open` checks (cheaply,
without importing Alembic), and ``alembic_version`` is Alembic's own bookkeeping.

:func:`migrate_workspace` (``kam migrate``) runs every pending migration in one write
transaction (``BEGIN IMMEDIATE`` on SQLite, transactional DDL on PostgreSQL): it commits
whole or not at all. Running it again is a no-op. A workspace newer than this kamcore is
refused and left untouched. Workspaces made before kamcore used Alembic have
``schema_version = 1`` and no ``alembic_version`` table: they are stamped ``0001`` first.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
from sqlalchemy import Connection, inspect
from sqlalchemy.exc import DBAPIError

from ..errors import WorkspaceError
from . import tables
from .engine import (
    check_schema_version,
    display_url,
    is_sqlite,
    make_engine,
    schema_version,
    use_wal,
    vacuum,
    workspace_url,
)
from .failures import database_error

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"


@attrs.frozen
class MigrationReport:
    """What :func:`migrate_workspace` did: the schema version before and after, and what
    each migration it ran does (its summary line, oldest first)."""

    workspace: str
    from_version: int
    to_version: int
    steps: tuple[str, ...] = ()

    @property
    def migrated(self) -> bool:
        """Whether anything changed (False when the workspace was already current)."""
        return self.from_version != self.to_version

    def as_dict(self) -> dict[str, object]:
        """The report as JSON data."""
        return {"workspace": self.workspace, "from_version": self.from_version,
                "to_version": self.to_version, "migrated": self.migrated,
                "steps": list(self.steps)}


def revision_for(version: int) -> str:
    """The Alembic revision id that leaves the schema at ``version`` (``2`` -> ``"0002"``)."""
    return f"{version:04d}"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for the workspace migrations (no ``alembic.ini``).

    :param connection: the connection (in its transaction) the migrations run on.
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@cache
def script_directory() -> ScriptDirectory:
    """The migration scripts (read once per process)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_version() -> int:
    """The schema version the newest migration leaves (equal to ``tables.SCHEMA_VERSION``)."""
    head = script_directory().get_current_head()
    assert head is not None
    return int(head)


def steps_between(before: int, after: int) -> tuple[str, ...]:
    """``"000N: <summary>"`` for each migration from schema version ``before`` to ``after``
    (the first line of its docstring), oldest first."""
    script = script_directory()

    def summary(version: int) -> str:
        doc = script.get_revision(revision_for(version)).doc
        return " ".join(doc.replace("``", "").split())

    return tuple(f"{revision_for(n)}: {summary(n)}" for n in range(before + 1, after + 1))


def stamp_head(conn: Connection) -> None:
    """Record in ``alembic_version`` that the newest schema is in place (a new workspace)."""
    from alembic.runtime.migration import MigrationContext

    MigrationContext.configure(conn).stamp(script_directory(), "head")


def current_revision(conn: Connection) -> str | None:
    """The revision in ``alembic_version``, or None when Alembic never ran here."""
    from alembic.runtime.migration import MigrationContext

    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(conn: Connection, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` on ``conn``, inside its open transaction."""
    from alembic import command

    command.upgrade(alembic_config(conn), revision)


def downgrade(conn: Connection, revision: str) -> None:
    """Run the migrations down to ``revision`` on ``conn`` (for tests and emergencies)."""
    from alembic import command

    command.downgrade(alembic_config(conn), revision)


def _upgrade_from(conn: Connection, url: str, version: int) -> None:
    """Stamp a pre-Alembic workspace, check Alembic agrees with ``meta``, and upgrade."""
    known = {script.revision for script in script_directory().walk_revisions()}
    current = current_revision(conn)
    if current is None:
        if revision_for(version) not in known:
            raise WorkspaceError(f"{display_url(url)} has schema version {version}, which no "
                                 "migration of this kamcore starts from")
        from alembic.runtime.migration import MigrationContext

        MigrationContext.configure(conn).stamp(script_directory(), revision_for(version))
    elif current not in known:
        raise WorkspaceError(
            f"{display_url(url)} is at migration {current!r}: it was created by a newer "
            "kamcore; upgrade kamcore")
    elif current != revision_for(version):
        raise WorkspaceError(
            f"{display_url(url)} is inconsistent: schema version {version} but migration "
            f"{current!r}; nothing was changed")
    upgrade(conn, "head")


def migrate_workspace(target: str | os.PathLike[str]) -> MigrationReport:
    """Upgrade the workspace at ``target`` (path or URL) to this kamcore's schema version.

    Every migration runs in one transaction: all of it commits or none. Records and
    revisions are kept. Idempotent: a current workspace is left as it is.

    :raises WorkspaceError: no workspace there, or one created by a newer kamcore (left
        untouched), or the database refused the change (nothing was changed).
    """
    url = workspace_url(target)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            before = schema_version(conn)
        before = check_schema_version(url, before, older_ok=True)
        after = before
        if before < tables.SCHEMA_VERSION:
            with engine.connect().execution_options(kam_write=True) as conn, conn.begin():
                # another run may have migrated meanwhile
                before = check_schema_version(url, schema_version(conn, lock=True),
                                              older_ok=True)
                if before < tables.SCHEMA_VERSION:
                    _upgrade_from(conn, url, before)
                after = schema_version(conn) or before
                if after != tables.SCHEMA_VERSION:  # pragma: no cover - a broken migration
                    raise WorkspaceError(f"{display_url(url)}: the migrations left schema "
                                         f"version {after}, not {tables.SCHEMA_VERSION}; "
                                         "nothing was changed")
        if is_sqlite(url):
            use_wal(engine)
            if after != before:  # give the file back what the migrations freed
                vacuum(engine)
        return MigrationReport(display_url(url), before, after, steps_between(before, after))
    except DBAPIError as exc:
        raise database_error(url, exc, "migrate", "nothing was changed") from None
    finally:
        engine.dispose()

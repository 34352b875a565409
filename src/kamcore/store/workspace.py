"""Workspace: where records live, with an append-only revision history.

``Workspace.open("kam.db")`` (or ``sqlite:///kam.db``) gives the embedded default: one SQLite
file in WAL mode. Any other SQLAlchemy URL (``postgresql://...``) goes through the same code.

Every save names the revision it was based on (the record's ``revision`` unless
``base_revision`` is given). If the stored record has moved on, :class:`ConflictError` is raised
and nothing is written: no lost updates. :meth:`Workspace.transaction` groups saves so they
commit together or not at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import attrs
from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.exc import ArgumentError, DatabaseError, IntegrityError, OperationalError

from ..errors import ConflictError, InvalidInputError, NotFoundError, WorkspaceError
from ..model import Account, Opportunity, Plan, Record, Relationship, Review, ScoreCard, Stakeholder
from ..snapshot import AccountSnapshot
from . import tables

if TYPE_CHECKING:
    from ..plugins import PluginHost

R = TypeVar("R", bound=Record)
SaveOutcome = Literal["created", "updated", "unchanged"]
_META_FIELDS = {"revision", "created_at", "updated_at", "updated_by"}


@attrs.frozen
class RevisionInfo:
    """One entry of a record's history."""

    revision: int
    saved_at: str
    saved_by: str | None


def _is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def workspace_url(target: str | os.PathLike[str]) -> str:
    """The SQLAlchemy URL for a path or URL (a plain path means an SQLite file)."""
    text = os.fspath(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _sqlite_file(url: str) -> Path | None:
    path = url.split(":///", 1)[1] if ":///" in url else ""
    return Path(path) if path and path != ":memory:" else None


def _configure_sqlite(engine: Engine) -> None:
    """A busy timeout, and BEGIN IMMEDIATE for write transactions (no upgrade deadlock).

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
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _content(record: Record) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude=_META_FIELDS)


class Workspace:
    """A store of accounts, stakeholders, relationships, opportunities, plans, reviews and cards.

    Use :meth:`open`; close it with :meth:`close` or a ``with`` block.
    """

    def __init__(self, engine: Engine, url: str, plugins: PluginHost | None = None) -> None:
        self._engine = engine
        self.url = url
        self._plugins = plugins
        self._tx: Connection | None = None
        self._after_commit: list[Callable[[], None]] = []

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, target: str | os.PathLike[str], *, create: bool = False,
             plugins: PluginHost | None = None) -> Workspace:
        """Open the workspace at a path or URL.

        :param create: create the file and tables when missing; otherwise a missing SQLite
            file is a :class:`WorkspaceError` (so a typo never makes an empty workspace).
        :param plugins: the plugin host whose event hooks are called; default: the process one.
        """
        url = workspace_url(target)
        file = _sqlite_file(url) if _is_sqlite(url) else None
        if file is not None and not file.exists() and not create:
            raise WorkspaceError(f"no workspace at {file}; create one with `kam init`")
        if file is not None and create:
            file.parent.mkdir(parents=True, exist_ok=True)
        try:
            engine = create_engine(url, connect_args={"timeout": 30} if file else {})
        except (ArgumentError, ImportError) as exc:
            raise WorkspaceError(f"cannot open workspace {url!r}: {exc}") from None
        if _is_sqlite(url):
            _configure_sqlite(engine)
        workspace = cls(engine, url, plugins)
        workspace._prepare(create)
        return workspace

    def _prepare(self, create: bool) -> None:
        """Check the database is a kamcore workspace (or make one if ``create`` and it is
        empty) before changing anything in it."""
        try:
            with self._engine.connect() as conn:
                version = self._schema_version(conn)
                foreign = version is None and bool(inspect(conn).get_table_names())
            if version is None and create and not foreign:
                with self._engine.connect().execution_options(kam_write=True) as conn, \
                        conn.begin():
                    tables.metadata.create_all(conn)
                    conn.execute(insert(tables.meta).values(
                        key="schema_version", value=str(tables.SCHEMA_VERSION)))
                version = tables.SCHEMA_VERSION
            if version is not None and _is_sqlite(self.url):
                self._use_wal()
        except (OperationalError, DatabaseError) as exc:
            self._engine.dispose()
            raise WorkspaceError(f"cannot use workspace {self.url}: {exc.orig}") from None
        if version is None:
            self._engine.dispose()
            raise WorkspaceError(f"{self.url} is not a kamcore workspace; create one with kam init")
        if version > tables.SCHEMA_VERSION:
            self._engine.dispose()
            raise WorkspaceError(
                f"{self.url} has schema version {version}, newer than this kamcore understands "
                f"({tables.SCHEMA_VERSION}); upgrade kamcore"
            )

    def _use_wal(self) -> None:
        """Switch the SQLite file to WAL (persistent; a no-op when it already is)."""
        raw = self._engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA journal_mode=WAL")
        finally:
            raw.close()

    @staticmethod
    def _schema_version(conn: Connection) -> int | None:
        if not inspect(conn).has_table(tables.meta.name):
            return None
        value = conn.execute(
            select(tables.meta.c.value).where(tables.meta.c.key == "schema_version")
        ).scalar()
        return int(value) if value is not None else None

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions -----------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Workspace]:
        """Group saves: all commit at the end of the block, or none if it raises.

        Nested blocks join the outer transaction. Event hooks run after the commit.
        """
        if self._tx is not None:
            yield self
            return
        with self._engine.connect().execution_options(kam_write=True) as conn:
            try:
                with conn.begin():
                    self._tx = conn
                    yield self
            except BaseException:
                self._after_commit.clear()
                raise
            finally:
                self._tx = None
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        if self._tx is not None:
            yield self._tx
        else:
            with self._engine.connect() as conn:
                yield conn

    # -- writing ----------------------------------------------------------------------------

    def save(self, record: R, *, base_revision: int | None = None, by: str | None = None) -> R:
        """Store a new revision of ``record`` and return it with its new revision number.

        :param base_revision: the revision this change was based on (default
            ``record.revision``; 0 means the record must not exist yet).
        :raises ConflictError: the stored record is not at ``base_revision``; nothing written.
        """
        base = record.revision if base_revision is None else base_revision
        now = datetime.now(UTC)
        stored = record.model_copy(update={
            "revision": base + 1, "updated_at": now, "updated_by": by,
            "created_at": now if base == 0 else record.created_at,
        })
        with self.transaction():
            previous = self._write(stored, base)
        if isinstance(stored, Plan):
            self._after_commit_or_now(lambda: self._emit_plan_saved(stored, previous))
        elif isinstance(stored, Review):
            self._after_commit_or_now(lambda: self._emit_review_recorded(stored))
        return stored

    def _write(self, stored: Record, base: int) -> str | None:
        """Write ``stored`` over revision ``base`` in the open transaction; return the old data."""
        conn = self._tx
        assert conn is not None
        kind, key = stored.kind, stored.id
        where = (tables.records.c.kind == kind) & (tables.records.c.id == key)
        data = stored.model_dump_json()
        saved_at = stored.updated_at.isoformat() if stored.updated_at else ""
        values = {
            "account_id": stored.owner_account_id(), "revision": stored.revision, "data": data,
            "updated_at": saved_at, "updated_by": stored.updated_by,
        }
        previous: str | None = None
        if base == 0:
            current = conn.execute(select(tables.records.c.revision).where(where)).scalar()
            if current is not None:
                raise ConflictError(kind, key, base, current)
            try:
                conn.execute(insert(tables.records).values(kind=kind, id=key, **values))
            except IntegrityError:
                raise ConflictError(kind, key, base, None) from None
        else:
            if isinstance(stored, Plan):
                previous = conn.execute(select(tables.records.c.data).where(where)).scalar()
            result = conn.execute(
                update(tables.records).where(where & (tables.records.c.revision == base))
                .values(**values)
            )
            if result.rowcount != 1:
                current = conn.execute(select(tables.records.c.revision).where(where)).scalar()
                raise ConflictError(kind, key, base, current)
        conn.execute(insert(tables.revisions).values(
            kind=kind, id=key, revision=stored.revision, data=data, saved_at=saved_at,
            saved_by=stored.updated_by,
        ))
        self._index_external_ids(conn, stored)
        return previous

    def _index_external_ids(self, conn: Connection, stored: Record) -> None:
        ids: dict[str, str] = getattr(stored, "external_ids", {}) or {}
        table = tables.external_ids
        conn.execute(delete(table).where((table.c.kind == stored.kind)
                                         & (table.c.record_id == stored.id)))
        for system, external_id in sorted(ids.items()):
            holder = conn.execute(select(table.c.record_id).where(
                (table.c.kind == stored.kind) & (table.c.system == system)
                & (table.c.external_id == external_id))).scalar()
            if holder is not None:
                raise InvalidInputError(
                    f"{stored.kind} {stored.id!r}: {system} id {external_id!r} already belongs to "
                    f"{stored.kind} {holder!r}")
            conn.execute(insert(table).values(kind=stored.kind, system=system,
                                              external_id=external_id, record_id=stored.id))

    def save_if_changed(self, record: R, *, by: str | None = None) -> tuple[R, SaveOutcome]:
        """Create ``record``, or update the stored one by id if its content differs.

        Unlike :meth:`save` this does not check the base revision: it is for imports and the
        demo, which own the data they write. Returns the stored record and what happened.
        """
        with self.transaction():
            current = self.find(type(record), record.id)
            if current is None:
                return self.save(record, base_revision=0, by=by), "created"
            if _content(current) == _content(record):
                return current, "unchanged"
            record = record.model_copy(update={"created_at": current.created_at})
            return self.save(record, base_revision=current.revision, by=by), "updated"

    def _after_commit_or_now(self, callback: Callable[[], None]) -> None:
        if self._tx is not None:
            self._after_commit.append(callback)
        else:
            callback()

    def _host(self) -> PluginHost:
        if self._plugins is None:
            from ..plugins import get_plugin_host

            self._plugins = get_plugin_host()
        return self._plugins

    def _emit_plan_saved(self, plan: Plan, previous: str | None) -> None:
        before = Plan.model_validate_json(previous) if previous else None
        self._host().call("kam_plan_saved", plan=plan, previous=before, workspace=self)

    def _emit_review_recorded(self, review: Review) -> None:
        plan = self.at_revision(Plan, review.plan_id, review.plan_revision)
        self._host().call("kam_review_recorded", review=review, plan=plan, workspace=self)

    # -- reading ----------------------------------------------------------------------------

    def find(self, cls: type[R], record_id: str) -> R | None:
        """The current revision of a record, or None."""
        with self._reading() as conn:
            data = conn.execute(select(tables.records.c.data).where(
                (tables.records.c.kind == cls.kind) & (tables.records.c.id == record_id)
            )).scalar()
        return None if data is None else cls.model_validate_json(data)

    def get(self, cls: type[R], record_id: str) -> R:
        """The current revision of a record; :class:`NotFoundError` names a few that exist."""
        found = self.find(cls, record_id)
        if found is None:
            raise NotFoundError(cls.kind, record_id, self.ids(cls, limit=20))
        return found

    def ids(self, cls: type[Record], *, limit: int | None = None) -> list[str]:
        """Ids of the records of one kind, in order."""
        stmt = select(tables.records.c.id).where(tables.records.c.kind == cls.kind).order_by(
            tables.records.c.id).limit(limit)
        with self._reading() as conn:
            return list(conn.execute(stmt).scalars())

    def iter(self, cls: type[R], *, account_id: str | None = None) -> Iterator[R]:
        """Stream the records of one kind (of one account), in id order, without loading all."""
        stmt = select(tables.records.c.data).where(tables.records.c.kind == cls.kind)
        if account_id is not None:
            stmt = stmt.where(tables.records.c.account_id == account_id)
        stmt = stmt.order_by(tables.records.c.id)
        with self._reading() as conn:
            for data in conn.execution_options(yield_per=500).execute(stmt).scalars():
                yield cls.model_validate_json(data)

    def count(self, cls: type[Record]) -> int:
        """How many records of one kind there are."""
        with self._reading() as conn:
            return int(conn.execute(select(func.count()).select_from(tables.records).where(
                tables.records.c.kind == cls.kind)).scalar_one())

    def find_by_external_id(self, cls: type[R], system: str, external_id: str) -> R | None:
        """The record of kind ``cls`` that ``system`` knows as ``external_id``."""
        table = tables.external_ids
        with self._reading() as conn:
            record_id = conn.execute(select(table.c.record_id).where(
                (table.c.kind == cls.kind) & (table.c.system == system)
                & (table.c.external_id == external_id))).scalar()
        return None if record_id is None else self.find(cls, record_id)

    def history(self, cls: type[Record], record_id: str) -> list[RevisionInfo]:
        """Every revision of a record, oldest first."""
        table = tables.revisions
        with self._reading() as conn:
            rows = conn.execute(select(table.c.revision, table.c.saved_at, table.c.saved_by).where(
                (table.c.kind == cls.kind) & (table.c.id == record_id)).order_by(table.c.revision))
            history = [RevisionInfo(*row) for row in rows]
        if not history:
            raise NotFoundError(cls.kind, record_id, self.ids(cls, limit=20))
        return history

    def at_revision(self, cls: type[R], record_id: str, revision: int) -> R:
        """A record as it was at ``revision``."""
        table = tables.revisions
        with self._reading() as conn:
            data = conn.execute(select(table.c.data).where(
                (table.c.kind == cls.kind) & (table.c.id == record_id)
                & (table.c.revision == revision))).scalar()
        if data is None:
            known = [str(info.revision) for info in self.history(cls, record_id)]
            raise NotFoundError(f"revision of {cls.kind} {record_id}", str(revision), known)
        return cls.model_validate_json(data)

    def snapshot(self, account_id: str) -> AccountSnapshot:
        """The account with all its records (see :class:`AccountSnapshot`)."""
        account = self.get(Account, account_id)
        by_date = sorted(self.iter(Review, account_id=account_id), key=lambda r: (r.date, r.id))
        cards = sorted(self.iter(ScoreCard, account_id=account_id),
                       key=lambda c: (c.scored_at, c.id))
        return AccountSnapshot(
            account=account,
            stakeholders=tuple(self.iter(Stakeholder, account_id=account_id)),
            relationships=tuple(self.iter(Relationship, account_id=account_id)),
            opportunities=tuple(self.iter(Opportunity, account_id=account_id)),
            plans=tuple(self.iter(Plan, account_id=account_id)),
            reviews=tuple(by_date),
            score_cards=tuple(cards),
        )


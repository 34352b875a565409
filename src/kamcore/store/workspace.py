"""Workspace: where records live, with an append-only revision history.

``Workspace.open("kam.db")`` (or ``sqlite:///kam.db``) gives the embedded default: one SQLite
file in WAL mode. Any other SQLAlchemy URL (``postgresql://...``) goes through the same code.

Every save names the revision it was based on (the record's ``revision`` unless
``base_revision`` is given). If the stored record has moved on, :class:`ConflictError` is raised
and nothing is written: no lost updates. :meth:`Workspace.transaction` groups saves so they
commit together or not at all. The store knows the records, not the plugins: a
:class:`SaveListener` given to :meth:`Workspace.open` is told about saved plans and reviews
after each commit (``kamcore.events.HookEvents`` turns that into plugin hooks).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

import attrs
from sqlalchemy import Connection, Engine, delete, func, insert, inspect, select
from sqlalchemy.exc import DBAPIError

from ..errors import NotFoundError, WorkspaceError
from ..model import Account, Plan, Record, Review
from . import batch, tables
from .batch import Write
from .changes import Change, Version, changed_since, revisions_after, versions_since
from .engine import (
    check_schema_version,
    display_url,
    is_postgresql,
    is_sqlite,
    make_engine,
    read_only_reason,
    schema_version,
    use_wal,
    workspace_url,
)
from .failures import database_error
from .removing import is_tombstone, remove_record
from .snapshots import assemble, read_account, stream_snapshots
from .stored import record_json, stamped
from .writing import R, SaveOutcome, content, current_data, first_revision, write_record

if TYPE_CHECKING:
    from ..snapshot import AccountSnapshot
    from .access import AccessStore
    from .derived import DerivedStore

#: PostgreSQL advisory lock key held while creating a workspace's tables ("kamcore" in ASCII)
_CREATE_LOCK = 0x6B616D636F7265
#: the prefix of the ``meta`` keys that hold settings (:meth:`Workspace.settings`)
_SETTING = "setting:"


@attrs.frozen
class RevisionInfo:
    """One entry of a record's history; ``removed`` marks the revision that removed it (see
    :meth:`Workspace.delete`)."""

    revision: int
    saved_at: str
    saved_by: str | None
    removed: bool = False


class SaveListener(Protocol):
    """Told about saved plans and reviews, after the transaction that saved them commits.

    Calls come in the order of the saves (for :meth:`Workspace.save_many`, after the whole
    call's transaction); nothing is told about a transaction that rolls back. The data is
    committed before a listener runs: an exception it raises propagates to the caller of the
    save (or of the ``transaction()`` block), and the save stands.
    """

    def plan_saved(self, workspace: Workspace, plan: Plan, previous: Plan | None) -> None:
        """``plan`` was saved with its new ``revision``; ``previous`` is the revision it
        replaced (None for a new plan)."""

    def review_recorded(self, workspace: Workspace, review: Review, plan: Plan) -> None:
        """``review`` was saved; ``plan`` is the plan revision it looked at."""


class Workspace:
    """A store of accounts, stakeholders, relationships, opportunities, plans, reviews and cards.

    Use :meth:`open`; close it with :meth:`close` or a ``with`` block.
    """

    def __init__(self, engine: Engine, url: str, listener: SaveListener | None = None,
                 read_only: str | None = None) -> None:
        self._engine = engine
        self.url = url
        #: Why the workspace can only be read (see :meth:`open`), or None.
        self.read_only = read_only
        self._listener = listener
        self._tx: Connection | None = None
        self._after_commit: list[Callable[[], None]] = []

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, target: str | os.PathLike[str], *, create: bool = False,
             listener: SaveListener | None = None) -> Workspace:
        """Open the workspace at a path or URL.

        :param target: a path (an SQLite file), ``sqlite:///...``, or ``postgresql://...``
            (a shared server, through the psycopg 3 driver).
        :param create: create the file and tables when missing; otherwise a missing SQLite
            file is a :class:`WorkspaceError` (so a typo never makes an empty workspace).
        :param listener: told about each saved plan and review after the commit (see
            :class:`SaveListener`); ``listener=HookEvents(host)``
            (:mod:`kamcore.events`) calls a plugin host's event hooks. Default: none, nothing
            is told.
        :raises WorkspaceError: no workspace there, or one with an older schema (run
            ``kam migrate``) or a newer one (upgrade kamcore).

        An SQLite workspace on a read-only file system, or whose file or folder the user may
        not write, is opened read-only (:attr:`read_only` says why): every read works, and
        every save raises :class:`WorkspaceError` saying the workspace is read-only.
        """
        url = workspace_url(target)
        read_only = read_only_reason(url)
        engine = make_engine(url, create=create, read_only=read_only is not None)
        workspace = cls(engine, url, listener, read_only)
        workspace._prepare(create)
        return workspace

    def handle(self) -> Workspace:
        """Another handle on the same database and connection pool, for another thread (a
        server's request): handles share no transaction, so each thread uses its own."""
        return Workspace(self._engine, self.url, self._listener, self.read_only)

    @property
    def access(self) -> AccessStore:
        """Users, account teams, API tokens and share links (:mod:`kamcore.store.access`)."""
        from .access import AccessStore

        return AccessStore(self)

    @property
    def derived(self) -> DerivedStore:
        """Results computed from accounts' records, kept until they change
        (:mod:`kamcore.store.derived`)."""
        from .derived import DerivedStore

        return DerivedStore(self)

    @property
    def display_url(self) -> str:
        """The URL with its password hidden."""
        return display_url(self.url)

    def _prepare(self, create: bool) -> None:
        """Check the database is a kamcore workspace of this kamcore's schema version (or make
        one if ``create`` and it is empty) before changing anything in it."""
        try:
            with self._engine.connect() as conn:
                version = schema_version(conn)
                foreign = version is None and bool(inspect(conn).get_table_names())
            if version is None and create and not foreign:
                version = self._create_schema()
            if version is not None and is_sqlite(self.url) and self.read_only is None:
                use_wal(self._engine)
        except DBAPIError as exc:
            self._engine.dispose()
            raise database_error(self.url, exc, "use") from None
        try:
            check_schema_version(self.url, version)
        except WorkspaceError:
            self._engine.dispose()
            raise

    def _create_schema(self) -> int | None:
        """Create the newest schema in an empty database; return the version found or made."""
        from .migrate import stamp_head

        with self._engine.connect().execution_options(kam_write=True) as conn, conn.begin():
            if is_postgresql(self.url):  # one creator at a time (SQLite: BEGIN IMMEDIATE)
                conn.execute(select(func.pg_advisory_xact_lock(_CREATE_LOCK)))
            version = schema_version(conn)  # another process may have made it meanwhile
            if version is not None or inspect(conn).get_table_names():
                return version
            tables.metadata.create_all(conn, checkfirst=False)
            conn.execute(insert(tables.meta).values(
                key="schema_version", value=str(tables.SCHEMA_VERSION)))
            stamp_head(conn)
        return tables.SCHEMA_VERSION

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

        :raises WorkspaceError: the workspace is read-only, or the database refused (a full
            disk, a lock held too long), in plain words; nothing was written.
        """
        if self._tx is not None:
            yield self
            return
        if self.read_only is not None:
            raise WorkspaceError(f"workspace {self.display_url} is read-only ({self.read_only}): "
                                 "nothing was written")
        try:
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
        except DBAPIError as exc:
            raise database_error(self.url, exc, "write to", "nothing was written") from None
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        if self._tx is not None:
            yield self._tx
            return
        try:
            with self._engine.connect() as conn:
                yield conn
        except DBAPIError as exc:
            raise database_error(self.url, exc, "read") from None

    # -- writing ----------------------------------------------------------------------------

    def save(self, record: R, *, base_revision: int | None = None, by: str | None = None) -> R:
        """Store a new revision of ``record`` and return it with its new revision number.

        :param base_revision: the revision this change was based on (default
            ``record.revision``; 0 means the record must not exist yet).
        :raises ConflictError: the stored record is not at ``base_revision``; nothing written.
        """
        base = record.revision if base_revision is None else base_revision
        now = datetime.now(UTC)
        stored = stamped(record, base + 1, now, by, now if base == 0 else record.created_at)
        with self.transaction():
            assert self._tx is not None
            if base == 0:  # revision 1, or the one after the tombstone of a removed record
                stored.revision = first_revision(self._tx, stored.kind, stored.id)
            keep = isinstance(stored, Plan) and self._listener is not None
            previous = write_record(self._tx, stored, base, keep_previous=keep)
        self._announce([(stored, base, previous)])
        return stored

    def save_if_changed(self, record: R, *, by: str | None = None) -> tuple[R, SaveOutcome]:
        """Create ``record``, or update the stored one by id if its content differs.

        Unlike :meth:`save` this does not check the base revision: it is for imports and the
        demo, which own the data they write. Returns the stored record and what happened.
        """
        with self.transaction():
            current = self.find(type(record), record.id)
            if current is None:
                return self.save(record, base_revision=0, by=by), "created"
            if content(current) == content(record):
                return current, "unchanged"
            record = record.model_copy(update={"created_at": current.created_at})
            return self.save(record, base_revision=current.revision, by=by), "updated"

    def save_many(self, records: Iterable[R], *, by: str | None = None,
                  merge: Callable[[R, R], R] | None = None) -> list[tuple[R, SaveOutcome]]:
        """:meth:`save_if_changed` for many records, in one transaction, in batches.

        The same outcome as saving each record in turn with :meth:`save_if_changed` (records
        are created, updated by id when their content differs, or left unchanged; the listener
        is told after the commit), but each batch of :data:`~kamcore.store.batch.SAVE_BATCH`
        records costs a handful of statements: one read of the stored records, one of the
        external ids they claim, and one multi-row write per table (see
        :mod:`kamcore.store.batch`). A record id repeated in the input starts a new batch, so a
        later occurrence sees the earlier one's write.

        :param merge: ``merge(stored, record)`` gives what to store when ``record``'s id
            exists (default: ``record`` itself); the outcome is ``unchanged`` when it has the
            stored content. A new record is stored as given.
        :raises InvalidInputError: a record claims an external id another record holds.
        :raises ConflictError: another writer changed a record meanwhile (PostgreSQL).
        """
        with self.transaction():
            assert self._tx is not None
            return batch.save_many(self._tx, records, by=by, merge=merge, written=self._announce)

    def delete(self, cls: type[R], record_id: str, *, base_revision: int | None = None,
               by: str | None = None) -> R:
        """Remove a record; its history stays (see :mod:`kamcore.store.removing`).

        The record is no longer found, listed or in snapshots, and the external ids it held
        are free; :meth:`history` lists its revisions and, last, the one that removed it
        (``removed=True``, who, when). Saving a record with that id again (base revision 0)
        starts a new life after it. The listener is told nothing. Records that refer to this
        one are not looked at: that is the callers' business (``kamcore.operations``).

        :param base_revision: the revision the removal was based on; None: the current one.
        :return: the record as it was when removed.
        :raises NotFoundError: no such record.
        :raises ConflictError: the record is not at ``base_revision``; nothing is written.
        """
        with self.transaction():
            assert self._tx is not None
            self.get(cls, record_id)
            return remove_record(self._tx, cls, record_id, base_revision, datetime.now(UTC), by)

    # -- telling the listener --------------------------------------------------------------

    def _announce(self, writes: Iterable[Write]) -> None:
        """Tell the listener, after the commit, about the plans and reviews among ``writes``
        (the data they replaced is there for a plan)."""
        listener = self._listener
        if listener is None:
            return
        for stored, _base, previous in writes:
            if isinstance(stored, Plan):
                self._after_commit_or_now(functools.partial(
                    self._tell_plan_saved, listener, stored, previous))
            elif isinstance(stored, Review):
                self._after_commit_or_now(functools.partial(
                    self._tell_review_recorded, listener, stored))

    def _after_commit_or_now(self, callback: Callable[[], None]) -> None:
        if self._tx is not None:
            self._after_commit.append(callback)
        else:
            callback()

    def _tell_plan_saved(self, listener: SaveListener, plan: Plan, previous: str | None) -> None:
        before = Plan.model_validate_json(previous) if previous else None
        listener.plan_saved(self, plan, before)

    def _tell_review_recorded(self, listener: SaveListener, review: Review) -> None:
        plan = self.at_revision(Plan, review.plan_id, review.plan_revision)
        listener.review_recorded(self, review, plan)

    # -- reading ----------------------------------------------------------------------------

    def find(self, cls: type[R], record_id: str) -> R | None:
        """The current revision of a record, or None."""
        with self._reading() as conn:
            data = current_data(conn, cls.kind, record_id)
        return None if data is None else cls.model_validate_json(data)

    def get(self, cls: type[R], record_id: str) -> R:
        """The current revision of a record; :class:`NotFoundError` names a few that exist and
        the closest ids."""
        found = self.find(cls, record_id)
        if found is None:
            raise self._missing(cls, record_id)
        return found

    def _missing(self, cls: type[Record], record_id: str) -> NotFoundError:
        """The error for a record that is not there: the first ids of its kind listed, the
        closest of all of them suggested (read only on this error path)."""
        every = self.ids(cls)
        return NotFoundError(cls.kind, record_id, every[:20], candidates=every)

    def ids(self, cls: type[Record], *, limit: int | None = None) -> list[str]:
        """Ids of the records of one kind, in order."""
        stmt = select(tables.records.c.id).where(tables.records.c.kind == cls.kind).order_by(
            tables.records.c.id).limit(limit)
        with self._reading() as conn:
            return list(conn.execute(stmt).scalars())

    def iter(self, cls: type[R], *, account_id: str | None = None, after: str | None = None,
             limit: int | None = None, among: Collection[str] | None = None) -> Iterator[R]:
        """Stream the records of one kind (of one account), in id order, without loading all.

        For pages: ``after`` starts after that id (keyset pagination: stable while records are
        added), ``limit`` stops after so many, ``among`` keeps only those ids.
        """
        stmt = select(*tables.revision_row).select_from(tables.current).where(
            tables.records.c.kind == cls.kind)
        if after is not None:
            stmt = stmt.where(tables.records.c.id > after)
        if among is not None:
            stmt = stmt.where(tables.records.c.id.in_(list(among)))
        stmt = stmt.limit(limit)
        order: Any = tables.records.c.id
        if account_id is not None:
            stmt = stmt.where(tables.records.c.account_id == account_id)
            if is_sqlite(self.url):
                # Order by an expression, not the column: else SQLite walks the primary key
                # (kind, id) to skip the sort and reads every record of the kind for one
                # account (quadratic over a portfolio); this way it takes records_by_account.
                order = tables.records.c.id.concat("")
        stmt = stmt.order_by(order)
        with self._reading() as conn:
            # per statement: Connection.execution_options() would change the connection
            # itself, and a transaction's next INSERT would run as a server-side cursor
            for row in conn.execute(stmt, execution_options={"yield_per": 500}):
                yield cls.model_validate_json(record_json(*row))

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
        """Every revision of a record, oldest first, removed records' too (the revision that
        removed one has ``removed=True``)."""
        table = tables.revisions
        with self._reading() as conn:
            rows = conn.execute(select(
                table.c.revision, table.c.saved_at, table.c.saved_by, table.c.data,
            ).where((table.c.kind == cls.kind) & (table.c.id == record_id))
                .order_by(table.c.revision))
            history = [RevisionInfo(revision, saved_at, saved_by, is_tombstone(data))
                       for revision, saved_at, saved_by, data in rows]
        if not history:
            raise self._missing(cls, record_id)
        return history

    def at_revision(self, cls: type[R], record_id: str, revision: int) -> R:
        """A record as it was at ``revision`` (not the revision that removed it: there it was
        gone)."""
        table = tables.revisions
        with self._reading() as conn:
            row = conn.execute(select(*tables.revision_row).where(
                (table.c.kind == cls.kind) & (table.c.id == record_id)
                & (table.c.revision == revision))).first()
        if row is None or is_tombstone(row.data):
            known = [str(info.revision) for info in self.history(cls, record_id)
                     if not info.removed]
            raise NotFoundError(f"revision of {cls.kind} {record_id}", str(revision), known)
        return cls.model_validate_json(record_json(*row))

    def revisions_after(self, cls: type[Record], record_id: str, revision: int, *,
                        limit: int = 100) -> list[Change]:
        """The revisions of a record after ``revision``, oldest first (at most ``limit``);
        empty if there are none (or no such record)."""
        with self._reading() as conn:
            return revisions_after(conn, cls.kind, record_id, revision, limit)

    def changed_since(self, account_id: str, since: str, *, limit: int = 500) -> list[Change]:
        """The account and its records whose current revision was saved at or after
        ``since`` (ISO 8601, UTC), oldest first, at most ``limit``. A record saved twice
        since appears once, at its newest revision; a removed record does not appear."""
        with self._reading() as conn:
            return changed_since(conn, account_id, since, limit)

    def versions_since(self, cls: type[Record],
                       moments: Mapping[str, str]) -> dict[str, list[Version]]:
        """The records of kind ``cls`` of the accounts in ``moments`` (account id -> ISO 8601
        UTC moment) saved since their account's moment, and those removed or moved between
        accounts since the earliest, by id, each with its revisions from the last one saved
        before the earliest moment (absent for a record created since) to its newest, oldest
        first; a removal is a version without data (see
        :func:`kamcore.store.changes.versions_since`). Other records' revisions are not read."""
        with self._reading() as conn:
            return versions_since(conn, cls.kind, moments)

    def snapshot(self, account_id: str) -> AccountSnapshot:
        """The account with all its records (see :class:`AccountSnapshot`)."""
        with self._reading() as conn:
            account, found = read_account(conn, account_id, sqlite=is_sqlite(self.url))
        if account is None:  # not there (or stored by an older kamcore): the usual lookup
            account = self.get(Account, account_id)
        return assemble(account, found)

    def snapshots(self, among: Collection[str] | None = None) -> Iterator[AccountSnapshot]:
        """The snapshot of every account (or of those ``among``), in account id order,
        streamed.

        The same snapshots as :meth:`snapshot` account by account, but the records are read in
        one ordered pass per kind (a handful of statements for the whole portfolio instead of
        one per account), and only one account's records are held at a time. Records whose
        account does not exist are skipped; those of accounts not ``among`` are not parsed.
        """
        with self._reading() as conn:
            yield from stream_snapshots(conn, among)

    # -- settings ---------------------------------------------------------------------------

    def settings(self) -> dict[str, str]:
        """The workspace's settings (text by dotted key, e.g. ``llm.allowed_models``), kept in
        ``meta`` under the prefix ``setting:``, by key."""
        meta = tables.meta
        with self._reading() as conn:
            rows = conn.execute(select(meta.c.key, meta.c.value)
                                .where(meta.c.key.startswith(_SETTING, autoescape=True))
                                .order_by(meta.c.key))
            return {key.removeprefix(_SETTING): value for key, value in rows}

    def set_setting(self, key: str, value: str | None) -> None:
        """Set setting ``key`` to ``value``, or remove it (None)."""
        meta = tables.meta
        with self.transaction():
            assert self._tx is not None
            self._tx.execute(delete(meta).where(meta.c.key == _SETTING + key))
            if value is not None:
                self._tx.execute(insert(meta).values(key=_SETTING + key, value=value))

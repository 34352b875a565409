"""Workspace: where records live, with an append-only revision history.

``Workspace.open("kam.db")`` (or ``sqlite:///kam.db``) gives the embedded default: one SQLite
file in WAL mode. Any other SQLAlchemy URL (``postgresql://...``) goes through the same code.

Every save names the revision it was based on (the record's ``revision`` unless
``base_revision`` is given). If the stored record has moved on, :class:`ConflictError` is raised
and nothing is written: no lost updates. :meth:`Workspace.transaction` groups saves so they
commit together or not at all.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import attrs
from sqlalchemy import (
    Connection,
    Engine,
    Table,
    bindparam,
    delete,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError

from ..errors import ConflictError, InvalidInputError, NotFoundError, WorkspaceError
from ..model import Account, Opportunity, Plan, Record, Relationship, Review, ScoreCard, Stakeholder
from ..snapshot import AccountSnapshot
from . import tables
from .engine import (
    check_schema_version,
    display_url,
    is_postgresql,
    is_sqlite,
    make_engine,
    schema_version,
    use_wal,
    workspace_url,
)

if TYPE_CHECKING:
    from .listener import SaveListener

R = TypeVar("R", bound=Record)
SaveOutcome = Literal["created", "updated", "unchanged"]
_META_FIELDS = {"revision", "created_at", "updated_at", "updated_by"}
#: PostgreSQL advisory lock key held while creating a workspace's tables ("kamcore" in ASCII)
_CREATE_LOCK = 0x6B616D636F7265
#: How many records :meth:`Workspace.save_many` reads and writes per batch of statements
SAVE_BATCH = 500
#: How many values one ``IN (...)`` list holds at most
_IN_CHUNK = 500
_MISSING = object()


@attrs.frozen
class RevisionInfo:
    """One entry of a record's history."""

    revision: int
    saved_at: str
    saved_by: str | None


def _external_ids(record: Record) -> dict[str, str]:
    ids: dict[str, str] = getattr(record, "external_ids", {}) or {}
    return ids


def _external_id_clash(stored: Record, system: str, external_id: str,
                       holder: str | None) -> InvalidInputError:
    return InvalidInputError(
        f"{stored.kind} {stored.id!r}: {system} id {external_id!r} already belongs to "
        f"{stored.kind} {holder!r}")


#: The columns of the rows :meth:`Workspace._write_many` writes, in the order of its tuples.
_RECORD_COLUMNS = ("kind", "id", "account_id", "revision", "data", "updated_at", "updated_by",
                   "created_at")
_REVISION_COLUMNS = ("kind", "id", "revision", "data", "saved_at", "saved_by")
_EXTERNAL_ID_COLUMNS = ("kind", "system", "external_id", "record_id")


def _named(names: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Rows of values as column -> value (for the statements that take them so)."""
    return [dict(zip(names, row, strict=True)) for row in rows]


def _content(record: Record) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude=_META_FIELDS)


def _listener_of_host(host: Any, listener: SaveListener | None) -> SaveListener:
    """The listener the deprecated ``Workspace.open(plugins=host)`` stands for."""
    if listener is not None:
        raise TypeError("Workspace.open: pass listener=, not plugins= as well")
    warnings.warn(
        "Workspace.open(plugins=host) is deprecated and will be removed in kamcore 0.2: "
        "pass listener=HookEvents(host) (from kamcore.events import HookEvents)",
        DeprecationWarning, stacklevel=3)
    from ..events import HookEvents  # outside the store: imported only on this old path

    return HookEvents(host)


class Workspace:
    """A store of accounts, stakeholders, relationships, opportunities, plans, reviews and cards.

    Use :meth:`open`; close it with :meth:`close` or a ``with`` block.
    """

    def __init__(self, engine: Engine, url: str, listener: SaveListener | None = None) -> None:
        self._engine = engine
        self.url = url
        self._listener = listener
        self._tx: Connection | None = None
        self._after_commit: list[Callable[[], None]] = []

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, target: str | os.PathLike[str], *, create: bool = False,
             listener: SaveListener | None = None, plugins: Any = None) -> Workspace:
        """Open the workspace at a path or URL.

        :param target: a path (an SQLite file), ``sqlite:///...``, or ``postgresql://...``
            (a shared server, through the psycopg 3 driver).
        :param create: create the file and tables when missing; otherwise a missing SQLite
            file is a :class:`WorkspaceError` (so a typo never makes an empty workspace).
        :param listener: told about each saved plan and review after the commit (see
            :class:`~kamcore.store.listener.SaveListener`); ``listener=HookEvents(host)``
            (:mod:`kamcore.events`) calls a plugin host's event hooks. Default: none, nothing
            is told.
        :param plugins: deprecated, removed in kamcore 0.2: a ``PluginHost``; the same as
            ``listener=HookEvents(plugins)``, with a :class:`DeprecationWarning`.
        :raises WorkspaceError: no workspace there, or one with an older schema (run
            ``kam migrate``) or a newer one (upgrade kamcore).
        """
        if plugins is not None:
            listener = _listener_of_host(plugins, listener)
        url = workspace_url(target)
        engine = make_engine(url, create=create)
        workspace = cls(engine, url, listener)
        workspace._prepare(create)
        return workspace

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
            if version is not None and is_sqlite(self.url):
                use_wal(self._engine)
        except (OperationalError, DatabaseError) as exc:
            self._engine.dispose()
            raise WorkspaceError(
                f"cannot use workspace {self.display_url}: {exc.orig}") from None
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
        self._announce([(stored, base, previous)])
        return stored

    def _write(self, stored: Record, base: int) -> str | None:
        """Write ``stored`` over revision ``base`` in the open transaction; return the data it
        replaced when a listener is told about it (a plan's), else None."""
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
        self._check_external_ids(conn, stored)
        if base == 0:
            row = {"kind": kind, "id": key, "created_at": saved_at, **values}
            if not self._insert_new(conn, tables.records, row):
                current = conn.execute(select(tables.records.c.revision).where(where)).scalar()
                raise ConflictError(kind, key, base, current)
        else:
            if isinstance(stored, Plan) and self._listener is not None:
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
        self._index_external_ids(conn, stored, new=base == 0)
        return previous

    @staticmethod
    def _external_id_holder(conn: Connection, stored: Record, system: str,
                            external_id: str) -> str | None:
        table = tables.external_ids
        holder: str | None = conn.execute(select(table.c.record_id).where(
            (table.c.kind == stored.kind) & (table.c.system == system)
            & (table.c.external_id == external_id))).scalar()
        return holder

    def _check_external_ids(self, conn: Connection, stored: Record) -> None:
        """Refuse ``stored`` before writing anything if another record holds one of its ids
        (so a refused save inside a larger transaction leaves no trace)."""
        for system, external_id in sorted(_external_ids(stored).items()):
            holder = self._external_id_holder(conn, stored, system, external_id)
            if holder is not None and holder != stored.id:
                raise _external_id_clash(stored, system, external_id, holder)

    def _index_external_ids(self, conn: Connection, stored: Record, *, new: bool) -> None:
        table = tables.external_ids
        if not new:  # a new record has no entries to move
            conn.execute(delete(table).where((table.c.kind == stored.kind)
                                             & (table.c.record_id == stored.id)))
        for system, external_id in sorted(_external_ids(stored).items()):
            row = {"kind": stored.kind, "system": system, "external_id": external_id,
                   "record_id": stored.id}
            if not self._insert_new(conn, table, row):  # taken since the check: a race
                holder = self._external_id_holder(conn, stored, system, external_id)
                raise _external_id_clash(stored, system, external_id, holder)

    def _insert_new(self, conn: Connection, table: Table, row: dict[str, Any]) -> bool:
        """Insert ``row`` unless a row with its key exists; True when it was inserted.

        A clash never aborts the transaction (PostgreSQL would refuse every later statement
        after a failed INSERT): ``ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL, which
        also waits for a concurrent writer of the same key to commit or roll back.
        """
        dialect = conn.dialect.name
        if dialect == "postgresql":  # psycopg's rowcount is not kept: ask for the new key
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            key = next(iter(table.primary_key.columns))
            statement = pg_insert(table).values(**row).on_conflict_do_nothing().returning(key)
            return conn.execute(statement).first() is not None
        if dialect == "sqlite":  # RETURNING would need SQLite 3.35
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            return conn.execute(
                sqlite_insert(table).values(**row).on_conflict_do_nothing()).rowcount == 1
        try:
            with conn.begin_nested():
                conn.execute(insert(table).values(**row))
        except IntegrityError:
            return False
        return True

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

    def save_many(self, records: Iterable[R], *, by: str | None = None,
                  merge: Callable[[R, R], R] | None = None) -> list[tuple[R, SaveOutcome]]:
        """:meth:`save_if_changed` for many records, in one transaction, in batches.

        The same outcome as saving each record in turn with :meth:`save_if_changed` (records
        are created, updated by id when their content differs, or left unchanged; event hooks
        run after the commit), but each batch of :data:`SAVE_BATCH` records costs a handful of
        statements: one read of the stored records, one of the external ids they claim, and
        one multi-row write per table. A record id repeated in the input starts a new batch,
        so a later occurrence sees the earlier one's write.

        :param merge: ``merge(stored, record)`` gives what to store when ``record``'s id
            exists (default: ``record`` itself); the outcome is ``unchanged`` when it has the
            stored content. A new record is stored as given.
        :raises InvalidInputError: a record claims an external id another record holds.
        :raises ConflictError: another writer changed a record meanwhile (PostgreSQL).
        """
        results: list[tuple[R, SaveOutcome]] = []
        with self.transaction():
            batch: list[R] = []
            keys: set[tuple[str, str]] = set()
            for record in records:
                key = (record.kind, record.id)
                if key in keys or len(batch) >= SAVE_BATCH:
                    results.extend(self._save_batch(batch, by, merge))
                    batch, keys = [], set()
                batch.append(record)
                keys.add(key)
            if batch:
                results.extend(self._save_batch(batch, by, merge))
        return results

    def _save_batch(self, batch: Sequence[R], by: str | None,
                    merge: Callable[[R, R], R] | None) -> list[tuple[R, SaveOutcome]]:
        """Save records with distinct (kind, id) in the open transaction."""
        conn = self._tx
        assert conn is not None
        stored_rows = self._stored_rows(conn, batch)
        results: list[tuple[R, SaveOutcome]] = []
        writes: list[tuple[Record, int, str | None]] = []  # (stored, base, previous data)
        for record in batch:
            row = stored_rows.get((record.kind, record.id))
            now = datetime.now(UTC)
            if row is None:
                stored = record.model_copy(update={
                    "revision": 1, "updated_at": now, "updated_by": by, "created_at": now})
                writes.append((stored, 0, None))
                results.append((stored, "created"))
                continue
            current = type(record).model_validate_json(row)
            target: R = record if merge is None else merge(current, record)
            if _content(target) == _content(current):
                results.append((current, "unchanged"))
                continue
            stored = target.model_copy(update={
                "revision": current.revision + 1, "updated_at": now, "updated_by": by,
                "created_at": current.created_at})
            writes.append((stored, current.revision, row))
            results.append((stored, "updated"))
        if writes:
            self._check_external_ids_many(conn, writes)
            self._write_many(conn, writes)
        self._announce(writes)
        return results

    @staticmethod
    def _stored_rows(conn: Connection, batch: Sequence[Record]) -> dict[tuple[str, str], str]:
        """The stored data of the batch's records that exist, by (kind, id): one read per
        kind (and per :data:`_IN_CHUNK` ids)."""
        by_kind: dict[str, list[str]] = {}
        for record in batch:
            by_kind.setdefault(record.kind, []).append(record.id)
        found: dict[tuple[str, str], str] = {}
        for kind, ids in by_kind.items():
            for start in range(0, len(ids), _IN_CHUNK):
                rows = Workspace._select_in(conn, tables.records, ("id", "data"), {"kind": kind},
                                            "id", ids[start:start + _IN_CHUNK])
                for record_id, data in rows:
                    found[(kind, record_id)] = data
        return found

    @staticmethod
    def _select_in(conn: Connection, table: Table, columns: Sequence[str],
                   equal: dict[str, str], column: str, values: Sequence[str],
                   ) -> Iterable[Sequence[Any]]:
        """``columns`` of the rows of ``table`` whose ``equal`` columns have those values and
        whose ``column`` is one of ``values`` (a few hundred at most). On SQLite the statement
        goes straight to the driver: SQLAlchemy renders a long ``IN`` list anew each time."""
        if conn.dialect.name == "sqlite":
            tests = [f"{name} = ?" for name in equal]
            tests.append(f"{column} IN ({', '.join('?' * len(values))})")
            return conn.exec_driver_sql(
                f"SELECT {', '.join(columns)} FROM {table.name} WHERE {' AND '.join(tests)}",
                (*equal.values(), *values))
        return conn.execute(select(*(table.c[name] for name in columns)).where(
            *(table.c[name] == value for name, value in equal.items()),
            table.c[column].in_(values)))

    @staticmethod
    def _check_external_ids_many(conn: Connection,
                                 writes: Sequence[tuple[Record, int, str | None]]) -> None:
        """Refuse the batch before writing anything if a record claims an external id another
        holds: the holders are read at once, then the saves are played in order (a record that
        gives up an id frees it for a later one, as one save after another would).

        The usual batch -- each id claimed once, and held by no one or by its claimant --
        needs no playing."""
        claims: dict[tuple[str, str, str], str] = {}
        count = 0
        for stored, _base, _previous in writes:
            for system, external_id in _external_ids(stored).items():
                claims[(stored.kind, system, external_id)] = stored.id
                count += 1
        if not claims:
            return
        holders = Workspace._external_id_holders(conn, claims)
        if len(claims) == count and all(claims[key] == holder
                                        for key, holder in holders.items()):
            return
        played: dict[tuple[str, str, str], str | None] = {}
        for stored, base, previous in writes:
            ids = _external_ids(stored)
            for system, external_id in sorted(ids.items()):
                key = (stored.kind, system, external_id)
                holder = played.get(key, _MISSING)
                if holder is _MISSING:
                    holder = holders.get(key)
                if holder is not None and holder != stored.id:
                    raise _external_id_clash(stored, system, external_id, holder)  # type: ignore[arg-type]
            if base and previous is not None:  # the ids it held are released
                old = _external_ids(type(stored).model_validate_json(previous))
                for system, external_id in old.items():
                    played[(stored.kind, system, external_id)] = None
            for system, external_id in ids.items():
                played[(stored.kind, system, external_id)] = stored.id

    @staticmethod
    def _external_id_holders(conn: Connection, keys: Iterable[tuple[str, str, str]],
                             ) -> dict[tuple[str, str, str], str]:
        """The stored holder of each (kind, system, external id) that has one: one read per
        (kind, system) and :data:`_IN_CHUNK` ids, by the whole primary key (no scan)."""
        wanted: dict[tuple[str, str], list[str]] = {}
        for kind, system, external_id in keys:
            wanted.setdefault((kind, system), []).append(external_id)
        holders: dict[tuple[str, str, str], str] = {}
        for (kind, system), values in wanted.items():
            ordered = sorted(values)
            for start in range(0, len(ordered), _IN_CHUNK):
                rows = Workspace._select_in(
                    conn, tables.external_ids, ("external_id", "record_id"),
                    {"kind": kind, "system": system}, "external_id",
                    ordered[start:start + _IN_CHUNK])
                for external_id, record_id in rows:
                    holders[(kind, system, external_id)] = record_id
        return holders

    def _write_many(self, conn: Connection,
                    writes: Sequence[tuple[Record, int, str | None]]) -> None:
        """Write checked records: new ones inserted, the others updated over their base, a
        revision each, and their external ids re-indexed -- one multi-row statement each."""
        new_rows: list[tuple[Any, ...]] = []
        updated_rows: list[dict[str, Any]] = []
        revision_rows: list[tuple[Any, ...]] = []
        external_rows: list[tuple[Any, ...]] = []
        moved: dict[str, list[str]] = {}
        for stored, base, _previous in writes:
            kind, key, revision, by = stored.kind, stored.id, stored.revision, stored.updated_by
            data = stored.model_dump_json()
            saved_at = stored.updated_at.isoformat() if stored.updated_at else ""
            account_id = stored.owner_account_id()
            if base == 0:
                new_rows.append((kind, key, account_id, revision, data, saved_at, by, saved_at))
            else:
                updated_rows.append({"account_id": account_id, "revision": revision,
                                     "data": data, "updated_at": saved_at, "updated_by": by,
                                     "b_kind": kind, "b_id": key, "b_base": base})
                moved.setdefault(kind, []).append(key)
            revision_rows.append((kind, key, revision, data, saved_at, by))
            for system, external_id in sorted(_external_ids(stored).items()):
                external_rows.append((kind, system, external_id, key))
        records = tables.records
        if new_rows:
            refused = self._insert_many(conn, records, _RECORD_COLUMNS, new_rows)
            if refused:
                kind, key = refused[0]["kind"], refused[0]["id"]
                current = conn.execute(select(records.c.revision).where(
                    (records.c.kind == kind) & (records.c.id == key))).scalar()
                raise ConflictError(kind, key, 0, current)
        if updated_rows:
            self._update_many(conn, updated_rows)
        self._append_many(conn, tables.revisions, _REVISION_COLUMNS, revision_rows)
        table = tables.external_ids
        for kind, ids in moved.items():  # a new record has no entries to move
            for start in range(0, len(ids), _IN_CHUNK):
                conn.execute(delete(table).where(
                    (table.c.kind == kind) & table.c.record_id.in_(ids[start:start + _IN_CHUNK])))
        if external_rows:
            refused = self._insert_many(conn, table, _EXTERNAL_ID_COLUMNS, external_rows)
            if refused:  # taken since the check: a race
                row = refused[0]
                holder = conn.execute(select(table.c.record_id).where(
                    (table.c.kind == row["kind"]) & (table.c.system == row["system"])
                    & (table.c.external_id == row["external_id"]))).scalar()
                stored = next(s for s, _b, _p in writes
                              if s.kind == row["kind"] and s.id == row["record_id"])
                raise _external_id_clash(stored, row["system"], row["external_id"], holder)

    def _insert_many(self, conn: Connection, table: Table, names: Sequence[str],
                     rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
        """Insert the rows (values of the columns ``names``) whose key is free (see
        :meth:`_insert_new`); return the others, as column -> value."""
        dialect = conn.dialect.name
        if dialect == "sqlite":  # one executemany; its rowcount is the total inserted
            result = self._sqlite_executemany(conn, table, names, rows, " ON CONFLICT DO NOTHING")
            if result.rowcount == len(rows):
                return []
            # some key was taken: find which (rare; the transaction is about to fail)
            return [named for named in _named(names, rows)
                    if self._row_is_elsewhere(conn, table, named)]
        if dialect == "postgresql":  # multi-row INSERT ... RETURNING the keys inserted
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            key_columns = list(table.primary_key.columns)
            statement = pg_insert(table).on_conflict_do_nothing().returning(*key_columns)
            params = _named(names, rows)
            inserted = {tuple(row) for row in conn.execute(statement, params)}
            keys = [column.name for column in key_columns]
            return [row for row in params if tuple(row[n] for n in keys) not in inserted]
        return [row for row in _named(names, rows) if not self._insert_new(conn, table, row)]

    def _append_many(self, conn: Connection, table: Table, names: Sequence[str],
                     rows: list[tuple[Any, ...]]) -> None:
        """Insert rows (values of the columns ``names``) whose keys are new (a revision: its
        key includes its number)."""
        if conn.dialect.name == "sqlite":
            self._sqlite_executemany(conn, table, names, rows, "")
        else:
            conn.execute(insert(table), _named(names, rows))

    @staticmethod
    def _sqlite_executemany(conn: Connection, table: Table, names: Sequence[str],
                            rows: list[tuple[Any, ...]], suffix: str) -> Any:
        """One ``executemany`` straight through the driver, rows as tuples: SQLAlchemy's
        per-row parameter processing costs more than SQLite's insert (all columns here are
        plain strings and integers, which need no processing)."""
        sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "
               f"VALUES ({', '.join('?' * len(names))}){suffix}")
        return conn.exec_driver_sql(sql, rows)

    @staticmethod
    def _row_is_elsewhere(conn: Connection, table: Table, row: dict[str, Any]) -> bool:
        """Whether the stored row with ``row``'s key differs from ``row`` (it was not ours)."""
        names = [column.name for column in table.primary_key.columns]
        where = [table.c[name] == row[name] for name in names]
        stored = conn.execute(select(table).where(*where)).mappings().first()
        return stored is None or any(stored[k] != v for k, v in row.items())

    @staticmethod
    def _update_many(conn: Connection, rows: list[dict[str, Any]]) -> None:
        """Update records over their base revisions; :class:`ConflictError` if one moved on.

        Each row holds the new ``account_id``, ``revision``, ``data``, ``updated_at`` and
        ``updated_by``, and the record's ``b_kind``, ``b_id`` and ``b_base`` revision."""
        table = tables.records
        statement = update(table).where(
            (table.c.kind == bindparam("b_kind")) & (table.c.id == bindparam("b_id"))
            & (table.c.revision == bindparam("b_base"))
        ).values(account_id=bindparam("account_id"), revision=bindparam("revision"),
                 data=bindparam("data"), updated_at=bindparam("updated_at"),
                 updated_by=bindparam("updated_by"))
        params = rows

        def current(param: dict[str, Any]) -> int | None:
            revision: int | None = conn.execute(select(table.c.revision).where(
                (table.c.kind == param["b_kind"]) & (table.c.id == param["b_id"]))).scalar()
            return revision

        if conn.dialect.supports_sane_multi_rowcount:
            if conn.execute(statement, params).rowcount == len(params):
                return
            for param in params:  # one moved on: find it (the transaction is about to fail)
                if current(param) != param["revision"]:
                    raise ConflictError(param["b_kind"], param["b_id"], param["b_base"],
                                        current(param))
            raise ConflictError(params[0]["b_kind"], params[0]["b_id"], params[0]["b_base"],
                                current(params[0]))
        for param in params:
            if conn.execute(statement, param).rowcount != 1:
                raise ConflictError(param["b_kind"], param["b_id"], param["b_base"],
                                    current(param))

    # -- telling the listener --------------------------------------------------------------

    def _announce(self, writes: Iterable[tuple[Record, int, str | None]]) -> None:
        """Tell the listener, after the commit, about the plans and reviews among ``writes``
        (``(stored, base revision, data it replaced)``)."""
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
        # One read for the account and all its records: an account's row carries its own id
        # as account_id, so records_by_account finds it with the others (probed once per kind).
        with self._reading() as conn:
            rows = conn.execute(_snapshot_statement(is_sqlite(self.url)),
                                {"account_id": account_id}).all()
        found: dict[str, list[str]] = {cls.kind: [] for cls in _SNAPSHOT_KINDS}
        account: Account | None = None
        for kind, record_id, data in rows:
            if kind == Account.kind:
                if record_id == account_id:
                    account = Account.model_validate_json(data)
            else:
                found[kind].append(data)
        if account is None:  # not there (or stored by an older kamcore): the usual lookup
            account = self.get(Account, account_id)
        return _assemble(account, found)

    def snapshots(self) -> Iterator[AccountSnapshot]:
        """The snapshot of every account, in account id order, streamed.

        The same snapshots as :meth:`snapshot` account by account, but the records are read in
        one ordered pass per kind (a handful of statements for the whole portfolio instead of
        one per account), and only one account's records are held at a time. Records whose
        account does not exist are skipped.
        """
        records = tables.records
        with self._reading() as conn:
            streaming = conn.execution_options(yield_per=500)
            accounts = streaming.execute(
                select(records.c.id, records.c.data).where(records.c.kind == Account.kind)
                .order_by(records.c.id))
            streams = {cls.kind: _AccountRows(streaming.execute(_by_account_statement(cls.kind)))
                       for cls in _SNAPSHOT_KINDS}
            for account_id, data in accounts:
                found = {kind: stream.take(account_id) for kind, stream in streams.items()}
                yield _assemble(Account.model_validate_json(data), found)


class _AccountRows:
    """One kind's ``(account_id, data)`` rows in account id order, taken account by account."""

    def __init__(self, rows: Iterable[tuple[str, str]]) -> None:
        self._rows = iter(rows)
        self._head: tuple[str, str] | None = next(self._rows, None)

    def take(self, account_id: str) -> list[str]:
        """The data of the rows of ``account_id``; rows of accounts before it are dropped
        (their account does not exist)."""
        taken = []
        while self._head is not None and self._head[0] <= account_id:
            if self._head[0] == account_id:
                taken.append(self._head[1])
            self._head = next(self._rows, None)
        return taken


def _assemble(account: Account, found: dict[str, list[str]]) -> AccountSnapshot:
    """An account snapshot from the stored data of its records, by kind (each in id order)."""
    def parse(cls: type[R]) -> list[R]:
        return [cls.model_validate_json(data) for data in found[cls.kind]]

    return AccountSnapshot(
        account=account,
        stakeholders=tuple(parse(Stakeholder)),
        relationships=tuple(parse(Relationship)),
        opportunities=tuple(parse(Opportunity)),
        plans=tuple(parse(Plan)),
        reviews=tuple(sorted(parse(Review), key=lambda r: (r.date, r.id))),
        score_cards=tuple(sorted(parse(ScoreCard), key=lambda c: (c.scored_at, c.id))),
    )


@functools.cache
def _by_account_statement(kind: str) -> Any:
    """One kind's records with a non-null account, in (account id, id) order: walks the
    records_by_account index (kind, account_id), sorting only within each account."""
    table = tables.records
    return select(table.c.account_id, table.c.data).where(
        (table.c.kind == kind) & table.c.account_id.is_not(None)
    ).order_by(table.c.account_id, table.c.id)


@functools.cache
def _snapshot_statement(sqlite: bool) -> Any:
    """The snapshot's query, built once (building a statement costs more than running it)."""
    table = tables.records
    kinds = [Account.kind] + [cls.kind for cls in _SNAPSHOT_KINDS]
    stmt = select(table.c.kind, table.c.id, table.c.data).where(
        table.c.kind.in_(kinds) & (table.c.account_id == bindparam("account_id")))
    if sqlite:  # see Workspace.iter(): keep SQLite off the primary key
        return stmt.order_by(table.c.kind.concat(""), table.c.id.concat(""))
    return stmt.order_by(table.c.kind, table.c.id)


#: The kinds a snapshot gathers besides the account itself.
_SNAPSHOT_KINDS: tuple[type[Record], ...] = (
    Stakeholder, Relationship, Opportunity, Plan, Review, ScoreCard)

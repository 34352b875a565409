"""Saving many records in a few statements: the engine behind :meth:`Workspace.save_many`.

The outcome is that of :meth:`Workspace.save_if_changed` called for each record in turn, in the
caller's transaction: a record is created, updated by id when its content differs, or left
unchanged; a stale update raises :class:`ConflictError` and an external id held by another
record :class:`InvalidInputError`, each before the batch writes anything. The records go in
batches of :data:`SAVE_BATCH` with distinct (kind, id) (a repeated id starts a new batch, so the
later occurrence sees the earlier one's write); per batch, one read of the stored records, one
of the external ids they claim, then one multi-row statement per table.

The statements depend on the database: SQLite gets plain SQL straight through the driver's
``executemany`` (SQLAlchemy's per-row parameter processing costs more than SQLite's insert);
PostgreSQL a multi-row ``INSERT ... ON CONFLICT DO NOTHING RETURNING``; any other database one
:func:`~kamcore.store.writing.insert_new` per row.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    FromClause,
    Table,
    bindparam,
    insert,
    select,
    update,
)

from ..errors import ConflictError
from ..model import Record
from . import tables
from .stored import record_json, stamped, stored_json
from .writing import (
    R,
    SaveOutcome,
    conflict,
    content,
    external_id_clash,
    external_id_holder,
    external_ids,
    held_external_ids,
    insert_new,
    release_external_ids,
    stored_revision,
)

#: How many records :meth:`Workspace.save_many` reads and writes per batch of statements
SAVE_BATCH = 500
#: How many values one ``IN (...)`` list holds at most
_IN_CHUNK = 500
_MISSING = object()

#: A record to write: ``(stored, base revision, stored data it replaces)`` (base 0 and no data
#: for a new record).
Write = tuple[Record, int, str | None]

#: The columns of the rows :func:`_write_many` writes, in the order of its tuples.
_RECORD_COLUMNS = ("kind", "id", "account_id", "revision", "updated_at", "updated_by",
                   "created_at")
_REVISION_COLUMNS = ("kind", "id", "revision", "data", "saved_at", "saved_by")
_EXTERNAL_ID_COLUMNS = ("kind", "system", "external_id", "record_id")


def save_many(conn: Connection, records: Iterable[R], *, by: str | None,
              merge: Callable[[R, R], R] | None,
              written: Callable[[Sequence[Write]], None]) -> list[tuple[R, SaveOutcome]]:
    """Save ``records`` in the transaction of ``conn``, batch by batch; return each record as
    stored (or as found, when unchanged) with its outcome, in input order.

    :param by: who the changes are recorded as.
    :param merge: ``merge(stored, record)`` gives what to store when ``record``'s id exists
        (default: ``record``); a new record is stored as given.
    :param written: called with each batch's writes once they are written (not committed).
    """
    results: list[tuple[R, SaveOutcome]] = []
    batch: list[R] = []
    keys: set[tuple[str, str]] = set()
    for record in records:
        key = (record.kind, record.id)
        if key in keys or len(batch) >= SAVE_BATCH:
            results.extend(_save_batch(conn, batch, by, merge, written))
            batch, keys = [], set()
        batch.append(record)
        keys.add(key)
    if batch:
        results.extend(_save_batch(conn, batch, by, merge, written))
    return results


def _save_batch(conn: Connection, batch: Sequence[R], by: str | None,
                merge: Callable[[R, R], R] | None,
                written: Callable[[Sequence[Write]], None]) -> list[tuple[R, SaveOutcome]]:
    """Save records with distinct (kind, id)."""
    stored_rows = _stored_rows(conn, batch)
    lives = _removed_lives(conn, [r for r in batch if (r.kind, r.id) not in stored_rows])
    results: list[tuple[R, SaveOutcome]] = []
    writes: list[Write] = []
    for record in batch:
        row = stored_rows.get((record.kind, record.id))
        now = datetime.now(UTC)
        if row is None:
            stored = stamped(record, lives.get((record.kind, record.id), 0) + 1, now, by, now)
            writes.append((stored, 0, None))
            results.append((stored, "created"))
            continue
        current = type(record).model_validate_json(row)
        target: R = record if merge is None else merge(current, record)
        if content(target) == content(current):
            results.append((current, "unchanged"))
            continue
        stored = stamped(target, current.revision + 1, now, by, current.created_at)
        writes.append((stored, current.revision, row))
        results.append((stored, "updated"))
    if writes:
        _check_external_ids_many(conn, writes)
        _write_many(conn, writes)
        written(writes)
    return results


def _stored_rows(conn: Connection, batch: Sequence[Record]) -> dict[tuple[str, str], str]:
    """The JSON of the batch's records that exist (their current revision's), by
    (kind, id)."""
    return {(kind, record_id): record_json(*row) for kind, record_id, row in _rows_of(
        conn, tables.current, tables.records, tables.revision_row, batch)}


def _removed_lives(conn: Connection, new: Sequence[Record]) -> dict[tuple[str, str], int]:
    """The last revision (a tombstone) of each record among ``new`` (not stored now) that was
    stored once and removed, by (kind, id): its new life starts after it (see
    :func:`~kamcore.store.writing.first_revision`). It finds nothing for records never
    stored."""
    last: dict[tuple[str, str], int] = {}
    revisions = tables.revisions
    for kind, record_id, (revision,) in _rows_of(conn, revisions, revisions,
                                                 (revisions.c.revision,), new):
        last[(kind, record_id)] = max(revision, last.get((kind, record_id), 0))
    return last


def _rows_of(conn: Connection, source: FromClause, keyed: Table,
             columns: Sequence[Column[Any]], records: Sequence[Record],
             ) -> Iterator[tuple[str, str, Sequence[Any]]]:
    """``(kind, id, values of columns)`` of the rows of ``source`` that belong to ``records``
    (by the ``kind`` and ``id`` of the table ``keyed`` in it): one read per kind and
    :data:`_IN_CHUNK` ids, on the primary key."""
    by_kind: dict[str, list[str]] = {}
    for record in records:
        by_kind.setdefault(record.kind, []).append(record.id)
    for kind, ids in by_kind.items():
        for start in range(0, len(ids), _IN_CHUNK):
            for record_id, *values in _select_in(conn, source, (keyed.c.id, *columns),
                                                 {keyed.c.kind: kind}, keyed.c.id,
                                                 ids[start:start + _IN_CHUNK]):
                yield kind, record_id, values


def _select_in(conn: Connection, source: FromClause, columns: Sequence[Column[Any]],
               equal: dict[Column[Any], str], column: Column[Any], values: Sequence[str],
               ) -> Iterable[Sequence[Any]]:
    """``columns`` of the rows of ``source`` (a table or a join) whose ``equal`` columns have
    those values and whose ``column`` is one of ``values`` (a few hundred at most). On
    SQLite the statement goes straight to the driver: SQLAlchemy renders a long ``IN`` list
    anew each time."""
    if conn.dialect.name == "sqlite":
        tests = [f"{_sql_name(name)} = ?" for name in equal]
        tests.append(f"{_sql_name(column)} IN ({', '.join('?' * len(values))})")
        return conn.exec_driver_sql(
            f"SELECT {', '.join(map(_sql_name, columns))} FROM {_sql_source(source)} "
            f"WHERE {' AND '.join(tests)}", (*equal.values(), *values))
    return conn.execute(select(*columns).select_from(source).where(
        *(name == value for name, value in equal.items()), column.in_(values)))


def _sql_name(column: Column[Any]) -> str:
    """A column as plain SQL, qualified by its table (the tables' names need no quoting)."""
    return f"{column.table.name}.{column.name}"


@functools.cache
def _sql_source(source: FromClause) -> str:
    """A table or join as plain SQL (built once: compiling a join costs more than a read)."""
    return str(source)


def _check_external_ids_many(conn: Connection, writes: Sequence[Write]) -> None:
    """Refuse the batch before writing anything if a record claims an external id another
    holds: the holders are read at once, then the saves are played in order (a record that
    gives up an id frees it for a later one, as one save after another would).

    The usual batch -- each id claimed once, and held by no one or by its claimant --
    needs no playing."""
    claims: dict[tuple[str, str, str], str] = {}
    count = 0
    for stored, _base, _previous in writes:
        for system, external_id in external_ids(stored).items():
            claims[(stored.kind, system, external_id)] = stored.id
            count += 1
    if not claims:
        return
    holders = _external_id_holders(conn, claims)
    if len(claims) == count and all(claims[key] == holder for key, holder in holders.items()):
        return
    played: dict[tuple[str, str, str], str | None] = {}
    for stored, base, previous in writes:
        ids = external_ids(stored)
        for system, external_id in sorted(ids.items()):
            key = (stored.kind, system, external_id)
            holder = played.get(key, _MISSING)
            if holder is _MISSING:
                holder = holders.get(key)
            if holder is not None and holder != stored.id:
                raise external_id_clash(stored, system, external_id, holder)  # type: ignore[arg-type]
        if base:  # the ids it held are released
            for kind, system, external_id, _key in held_external_ids(stored.kind, stored.id,
                                                                     previous):
                played[(kind, system, external_id)] = None
        for system, external_id in ids.items():
            played[(stored.kind, system, external_id)] = stored.id


def _external_id_holders(conn: Connection, keys: Iterable[tuple[str, str, str]],
                         ) -> dict[tuple[str, str, str], str]:
    """The stored holder of each (kind, system, external id) that has one: one read per
    (kind, system) and :data:`_IN_CHUNK` ids, by the whole primary key (no scan)."""
    wanted: dict[tuple[str, str], list[str]] = {}
    for kind, system, external_id in keys:
        wanted.setdefault((kind, system), []).append(external_id)
    holders: dict[tuple[str, str, str], str] = {}
    ids = tables.external_ids
    for (kind, system), values in wanted.items():
        ordered = sorted(values)
        for start in range(0, len(ordered), _IN_CHUNK):
            rows = _select_in(conn, ids, (ids.c.external_id, ids.c.record_id),
                              {ids.c.kind: kind, ids.c.system: system}, ids.c.external_id,
                              ordered[start:start + _IN_CHUNK])
            for external_id, record_id in rows:
                holders[(kind, system, external_id)] = record_id
    return holders


def _write_many(conn: Connection, writes: Sequence[Write]) -> None:
    """Write checked records: new ones inserted, the others updated over their base, a
    revision each, and their external ids re-indexed -- one multi-row statement each."""
    new_rows: list[tuple[Any, ...]] = []
    updated_rows: list[dict[str, Any]] = []
    revision_rows: list[tuple[Any, ...]] = []
    external_rows: list[tuple[Any, ...]] = []
    held: list[tuple[str, str, str, str]] = []
    for stored, base, previous in writes:
        kind, key, revision, by = stored.kind, stored.id, stored.revision, stored.updated_by
        data = stored_json(stored)
        saved_at = stored.updated_at.isoformat() if stored.updated_at else ""
        account_id = stored.owner_account_id()
        if base == 0:
            new_rows.append((kind, key, account_id, revision, saved_at, by, saved_at))
        else:
            updated_rows.append({"account_id": account_id, "revision": revision,
                                 "updated_at": saved_at, "updated_by": by,
                                 "b_kind": kind, "b_id": key, "b_base": base})
            held += held_external_ids(kind, key, previous)
        revision_rows.append((kind, key, revision, data, saved_at, by))
        for system, external_id in sorted(external_ids(stored).items()):
            external_rows.append((kind, system, external_id, key))
    if new_rows:
        refused = _insert_many(conn, tables.records, _RECORD_COLUMNS, new_rows)
        if refused:
            kind, key = refused[0]["kind"], refused[0]["id"]
            raise conflict(conn, kind, key, 0)
    if updated_rows:
        _update_many(conn, updated_rows)
    _append_many(conn, tables.revisions, _REVISION_COLUMNS, revision_rows)
    table = tables.external_ids
    release_external_ids(conn, held)  # a new record has none to free
    if external_rows:
        refused = _insert_many(conn, table, _EXTERNAL_ID_COLUMNS, external_rows)
        if refused:  # taken since the check: a race
            row = refused[0]
            holder = external_id_holder(conn, row["kind"], row["system"], row["external_id"])
            stored = next(s for s, _b, _p in writes
                          if s.kind == row["kind"] and s.id == row["record_id"])
            raise external_id_clash(stored, row["system"], row["external_id"], holder)


def _named(names: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Rows of values as column -> value (for the statements that take them so)."""
    return [dict(zip(names, row, strict=True)) for row in rows]


def _insert_many(conn: Connection, table: Table, names: Sequence[str],
                 rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Insert the rows (values of the columns ``names``) whose key is free (see
    :func:`~kamcore.store.writing.insert_new`); return the others, as column -> value."""
    dialect = conn.dialect.name
    if dialect == "sqlite":  # one executemany; its rowcount is the total inserted
        result = _sqlite_executemany(conn, table, names, rows, " ON CONFLICT DO NOTHING")
        if result.rowcount == len(rows):
            return []
        # some key was taken: find which (rare; the transaction is about to fail)
        return [named for named in _named(names, rows)
                if _row_is_elsewhere(conn, table, named)]
    if dialect == "postgresql":  # multi-row INSERT ... RETURNING the keys inserted
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        key_columns = list(table.primary_key.columns)
        statement = pg_insert(table).on_conflict_do_nothing().returning(*key_columns)
        params = _named(names, rows)
        inserted = {tuple(row) for row in conn.execute(statement, params)}
        keys = [column.name for column in key_columns]
        return [row for row in params if tuple(row[n] for n in keys) not in inserted]
    return [row for row in _named(names, rows) if not insert_new(conn, table, row)]


def _append_many(conn: Connection, table: Table, names: Sequence[str],
                 rows: list[tuple[Any, ...]]) -> None:
    """Insert rows (values of the columns ``names``) whose keys are new (a revision: its
    key includes its number)."""
    if conn.dialect.name == "sqlite":
        _sqlite_executemany(conn, table, names, rows, "")
    else:
        conn.execute(insert(table), _named(names, rows))


def _sqlite_executemany(conn: Connection, table: Table, names: Sequence[str],
                        rows: list[tuple[Any, ...]], suffix: str) -> Any:
    """One ``executemany`` straight through the driver, rows as tuples: SQLAlchemy's
    per-row parameter processing costs more than SQLite's insert (all columns here are
    plain strings and integers, which need no processing)."""
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "
           f"VALUES ({', '.join('?' * len(names))}){suffix}")
    return conn.exec_driver_sql(sql, rows)


def _row_is_elsewhere(conn: Connection, table: Table, row: dict[str, Any]) -> bool:
    """Whether the stored row with ``row``'s key differs from ``row`` (it was not ours)."""
    names = [column.name for column in table.primary_key.columns]
    where = [table.c[name] == row[name] for name in names]
    stored = conn.execute(select(table).where(*where)).mappings().first()
    return stored is None or any(stored[k] != v for k, v in row.items())


def _update_many(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Update records over their base revisions; :class:`ConflictError` if one moved on.

    Each row holds the new ``account_id``, ``revision``, ``updated_at`` and
    ``updated_by``, and the record's ``b_kind``, ``b_id`` and ``b_base`` revision."""
    table = tables.records
    statement = update(table).where(
        (table.c.kind == bindparam("b_kind")) & (table.c.id == bindparam("b_id"))
        & (table.c.revision == bindparam("b_base"))
    ).values(account_id=bindparam("account_id"), revision=bindparam("revision"),
             updated_at=bindparam("updated_at"),
             updated_by=bindparam("updated_by"))

    def refused(row: dict[str, Any]) -> ConflictError:
        return conflict(conn, row["b_kind"], row["b_id"], row["b_base"])

    if conn.dialect.supports_sane_multi_rowcount:
        if conn.execute(statement, rows).rowcount == len(rows):
            return
        for row in rows:  # one moved on: find it (the transaction is about to fail)
            if stored_revision(conn, row["b_kind"], row["b_id"]) != row["revision"]:
                raise refused(row)
        raise refused(rows[0])
    for row in rows:
        if conn.execute(statement, row).rowcount != 1:
            raise refused(row)

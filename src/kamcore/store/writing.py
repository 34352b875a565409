"""Writing one record in an open transaction: its row, its revision and its external ids.

What :meth:`Workspace.save` does inside its transaction, and the rules every save shares with
the batch engine (:mod:`kamcore.store.batch`): what counts as a change of content, which
external ids a record claims, the error when another record holds one, and how a row is
inserted only when its key is free.

A record that was removed (:mod:`kamcore.store.removing`) leaves a *tombstone* revision
(data :data:`TOMBSTONE`) after its last one; created again, its history goes on after the
tombstone (:func:`first_revision`), so no revision is ever overwritten.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal, TypeVar

from sqlalchemy import Connection, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import ConflictError, InvalidInputError
from ..model import Record
from . import tables
from .stored import record_json, stored_json

R = TypeVar("R", bound=Record)
SaveOutcome = Literal["created", "updated", "unchanged"]
_META_FIELDS = {"revision", "created_at", "updated_at", "updated_by"}
#: The data of the revision that records a record's removal.
TOMBSTONE = '{"removed": true}'


def current_data(conn: Connection, kind: str, key: str) -> str | None:
    """The JSON of the current revision of ``kind`` ``key`` (the whole record), or None."""
    row = conn.execute(select(*tables.revision_row).select_from(tables.current).where(
        (tables.records.c.kind == kind) & (tables.records.c.id == key))).first()
    return None if row is None else record_json(*row)


def content(record: Record) -> dict[str, Any]:
    """What a record says, without its revision metadata: equal content is no change."""
    return record.model_dump(mode="json", exclude=_META_FIELDS)


def external_ids(record: Record) -> dict[str, str]:
    """The ids other systems know the record by, by system (none for most kinds)."""
    ids: dict[str, str] = getattr(record, "external_ids", {}) or {}
    return ids


def external_id_clash(stored: Record, system: str, external_id: str,
                      holder: str | None) -> InvalidInputError:
    """The error for ``stored`` claiming an external id that ``holder`` holds."""
    return InvalidInputError(
        f"{stored.kind} {stored.id!r}: {system} id {external_id!r} already belongs to "
        f"{stored.kind} {holder!r}")


def write_record(conn: Connection, stored: Record, base: int, *, keep_previous: bool) -> str | None:
    """Write ``stored`` (with its new revision and metadata) over revision ``base`` in the
    transaction of ``conn``: the record's head, a revision row and its external ids.

    :param keep_previous: return the data ``stored`` replaced (for a plan's listener).
    :return: the data replaced when ``keep_previous`` and ``stored`` is an update, else None.
    :raises ConflictError: the stored record is not at ``base`` (0: it exists already).
    :raises InvalidInputError: another record holds one of its external ids; refused before
        anything is written (so a refused save inside a larger transaction leaves no trace).
    """
    kind, key = stored.kind, stored.id
    where = (tables.records.c.kind == kind) & (tables.records.c.id == key)
    data = stored_json(stored)
    saved_at = stored.updated_at.isoformat() if stored.updated_at else ""
    values = {
        "account_id": stored.owner_account_id(), "revision": stored.revision,
        "updated_at": saved_at, "updated_by": stored.updated_by,
    }
    previous: str | None = None
    _check_external_ids(conn, stored)
    held: str | None = None
    if base == 0:
        row = {"kind": kind, "id": key, "created_at": saved_at, **values}
        if not insert_new(conn, tables.records, row):
            raise conflict(conn, kind, key, base)
    else:
        if keep_previous or hasattr(stored, "external_ids"):
            held = current_data(conn, kind, key)
            previous = held if keep_previous else None
        result = conn.execute(
            update(tables.records).where(where & (tables.records.c.revision == base))
            .values(**values)
        )
        if result.rowcount != 1:
            raise conflict(conn, kind, key, base)
    conn.execute(insert(tables.revisions).values(
        kind=kind, id=key, revision=stored.revision, data=data, saved_at=saved_at,
        saved_by=stored.updated_by,
    ))
    _index_external_ids(conn, stored, held)
    return previous


def conflict(conn: Connection, kind: str, key: str, base: int) -> ConflictError:
    """The error for a change of ``kind`` ``key`` based on revision ``base`` that the store
    refused: it names the current revision and who saved it when (or who removed the record
    when, if it was removed)."""
    row = conn.execute(select(
        tables.records.c.revision, tables.records.c.updated_by, tables.records.c.updated_at,
    ).where((tables.records.c.kind == kind) & (tables.records.c.id == key))).first()
    if row is not None:
        return ConflictError(kind, key, base, row.revision, changed_by=row.updated_by,
                             changed_at=moment(row.updated_at))
    table = tables.revisions
    last = conn.execute(select(table.c.data, table.c.saved_by, table.c.saved_at).where(
        (table.c.kind == kind) & (table.c.id == key)).order_by(table.c.revision.desc())
        .limit(1)).first()
    if last is not None and last.data == TOMBSTONE:
        return ConflictError(kind, key, base, None, changed_by=last.saved_by,
                             changed_at=moment(last.saved_at))
    return ConflictError(kind, key, base, None)


def stored_revision(conn: Connection, kind: str, key: str) -> int | None:
    """The current revision of a stored record, or None."""
    revision: int | None = conn.execute(select(tables.records.c.revision).where(
        (tables.records.c.kind == kind) & (tables.records.c.id == key))).scalar()
    return revision


def moment(saved_at: str | None) -> datetime | None:
    """A stored ``saved_at`` / ``updated_at`` as a datetime (None when not recorded)."""
    return datetime.fromisoformat(saved_at) if saved_at else None


def first_revision(conn: Connection, kind: str, key: str) -> int:
    """The revision number a new record of ``kind`` ``key`` starts at: 1, or the one after
    the tombstone of an earlier record of that id that was removed."""
    last: int | None = conn.execute(select(func.max(tables.revisions.c.revision)).where(
        (tables.revisions.c.kind == kind) & (tables.revisions.c.id == key))).scalar()
    return (last or 0) + 1


def external_id_holder(conn: Connection, kind: str, system: str,
                       external_id: str) -> str | None:
    """The id of the record of ``kind`` that holds ``system``'s ``external_id``, or None."""
    table = tables.external_ids
    holder: str | None = conn.execute(select(table.c.record_id).where(
        (table.c.kind == kind) & (table.c.system == system)
        & (table.c.external_id == external_id))).scalar()
    return holder


def _check_external_ids(conn: Connection, stored: Record) -> None:
    """Refuse ``stored`` if another record holds one of its external ids."""
    for system, external_id in sorted(external_ids(stored).items()):
        holder = external_id_holder(conn, stored.kind, system, external_id)
        if holder is not None and holder != stored.id:
            raise external_id_clash(stored, system, external_id, holder)


def release_external_ids(conn: Connection, held: Iterable[tuple[str, str, str, str]]) -> None:
    """Free external ids records held: each ``(kind, system, external id, record id)``, by
    the table's key (an id another record holds now is left to it)."""
    table = tables.external_ids
    rows = [{"b_kind": kind, "b_system": system, "b_external_id": external_id, "b_record": key}
            for kind, system, external_id, key in held]
    if rows:
        conn.execute(delete(table).where(
            (table.c.kind == bindparam("b_kind")) & (table.c.system == bindparam("b_system"))
            & (table.c.external_id == bindparam("b_external_id"))
            & (table.c.record_id == bindparam("b_record"))), rows)


def held_external_ids(kind: str, record_id: str,
                      data: str | None) -> list[tuple[str, str, str, str]]:
    """The external ids the record stored as ``data`` (its JSON) holds, as
    :func:`release_external_ids` takes them."""
    ids = (json.loads(data).get("external_ids") or {}) if data else {}
    return [(kind, system, external_id, record_id) for system, external_id in ids.items()]


def _index_external_ids(conn: Connection, stored: Record, previous: str | None) -> None:
    """Index the external ids of ``stored``, freeing those its ``previous`` version held."""
    table = tables.external_ids
    release_external_ids(conn, held_external_ids(stored.kind, stored.id, previous))
    for system, external_id in sorted(external_ids(stored).items()):
        row = {"kind": stored.kind, "system": system, "external_id": external_id,
               "record_id": stored.id}
        if not insert_new(conn, table, row):  # taken since the check: a race
            holder = external_id_holder(conn, stored.kind, system, external_id)
            raise external_id_clash(stored, system, external_id, holder)


def insert_new(conn: Connection, table: Table, row: dict[str, Any]) -> bool:
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

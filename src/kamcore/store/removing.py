"""Removing one record in an open transaction, keeping its history.

The record's head leaves ``records`` (so it is no longer found, listed or in a snapshot) and
its ids in ``external_ids`` are released (another record, or the same one imported again, may
claim them). Every revision it had stays in ``revisions``, and one more is appended: a
*tombstone* (data :data:`~kamcore.store.writing.TOMBSTONE`) saying who removed it and when.
A record created again with the same id goes on after the tombstone
(:func:`~kamcore.store.writing.first_revision`), so its whole history reads in order.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from . import tables
from .stored import record_json
from .writing import TOMBSTONE, R, conflict, held_external_ids, release_external_ids


def remove_record(conn: Connection, cls: type[R], key: str, base: int | None,
                  removed_at: datetime, by: str | None) -> R:
    """Remove the record of ``cls`` with id ``key`` in the transaction of ``conn``.

    :param base: the revision the removal was based on; None: whatever is current.
    :return: the record as it was when removed.
    :raises ConflictError: the record is not at ``base``, or does not exist (naming who
        removed it when, if it was); nothing is written.
    """
    table = tables.records
    where = (table.c.kind == cls.kind) & (table.c.id == key)
    row = conn.execute(select(*tables.revision_row).select_from(tables.current)
                       .where(where)).first()
    if row is None or (base is not None and row.revision != base):
        expected = base if base is not None else 0
        raise conflict(conn, cls.kind, key, expected)
    if conn.execute(delete(table).where(where & (table.c.revision == row.revision))
                    ).rowcount != 1:  # removed or changed since the read: a race
        raise conflict(conn, cls.kind, key, row.revision)
    conn.execute(insert(tables.revisions).values(
        kind=cls.kind, id=key, revision=row.revision + 1, data=TOMBSTONE,
        saved_at=removed_at.isoformat(), saved_by=by))
    data = record_json(*row)
    release_external_ids(conn, held_external_ids(cls.kind, key, data))
    return cls.model_validate_json(data)


def is_tombstone(data: str) -> bool:
    """Whether a revision's data records a removal."""
    return data == TOMBSTONE

"""Reading what changed: the revisions a record gained after one, the records of an account
saved since a moment, and the versions of every record of a kind touched since a moment.
Server processes tell open clients about changes from these reads (they keep nothing in memory
between requests, so every process sees every change); account movements
(:mod:`kamcore.movements`) are computed from :func:`versions_since`.

They run on a connection for :meth:`Workspace.revisions_after`,
:meth:`Workspace.changed_since` and :meth:`Workspace.versions_since`.
"""

from __future__ import annotations

import attrs
from sqlalchemy import Connection, select

from ..model import RECORD_TYPES
from . import tables
from .stored import record_json
from .writing import TOMBSTONE

#: Ids per ``IN (...)`` list (SQLite allows a few hundred bound values per statement safely).
_CHUNK = 400


@attrs.frozen
class Change:
    """A record saved: its kind, id, the revision saved, when and by whom."""

    kind: str
    id: str
    revision: int
    saved_at: str
    saved_by: str | None


def revisions_after(conn: Connection, kind: str, record_id: str, revision: int,
                    limit: int) -> list[Change]:
    """The first ``limit`` revisions of one record after ``revision``, oldest first."""
    table = tables.revisions
    rows = conn.execute(select(table.c.revision, table.c.saved_at, table.c.saved_by).where(
        (table.c.kind == kind) & (table.c.id == record_id) & (table.c.revision > revision)
    ).order_by(table.c.revision).limit(limit))
    return [Change(kind, record_id, number, saved_at, saved_by)
            for number, saved_at, saved_by in rows]


def changed_since(conn: Connection, account_id: str, since: str, limit: int) -> list[Change]:
    """The account and its records whose current revision was saved at or after ``since``
    (an ISO 8601 UTC moment, as the store writes them), oldest first, at most ``limit``.

    Reads the records_by_account index once per kind (the account's own row carries its id).
    """
    table = tables.records
    rows = conn.execute(select(
        table.c.kind, table.c.id, table.c.revision, table.c.updated_at, table.c.updated_by,
    ).where(table.c.kind.in_(list(RECORD_TYPES)) & (table.c.account_id == account_id)
            & (table.c.updated_at >= since))
        .order_by(table.c.updated_at, table.c.kind, table.c.id).limit(limit))
    return [Change(*row) for row in rows]


@attrs.frozen
class Version:
    """One revision of a record as read back: its number, when and by whom it was saved, and
    the whole record's JSON (None for the revision that removed the record)."""

    revision: int
    saved_at: str
    saved_by: str | None
    data: str | None


def versions_since(conn: Connection, kind: str, since: str) -> dict[str, list[Version]]:
    """Every record of ``kind`` saved or removed at or after ``since`` (ISO 8601 UTC), by id,
    each with its revisions oldest first: the last one saved before ``since`` (the record as it
    was then; absent for a record created since), then every one saved since.

    Two reads find the records (heads saved since, removals since) without reading any other
    record's history; their revisions are then read by id, a few hundred ids per statement.
    """
    heads, revisions = tables.records, tables.revisions
    touched = set(conn.execute(select(heads.c.id).where(
        (heads.c.kind == kind) & (heads.c.updated_at >= since))).scalars())
    touched.update(conn.execute(select(revisions.c.id).where(
        (revisions.c.kind == kind) & (revisions.c.saved_at >= since)
        & (revisions.c.data == TOMBSTONE))).scalars())
    found: dict[str, list[Version]] = {}
    ids = sorted(touched)
    for start in range(0, len(ids), _CHUNK):
        rows = conn.execute(select(*tables.revision_row).where(
            (revisions.c.kind == kind) & revisions.c.id.in_(ids[start:start + _CHUNK]))
            .order_by(revisions.c.id, revisions.c.revision))
        for row in rows:
            versions = found.setdefault(row.id, [])
            if row.saved_at < since and versions:  # only the last one before `since` counts
                versions.pop()
            versions.append(Version(row.revision, row.saved_at, row.saved_by,
                                    None if row.data == TOMBSTONE else record_json(*row)))
    return found

"""Reading what changed: the revisions a record gained after one, the records of an account
saved since a moment, and the versions of the records of some accounts touched since a moment
each.
Server processes tell open clients about changes from these reads (they keep nothing in memory
between requests, so every process sees every change); account movements
(:mod:`kamcore.movements`) are computed from :func:`versions_since`.

They run on a connection for :meth:`Workspace.revisions_after`,
:meth:`Workspace.changed_since` and :meth:`Workspace.versions_since`.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
from sqlalchemy import Connection, func, literal, select

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


def versions_since(conn: Connection, kind: str,
                   moments: Mapping[str, str]) -> dict[str, list[Version]]:
    """The records of ``kind`` of the accounts in ``moments`` (account id -> ISO 8601 UTC
    moment) saved at or after their account's moment, and every record of ``kind`` removed, or
    moved from one account to another, at or after the earliest moment; by id, each with its
    revisions oldest first: the last one saved before the earliest moment (the record as it was
    then; absent for a record created since), then every one saved since.

    Which records is decided on the heads and, for removals and moves, in SQL on the stored
    text (a revision naming another account than its record's head), so that only the
    revisions of the records found are read back, a few hundred ids per statement.
    """
    if not moments:
        return {}
    since = min(moments.values())
    heads, revisions = tables.records, tables.revisions
    current = select(heads.c.id, heads.c.account_id, heads.c.updated_at).where(
        (heads.c.kind == kind) & (heads.c.updated_at >= since))
    if len(moments) <= _CHUNK:
        current = current.where(heads.c.account_id.in_(list(moments)))
    touched = {record_id for record_id, account_id, saved_at in conn.execute(current)
               if account_id in moments and saved_at >= moments[account_id]}
    touched.update(conn.execute(select(revisions.c.id).where(
        (revisions.c.kind == kind) & (revisions.c.saved_at >= since)
        & (revisions.c.data == TOMBSTONE))).scalars())
    # ids are letters, digits and . _ : @ - (RecordId): only "_" needs escaping in a pattern
    named = literal('%"account_id":"') + func.replace(heads.c.account_id, "_", "/_") + '"%'
    touched.update(conn.execute(select(revisions.c.id).distinct().select_from(
        revisions.join(heads, (heads.c.kind == revisions.c.kind)
                       & (heads.c.id == revisions.c.id))).where(
        (revisions.c.kind == kind) & (heads.c.updated_at >= since)
        & (revisions.c.data != TOMBSTONE) & ~revisions.c.data.like(named, escape="/")))
        .scalars())
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

"""Reading what changed: the revisions a record gained after one, the records of an account
saved since a moment. Server processes tell open clients about changes from these reads (they
keep nothing in memory between requests, so every process sees every change).

Both run on a connection for :meth:`Workspace.revisions_after` and
:meth:`Workspace.changed_since`.
"""

from __future__ import annotations

import attrs
from sqlalchemy import Connection, select

from ..model import RECORD_TYPES
from . import tables


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

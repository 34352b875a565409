"""A revision's metadata in its columns only; SQLite tables keyed by their primary key.

Before, each revision's JSON repeated the record's id, revision, save time and saver, which its
row holds in ``id``, ``revision``, ``saved_at`` and ``saved_by``, and its creation time, which
in a record's first revision is its save time. Now the JSON holds the rest of the record (the
creation time only when it differs) and reading puts them back (:mod:`kamcore.store.stored`).
Where a row's columns and its JSON disagreed, the JSON wins (what the record said), the column
is corrected and the corrections are counted in the log; a workspace kamcore wrote has none.

On SQLite, ``records``, ``revisions`` and ``external_ids`` become ``WITHOUT ROWID`` tables:
each is stored in its primary key's order, without a second copy of the key in an index. The
index of external ids by record goes: a record's ids are freed by key, from those its
previous version holds.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

_log = logging.getLogger("kamcore.migrate")
_revisions = sa.table("revisions", sa.column("kind"), sa.column("id"), sa.column("revision"),
                      sa.column("data"), sa.column("saved_at"), sa.column("saved_by"))
_meta = sa.table("meta", sa.column("key"), sa.column("value"))
#: The data of a removal's revision (no record: left as it is).
_TOMBSTONE = '{"removed": true}'
#: The tables keyed by their primary key on SQLite from this version on.
_KEYED = ("records", "revisions", "external_ids")
_BATCH = 1000

Row = dict[str, Any]


def _compact(fields: dict[str, Any]) -> str:
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=False)


def _rewrite(convert: Callable[[Row], tuple[Row, bool]]) -> int:
    """Apply ``convert`` to every revision but removals, a batch at a time; the number of rows
    it reported as corrected."""
    bind = op.get_bind()
    corrected = 0
    for rows in _batches(bind):
        changed = []
        for row in rows:
            new, fixed = convert(row)
            corrected += fixed
            changed.append({**new, "b_kind": row["kind"], "b_id": row["id"],
                            "b_revision": row["revision"]})
        bind.execute(_revisions.update().where(
            (_revisions.c.kind == sa.bindparam("b_kind"))
            & (_revisions.c.id == sa.bindparam("b_id"))
            & (_revisions.c.revision == sa.bindparam("b_revision"))), changed)
    return corrected


def _batches(bind: sa.Connection) -> Iterator[list[Row]]:
    """Every revision row but removals, in key order, ``_BATCH`` at a time (keyset paging:
    the rows are updated between batches)."""
    after = ("", "", 0)
    key = sa.tuple_(_revisions.c.kind, _revisions.c.id, _revisions.c.revision)
    while True:
        rows = [dict(row._mapping) for row in bind.execute(
            sa.select(_revisions).where(key > sa.tuple_(*map(sa.literal, after)))
            .order_by(_revisions.c.kind, _revisions.c.id, _revisions.c.revision)
            .limit(_BATCH))]
        if not rows:
            return
        last = rows[-1]
        after = (last["kind"], last["id"], last["revision"])
        yield [row for row in rows if row["data"] != _TOMBSTONE]


def _to_columns(row: Row) -> tuple[Row, bool]:
    """The row with its metadata out of the JSON, in its columns (the JSON's values win); the
    creation time left out when it is the save time, else first (as
    :func:`kamcore.store.stored.stored_json` lays it out)."""
    fields = json.loads(row["data"])
    fields.pop("id", None)
    fields.pop("revision", None)
    updated_at = fields.pop("updated_at", None)
    saved_at = _moment(updated_at)
    saved_by = fields.pop("updated_by", None)
    created = fields.pop("created_at", None)
    if created is None or _moment(created) != saved_at:
        fields = {"created_at": created, **fields}
    fixed = (saved_at, saved_by) != (row["saved_at"], row["saved_by"])
    return {"data": _compact(fields), "saved_at": saved_at, "saved_by": saved_by}, fixed


def _moment(stamp: str | None) -> str:
    """A stored time as a row's ``saved_at`` holds it (ISO 8601, UTC as +00:00; "" unset)."""
    return datetime.fromisoformat(stamp).isoformat() if stamp else ""


def _to_json(row: Row) -> tuple[Row, bool]:
    """The row with its metadata back in the JSON, laid out as version 5 stored it (pydantic's
    field order: id, revision, created_at, updated_at, updated_by, then the rest; UTC as Z)."""
    rest = json.loads(row["data"])
    fields: Row = {"id": row["id"], "revision": row["revision"]}
    saved_at = row["saved_at"].removesuffix("+00:00") + (
        "Z" if row["saved_at"].endswith("+00:00") else "")
    created = rest.pop("created_at") if "created_at" in rest else saved_at or None
    if created is not None:
        fields["created_at"] = created
    if saved_at:
        fields["updated_at"] = saved_at
    if row["saved_by"] is not None:
        fields["updated_by"] = row["saved_by"]
    return {"data": _compact({**fields, **rest}), "saved_at": row["saved_at"],
            "saved_by": row["saved_by"]}, False


def _rebuild(with_rowid: bool) -> None:
    """On SQLite, rebuild the keyed tables with or without rowids (their indexes too)."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in _KEYED:
        with op.batch_alter_table(name, recreate="always",
                                  table_kwargs={"sqlite_with_rowid": with_rowid}):
            pass


def _index_by_record(present: bool) -> None:
    """Add or drop the index of external ids by record (version 6 frees a record's ids by
    key, from the ids its previous version holds)."""
    if present:
        op.create_index("external_ids_by_record", "external_ids", ["kind", "record_id"])
    else:
        op.drop_index("external_ids_by_record", table_name="external_ids")


def upgrade() -> None:
    """Move each revision's metadata out of its JSON; key the SQLite tables by their keys."""
    corrected = _rewrite(_to_columns)
    if corrected:
        _log.warning("0006: %s revision(s) had a save time or saver other than their record's;"
                     " corrected from the record", corrected)
    _index_by_record(present=False)
    _rebuild(with_rowid=False)
    op.execute(_meta.update().where(_meta.c.key == "schema_version").values(value="6"))


def downgrade() -> None:
    """Put each revision's metadata back into its JSON; SQLite tables with rowids again."""
    _rewrite(_to_json)
    _rebuild(with_rowid=True)
    _index_by_record(present=True)
    op.execute(_meta.update().where(_meta.c.key == "schema_version").values(value="5"))

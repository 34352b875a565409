"""One copy of each version: ``records`` keeps each record's head, not a copy of its data.

Before, ``records.data`` repeated the data of each record's current revision, which
``revisions`` holds as well: every current version was stored twice. Now a record's data is
read from its current revision (``tables.current``). Before the column is dropped, every
head is checked against its revision: a head whose revision row is missing gets one, and a
revision whose data differs from its head's copy takes the head's (what the workspace showed
as current); neither happens in a workspace kamcore wrote, and both are counted in the log.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

_log = logging.getLogger("kamcore.migrate")
_records = sa.table("records", sa.column("kind"), sa.column("id"), sa.column("revision"),
                    sa.column("data"), sa.column("updated_at"), sa.column("updated_by"))
_revisions = sa.table("revisions", sa.column("kind"), sa.column("id"), sa.column("revision"),
                      sa.column("data"), sa.column("saved_at"), sa.column("saved_by"))
_meta = sa.table("meta", sa.column("key"), sa.column("value"))


def _same_revision() -> sa.ColumnElement[bool]:
    return ((_revisions.c.kind == _records.c.kind) & (_revisions.c.id == _records.c.id)
            & (_revisions.c.revision == _records.c.revision))


def upgrade() -> None:
    """Give every head its revision row with the same data, then drop ``records.data``."""
    bind = op.get_bind()
    has_revision = sa.exists().where(_same_revision())
    missing = bind.execute(sa.insert(_revisions).from_select(
        ["kind", "id", "revision", "data", "saved_at", "saved_by"],
        sa.select(_records.c.kind, _records.c.id, _records.c.revision, _records.c.data,
                  _records.c.updated_at, _records.c.updated_by).where(~has_revision),
    )).rowcount
    head_data = sa.select(_records.c.data).where(_same_revision()).scalar_subquery()
    differing = sa.exists().where(_same_revision() & (_records.c.data != _revisions.c.data))
    repaired = bind.execute(
        _revisions.update().where(differing).values(data=head_data)).rowcount
    if missing or repaired:
        _log.warning("0004: %s revision(s) added and %s corrected from the current records",
                     missing, repaired)
    with op.batch_alter_table("records") as batch:
        batch.drop_column("data")
    op.execute(_meta.update().where(_meta.c.key == "schema_version").values(value="4"))


def downgrade() -> None:
    """Put the copy of each record's current data back into ``records.data``."""
    with op.batch_alter_table("records", recreate="always") as batch:  # back in its place
        batch.add_column(sa.Column("data", sa.Text(), nullable=True), insert_before="updated_at")
    current = sa.select(_revisions.c.data).where(_same_revision()).scalar_subquery()
    op.execute(_records.update().values(data=current))
    with op.batch_alter_table("records") as batch:
        batch.alter_column("data", existing_type=sa.Text(), nullable=False)
    op.execute(_meta.update().where(_meta.c.key == "schema_version").values(value="3"))

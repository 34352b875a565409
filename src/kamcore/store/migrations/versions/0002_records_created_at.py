"""``records.created_at``: when each record was created, queryable without parsing its JSON.

The column is filled from each record's first revision (its ``saved_at``), which is the
``created_at`` inside the record's data; new records get it when they are first saved.
Reports on a shared server can then ask "which accounts were added this quarter" in SQL.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_records = sa.table("records", sa.column("kind"), sa.column("id"), sa.column("created_at"))
_revisions = sa.table("revisions", sa.column("kind"), sa.column("id"), sa.column("revision"),
                      sa.column("saved_at"))
_meta = sa.table("meta", sa.column("key"), sa.column("value"))


def _set_version(version: int) -> None:
    op.execute(_meta.update().where(_meta.c.key == "schema_version")
               .values(value=str(version)))


def upgrade() -> None:
    """Add ``records.created_at`` and fill it from each record's first revision."""
    op.add_column("records", sa.Column("created_at", sa.String(40), nullable=True))
    first = (
        sa.select(_revisions.c.saved_at)
        .where((_revisions.c.kind == _records.c.kind) & (_revisions.c.id == _records.c.id))
        .order_by(_revisions.c.revision)
        .limit(1)
        .scalar_subquery()
    )
    op.execute(_records.update().values(created_at=first))
    _set_version(2)


def downgrade() -> None:
    """Drop ``records.created_at`` (the records' data keeps ``created_at``)."""
    with op.batch_alter_table("records") as batch:
        batch.drop_column("created_at")
    _set_version(1)

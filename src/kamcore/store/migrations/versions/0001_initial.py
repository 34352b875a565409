"""The first schema (kamcore 0.1): records, revisions, external_ids and meta.

Workspaces made before kamcore used Alembic have exactly these tables and
``meta.schema_version = 1``; ``kam migrate`` stamps them with this revision first.

Revision ID: 0001
Revises: none
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    # byte order on PostgreSQL, as on SQLite (the collation changes nothing on SQLite)
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def upgrade() -> None:
    """Create the four tables and record schema version 1."""
    op.create_table(
        "records",
        sa.Column("kind", _key(32), primary_key=True),
        sa.Column("id", _key(128), primary_key=True),
        sa.Column("account_id", _key(128), nullable=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=True),
    )
    op.create_index("records_by_account", "records", ["kind", "account_id"])
    op.create_table(
        "revisions",
        sa.Column("kind", _key(32), primary_key=True),
        sa.Column("id", _key(128), primary_key=True),
        sa.Column("revision", sa.Integer, primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("saved_at", sa.String(40), nullable=False),
        sa.Column("saved_by", sa.String(200), nullable=True),
    )
    op.create_table(
        "external_ids",
        sa.Column("kind", _key(32), primary_key=True),
        sa.Column("system", _key(64), primary_key=True),
        sa.Column("external_id", _key(200), primary_key=True),
        sa.Column("record_id", _key(128), nullable=False),
    )
    op.create_index("external_ids_by_record", "external_ids", ["kind", "record_id"])
    meta = op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.bulk_insert(meta, [{"key": "schema_version", "value": "1"}])


def downgrade() -> None:
    """Drop the tables (and with them every record)."""
    for table in ("meta", "external_ids", "revisions", "records"):
        op.drop_table(table)

"""Derived results kept: ``derived`` holds what portfolio views computed, with its fingerprint.

An empty table: the first portfolio view after the upgrade computes every account once.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kamcore.store import tables

revision = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

_meta = sa.table("meta", sa.column("key"), sa.column("value"))


def upgrade() -> None:
    """Create ``derived`` as :mod:`kamcore.store.tables` defines it."""
    tables.derived.create(op.get_bind())
    op.execute(_meta.update().where(_meta.c.key == "schema_version").values(value="5"))


def downgrade() -> None:
    """Drop ``derived`` (its results are computed again when needed)."""
    tables.derived.drop(op.get_bind())
    op.execute(_meta.update().where(_meta.c.key == "schema_version").values(value="4"))

"""Who may do what: ``users``, ``team_members``, ``tokens``, ``share_links`` and
``login_failures``.

Empty tables: a workspace is used by whoever holds its file until an admin adds users for the
server (``kam user add``). Nothing else changes.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kamcore.store import tables

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

_TABLES = (tables.users, tables.team_members, tables.tokens, tables.share_links,
           tables.login_failures)
_meta = sa.table("meta", sa.column("key"), sa.column("value"))


def upgrade() -> None:
    """Create the access tables, as :mod:`kamcore.store.tables` defines them."""
    bind = op.get_bind()
    for table in _TABLES:
        table.create(bind)
    op.execute(_meta.update().where(_meta.c.key == "schema_version").values(value="3"))


def downgrade() -> None:
    """Drop the access tables (users, tokens and share links are lost)."""
    bind = op.get_bind()
    for table in reversed(_TABLES):
        table.drop(bind)
    op.execute(_meta.update().where(_meta.c.key == "schema_version").values(value="2"))

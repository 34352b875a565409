"""Alembic's environment for the workspace: run on the connection kamcore hands it.

:mod:`kamcore.store.migrate` opens the connection and its transaction (``BEGIN IMMEDIATE`` on
SQLite) and passes it in ``config.attributes["connection"]``; every migration then runs in
that one transaction, so a failed upgrade leaves the workspace as it was.
"""

from __future__ import annotations

from alembic import context

from kamcore.store import tables

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - guards against running `alembic` by hand
    raise RuntimeError("kamcore's migrations run through `kam migrate` "
                       "(kamcore.store.migrate), not through the alembic command")

context.configure(connection=connection, target_metadata=tables.metadata,
                  transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()

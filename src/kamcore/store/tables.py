"""The workspace's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

``records`` holds the current revision of every record; ``revisions`` every revision ever
saved (append-only); ``external_ids`` indexes records by the ids other systems give them;
``meta`` holds the schema version.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text

SCHEMA_VERSION = 1

metadata = MetaData()

records = Table(
    "records",
    metadata,
    Column("kind", String(32), primary_key=True),
    Column("id", String(128), primary_key=True),
    Column("account_id", String(128), nullable=True),
    Column("revision", Integer, nullable=False),
    Column("data", Text, nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("updated_by", String(200), nullable=True),
    Index("records_by_account", "kind", "account_id"),
)

revisions = Table(
    "revisions",
    metadata,
    Column("kind", String(32), primary_key=True),
    Column("id", String(128), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("data", Text, nullable=False),
    Column("saved_at", String(40), nullable=False),
    Column("saved_by", String(200), nullable=True),
)

external_ids = Table(
    "external_ids",
    metadata,
    Column("kind", String(32), primary_key=True),
    Column("system", String(64), primary_key=True),
    Column("external_id", String(200), primary_key=True),
    Column("record_id", String(128), nullable=False),
    Index("external_ids_by_record", "kind", "record_id"),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

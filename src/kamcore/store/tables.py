"""The workspace's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

``revisions`` holds every version of every record ever saved, each written once and never
changed (append-only; a removed record's end with a tombstone revision, see
:mod:`kamcore.store.removing`); ``records`` is the head of each record that exists: its kind,
id, account and *current revision* (and when and by whom it was saved), without a copy of its
data -- :data:`current` joins a head to the revision that holds its data; ``external_ids``
indexes records by the ids other systems give them;
``meta`` holds the schema version (and the server's signing key); ``derived`` keeps results
computed from an account's records until they change; ``users``, ``team_members``,
``tokens``, ``share_links`` and ``login_failures`` say who may do what (see
:mod:`kamcore.store.access`).

These definitions are the newest schema: ``Workspace.open(create=True)`` creates it directly.
A workspace made by an older kamcore is brought here by the Alembic migrations in
``kamcore/store/migrations/versions`` (``kam migrate``); revision ``000N`` leaves
``meta.schema_version`` at ``N``, and :data:`SCHEMA_VERSION` is the newest ``N``.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.types import TypeEngine

#: The schema this kamcore writes; the head of the migrations (``0006``).
SCHEMA_VERSION = 6


def key(length: int) -> TypeEngine[str]:
    """A string key: compared byte by byte on PostgreSQL too (collation "C"), so records list
    in the same order as on SQLite whatever the server's locale."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


metadata = MetaData()

records = Table(
    "records",
    metadata,
    Column("kind", key(32), primary_key=True),
    Column("id", key(128), primary_key=True),
    Column("account_id", key(128), nullable=True),
    Column("revision", Integer, nullable=False),
    # the record's data is that of its current revision (see `current`); migration 0004
    # dropped the copy this table held before
    Column("updated_at", String(40), nullable=False),
    Column("updated_by", String(200), nullable=True),
    # when the record was created (its first revision's saved_at); added by migration 0002
    Column("created_at", String(40), nullable=True),
    Index("records_by_account", "kind", "account_id"),
    sqlite_with_rowid=False,  # the primary key is the table: no second copy of (kind, id)
)

revisions = Table(
    "revisions",
    metadata,
    Column("kind", key(32), primary_key=True),
    Column("id", key(128), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("data", Text, nullable=False),
    Column("saved_at", String(40), nullable=False),
    Column("saved_by", String(200), nullable=True),
    sqlite_with_rowid=False,
)

#: Each record's head joined to its current revision: select :data:`revision_row` from it to
#: read what a record says now (one primary-key probe per record).
current = records.join(revisions, (revisions.c.kind == records.c.kind)
                       & (revisions.c.id == records.c.id)
                       & (revisions.c.revision == records.c.revision))

#: The columns of a revision that give its record (:func:`kamcore.store.stored.record_json`).
revision_row = (revisions.c.id, revisions.c.revision, revisions.c.saved_at, revisions.c.saved_by,
                revisions.c.data)

external_ids = Table(
    "external_ids",
    metadata,
    Column("kind", key(32), primary_key=True),
    Column("system", key(64), primary_key=True),
    Column("external_id", key(200), primary_key=True),
    Column("record_id", key(128), nullable=False),
    # freed by key, from the ids the record's previous version holds (no index by record)
    sqlite_with_rowid=False,
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# -- who may do what (migration 0003) ---------------------------------------------------------

users = Table(
    "users",
    metadata,
    Column("name", key(200), primary_key=True),
    Column("role", String(16), nullable=False),  # admin | member | viewer
    Column("password_hash", Text, nullable=True),  # argon2, made by the server plugin
    Column("disabled", Integer, nullable=False, default=0),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)

team_members = Table(
    "team_members",
    metadata,
    Column("account_id", key(128), primary_key=True),
    Column("user_name", key(200), primary_key=True),
    Column("added_at", String(40), nullable=False),
    Index("team_members_by_user", "user_name"),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", String(32), primary_key=True),  # random hex: no collation needed
    Column("user_name", key(200), nullable=False),
    Column("secret_hash", String(64), nullable=False, unique=True),  # sha256 hex of the secret
    Column("scope", String(8), nullable=False),  # read | write
    Column("label", String(200), nullable=True),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=True),
    Column("revoked_at", String(40), nullable=True),
)

share_links = Table(
    "share_links",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("plan_id", key(128), nullable=False),
    Column("recipient", String(200), nullable=False),
    Column("created_by", String(200), nullable=True),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Column("revoked_at", String(40), nullable=True),
    Index("share_links_by_plan", "plan_id"),
)

#: failed sign-ins, by user name, so that every server process limits attempts alike
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("at", String(40), nullable=False),
    Index("login_failures_by_name", "name", "at"),
)

#: Results computed from an account's records (a portfolio row, a plan's findings), each kept
#: with the fingerprint of everything it was computed from (migration 0005; see
#: :mod:`kamcore.store.derived`): a result whose fingerprint no longer matches is recomputed.
derived = Table(
    "derived",
    metadata,
    Column("name", key(200), primary_key=True),  # what was computed (e.g. a rubric's rows)
    Column("account_id", key(128), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("data", Text, nullable=False),
    Column("computed_at", String(40), nullable=False),
)

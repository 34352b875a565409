"""Who may do what, as stored: users, account-team memberships, API tokens and share links.

This is the storage half only: rows in, rows out. The rules (who may add users, what a
viewer may see) live in :mod:`kamcore.operations.access` and in the server plugin; passwords
arrive already hashed (argon2, by the server plugin) and token secrets as SHA-256 digests, so
nothing here can be used to recover a secret.
"""

from __future__ import annotations

import secrets
from typing import Any

import attrs
from sqlalchemy import delete, func, insert, select, update

from . import tables
from .tablestore import TableStore

#: the ``meta`` key of the key that signs share links and session cookies
SIGNING_KEY = "signing_key"


@attrs.frozen
class User:
    """A person who may sign in to the server: ``role`` is admin, member or viewer."""

    name: str
    role: str
    password_hash: str | None = attrs.field(default=None, repr=False)
    disabled: bool = False
    created_at: str = ""
    updated_at: str = ""


@attrs.frozen
class Token:
    """An API token's record (its secret is never stored, only its SHA-256 digest)."""

    id: str
    user: str
    scope: str  # read | write
    created_at: str
    label: str | None = None
    expires_at: str | None = None
    revoked_at: str | None = None


@attrs.frozen
class ShareLink:
    """A link through which ``recipient`` (a customer contact) sees one plan's customer-facing
    parts and signs off its joint objectives, until ``expires_at`` or revocation."""

    id: str
    plan_id: str
    recipient: str
    created_at: str
    expires_at: str
    created_by: str | None = None
    revoked_at: str | None = None


class AccessStore(TableStore):
    """The access tables of one workspace (``workspace.access``); writes join the workspace's
    transaction when one is open."""

    # -- users --------------------------------------------------------------------------

    def user(self, name: str) -> User | None:
        """The user called ``name`` (exactly), or None."""
        with self._read() as conn:
            row = conn.execute(select(tables.users).where(tables.users.c.name == name)).first()
        return _user(row._mapping) if row is not None else None

    def users(self) -> list[User]:
        """Every user, by name."""
        with self._read() as conn:
            rows = conn.execute(select(tables.users).order_by(tables.users.c.name)).all()
        return [_user(row._mapping) for row in rows]

    def add_user(self, user: User) -> None:
        """Insert ``user`` (the caller checked the name is free)."""
        with self._write() as conn:
            conn.execute(insert(tables.users).values(
                name=user.name, role=user.role, password_hash=user.password_hash,
                disabled=int(user.disabled), created_at=user.created_at,
                updated_at=user.updated_at))

    def update_user(self, user: User) -> None:
        """Store ``user``'s role, password hash and disabled flag."""
        with self._write() as conn:
            conn.execute(update(tables.users).where(tables.users.c.name == user.name).values(
                role=user.role, password_hash=user.password_hash, disabled=int(user.disabled),
                updated_at=user.updated_at))

    # -- account teams ------------------------------------------------------------------

    def teams_of(self, user: str) -> list[str]:
        """The ids of the accounts whose team ``user`` is on."""
        members = tables.team_members
        with self._read() as conn:
            rows = conn.execute(select(members.c.account_id).where(members.c.user_name == user)
                                .order_by(members.c.account_id)).all()
        return [row[0] for row in rows]

    def team(self, account_id: str) -> list[str]:
        """The users on ``account_id``'s team."""
        members = tables.team_members
        with self._read() as conn:
            rows = conn.execute(select(members.c.user_name)
                                .where(members.c.account_id == account_id)
                                .order_by(members.c.user_name)).all()
        return [row[0] for row in rows]

    def add_member(self, account_id: str, user: str, at: str) -> bool:
        """Put ``user`` on ``account_id``'s team; False if they were on it already."""
        if user in self.team(account_id):
            return False
        with self._write() as conn:
            conn.execute(insert(tables.team_members).values(
                account_id=account_id, user_name=user, added_at=at))
        return True

    def remove_member(self, account_id: str, user: str) -> bool:
        """Take ``user`` off ``account_id``'s team; False if they were not on it."""
        members = tables.team_members
        with self._write() as conn:
            result = conn.execute(delete(members).where(
                (members.c.account_id == account_id) & (members.c.user_name == user)))
        return bool(result.rowcount)

    # -- tokens -------------------------------------------------------------------------

    def add_token(self, token: Token, secret_hash: str) -> None:
        """Insert ``token`` with the digest of its secret."""
        with self._write() as conn:
            conn.execute(insert(tables.tokens).values(
                id=token.id, user_name=token.user, secret_hash=secret_hash, scope=token.scope,
                label=token.label, created_at=token.created_at, expires_at=token.expires_at,
                revoked_at=token.revoked_at))

    def token_by_digest(self, secret_hash: str) -> Token | None:
        """The token whose secret has this SHA-256 digest, or None."""
        with self._read() as conn:
            row = conn.execute(select(tables.tokens)
                               .where(tables.tokens.c.secret_hash == secret_hash)).first()
        return _token(row._mapping) if row is not None else None

    def token(self, token_id: str) -> Token | None:
        """The token ``token_id``, or None."""
        with self._read() as conn:
            row = conn.execute(select(tables.tokens).where(tables.tokens.c.id == token_id)).first()
        return _token(row._mapping) if row is not None else None

    def tokens(self, user: str | None = None) -> list[Token]:
        """Every token (of ``user``), oldest first."""
        query = select(tables.tokens).order_by(tables.tokens.c.created_at, tables.tokens.c.id)
        if user is not None:
            query = query.where(tables.tokens.c.user_name == user)
        with self._read() as conn:
            return [_token(row._mapping) for row in conn.execute(query).all()]

    def revoke_token(self, token_id: str, at: str) -> None:
        """Mark the token revoked at ``at``."""
        with self._write() as conn:
            conn.execute(update(tables.tokens).where(tables.tokens.c.id == token_id)
                         .values(revoked_at=at))

    # -- share links --------------------------------------------------------------------

    def add_share(self, link: ShareLink) -> None:
        """Insert ``link``."""
        with self._write() as conn:
            conn.execute(insert(tables.share_links).values(attrs.asdict(link)))

    def share(self, link_id: str) -> ShareLink | None:
        """The share link ``link_id``, or None."""
        with self._read() as conn:
            row = conn.execute(select(tables.share_links)
                               .where(tables.share_links.c.id == link_id)).first()
        return ShareLink(**row._mapping) if row is not None else None

    def shares(self, plan_id: str | None = None) -> list[ShareLink]:
        """Every share link (of ``plan_id``), oldest first."""
        links = tables.share_links
        query = select(links).order_by(links.c.created_at, links.c.id)
        if plan_id is not None:
            query = query.where(links.c.plan_id == plan_id)
        with self._read() as conn:
            return [ShareLink(**row._mapping) for row in conn.execute(query).all()]

    def revoke_share(self, link_id: str, at: str) -> None:
        """Mark the share link revoked at ``at``."""
        with self._write() as conn:
            conn.execute(update(tables.share_links).where(tables.share_links.c.id == link_id)
                         .values(revoked_at=at))

    # -- failed sign-ins -----------------------------------------------------------------

    def record_failure(self, name: str, at: str) -> None:
        """Note a failed sign-in as ``name`` at ``at``."""
        with self._write() as conn:
            conn.execute(insert(tables.login_failures).values(name=name[:200], at=at))

    def failures_since(self, name: str, since: str) -> int:
        """How many sign-ins as ``name`` failed at or after ``since``."""
        failures = tables.login_failures
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(failures).where(
                (failures.c.name == name[:200]) & (failures.c.at >= since))).scalar_one())

    def clear_failures(self, name: str) -> None:
        """Forget ``name``'s failed sign-ins (after one that succeeded)."""
        with self._write() as conn:
            conn.execute(delete(tables.login_failures)
                         .where(tables.login_failures.c.name == name[:200]))

    # -- the signing key ----------------------------------------------------------------

    def signing_key(self) -> str:
        """The workspace's secret for signing share links and session cookies, made on first
        use and kept in ``meta`` so every server process (and worker) shares it."""
        meta = tables.meta
        with self._read() as conn:
            row = conn.execute(select(meta.c.value).where(meta.c.key == SIGNING_KEY)).first()
        if row is not None:
            return str(row[0])
        with self._write() as conn:  # two processes may race here: the first insert wins
            row = conn.execute(select(meta.c.value).where(meta.c.key == SIGNING_KEY)).first()
            if row is None:
                conn.execute(insert(meta).values(key=SIGNING_KEY,
                                                 value=secrets.token_urlsafe(48)))
        with self._read() as conn:
            return str(conn.execute(select(meta.c.value).where(meta.c.key == SIGNING_KEY))
                       .scalar_one())


def _user(row: Any) -> User:
    return User(name=row["name"], role=row["role"], password_hash=row["password_hash"],
                disabled=bool(row["disabled"]), created_at=row["created_at"],
                updated_at=row["updated_at"])


def _token(row: Any) -> Token:
    return Token(id=row["id"], user=row["user_name"], scope=row["scope"], label=row["label"],
                 created_at=row["created_at"], expires_at=row["expires_at"],
                 revoked_at=row["revoked_at"])

"""Who may do what: users, account teams, API tokens and share links.

The rules every front door shares: the role names, which names are valid, that a token's
secret is shown once and stored only as a digest, that a share link is signed with the
workspace's key, expires and can be revoked. Passwords arrive hashed (the server plugin hashes
them with argon2): the core has no password library.

A presented token or link is checked by :func:`token_owner` and :func:`open_share`; they raise
:class:`AccessDenied` (never saying which part was wrong) when it is unknown, expired or
revoked, or its user is disabled.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Final

import attrs

from ..errors import InvalidInputError, KamError, NotFoundError, Problem
from ..model import Account, Plan
from ..store import Workspace
from ..store.access import ShareLink, Token, User
from .actor import Actor

__all__ = [
    "FAILURE_WINDOW", "MAX_FAILURES", "ROLES", "SCOPES", "TOKEN_PREFIX", "AccessDenied",
    "ShareLink", "Token", "TooManyAttempts", "User", "active_user", "add_team_member",
    "add_user", "create_share", "create_token", "get_user", "list_shares", "list_tokens",
    "list_users", "open_share", "remove_team_member", "revoke_share", "revoke_token",
    "set_user", "sign_in", "signing_key", "team", "teams_of", "token_owner",
]

#: admin: everything, users too; member: reads and writes the accounts whose team they are on;
#: viewer: reads everything, writes nothing.
ROLES: Final = ("admin", "member", "viewer")
SCOPES: Final = ("read", "write")
#: the prefix of every API token, so a leaked one is easy to find (and to scan for)
TOKEN_PREFIX: Final = "kam_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,199}$")


class AccessDenied(KamError):
    """A token or share link that is unknown, expired or revoked, or a disabled user."""

    exit_code = 1


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _stamp(moment: datetime) -> str:
    return moment.isoformat()


def _expiry(days: int | None, field: str) -> str | None:
    if days is None:
        return None
    if days < 1 or days > 3650:
        raise InvalidInputError(f"{field}: expires in {days} days; give 1 to 3650",
                                [Problem(f"must be 1 to 3650 days, not {days}", path=(field,))])
    return _stamp(_now() + timedelta(days=days))


def _expired(expires_at: str | None, now: datetime) -> bool:
    return expires_at is not None and datetime.fromisoformat(expires_at) <= now


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# -- users ------------------------------------------------------------------------------------


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInputError(f"role {role!r} is not one of {', '.join(ROLES)}",
                                [Problem(f"must be one of {', '.join(ROLES)}", path=("role",))])
    return role


def add_user(workspace: Workspace, actor: Actor, name: str, role: str, *,
             password_hash: str | None = None) -> User:
    """Add a user who may sign in (with a password) or use tokens.

    :raises InvalidInputError: a bad name or role, or the name is taken.
    """
    if not _NAME.match(name):
        raise InvalidInputError(
            f"user name {name!r}: use letters, digits and . _ @ + - (an email address works)",
            [Problem("letters, digits and . _ @ + -, starting with a letter or digit",
                     path=("name",))])
    _check_role(role)
    if workspace.access.user(name) is not None:
        raise InvalidInputError(f"user {name!r} exists already (kam user set changes it)",
                                [Problem("taken", path=("name",))])
    now = _stamp(_now())
    user = User(name=name, role=role, password_hash=password_hash, created_at=now,
                updated_at=now)
    workspace.access.add_user(user)
    return user


def get_user(workspace: Workspace, name: str) -> User:
    """The user ``name``.

    :raises NotFoundError: no such user (naming the users there are).
    """
    user = workspace.access.user(name)
    if user is None:
        raise NotFoundError("user", name, [u.name for u in workspace.access.users()])
    return user


def set_user(workspace: Workspace, actor: Actor, name: str, *, role: str | None = None,
             password_hash: str | None = None, disabled: bool | None = None) -> User:
    """Change a user's role, password or whether they are disabled (a disabled user's
    sessions and tokens stop working at once)."""
    user = get_user(workspace, name)
    changes: dict[str, object] = {"updated_at": _stamp(_now())}
    if role is not None:
        changes["role"] = _check_role(role)
    if password_hash is not None:
        changes["password_hash"] = password_hash
    if disabled is not None:
        changes["disabled"] = disabled
    user = attrs.evolve(user, **changes)  # type: ignore[arg-type]
    workspace.access.update_user(user)
    return user


def list_users(workspace: Workspace) -> list[User]:
    """Every user, by name."""
    return workspace.access.users()


def active_user(workspace: Workspace, name: str) -> User | None:
    """The user ``name`` if they exist and are not disabled (a session's user, read on every
    request so that disabling someone ends their sessions at once), else None."""
    user = workspace.access.user(name)
    return user if user is not None and not user.disabled else None


def teams_of(workspace: Workspace, user: str) -> list[str]:
    """The ids of the accounts whose team ``user`` is on."""
    return workspace.access.teams_of(user)


def signing_key(workspace: Workspace) -> str:
    """The workspace's key for signing share links and session cookies (made on first use)."""
    return workspace.access.signing_key()


# -- account teams ---------------------------------------------------------------------------


def add_team_member(workspace: Workspace, actor: Actor, account_id: str, user: str) -> bool:
    """Put ``user`` on the account's team (members write only their teams' accounts).

    :return: False if they were on it already.
    :raises NotFoundError: no such account or user.
    """
    workspace.get(Account, account_id)
    get_user(workspace, user)
    return workspace.access.add_member(account_id, user, _stamp(_now()))


def remove_team_member(workspace: Workspace, actor: Actor, account_id: str, user: str) -> bool:
    """Take ``user`` off the account's team; False if they were not on it."""
    return workspace.access.remove_member(account_id, user)


def team(workspace: Workspace, account_id: str) -> list[str]:
    """The users on the account's team."""
    workspace.get(Account, account_id)
    return workspace.access.team(account_id)


# -- API tokens ------------------------------------------------------------------------------


def create_token(workspace: Workspace, actor: Actor, user: str, *, scope: str = "write",
                 expires_days: int | None = None, label: str | None = None) -> tuple[Token, str]:
    """Make an API token for ``user``.

    :return: the token's record and its secret (``kam_<id>_<secret>``), which is shown this
        once: only its SHA-256 digest is stored.
    :raises InvalidInputError: a bad scope or expiry.
    """
    get_user(workspace, user)
    if scope not in SCOPES:
        raise InvalidInputError(f"scope {scope!r} is not one of {', '.join(SCOPES)}",
                                [Problem(f"must be one of {', '.join(SCOPES)}", path=("scope",))])
    token = Token(id=secrets.token_hex(6), user=user, scope=scope, label=label,
                  created_at=_stamp(_now()), expires_at=_expiry(expires_days, "expires"))
    secret = f"{TOKEN_PREFIX}{token.id}_{secrets.token_urlsafe(32)}"
    workspace.access.add_token(token, _digest(secret))
    return token, secret


def revoke_token(workspace: Workspace, actor: Actor, token_id: str) -> Token:
    """Revoke a token at once (it stays listed, as revoked).

    :raises NotFoundError: no such token.
    """
    token = workspace.access.token(token_id)
    if token is None:
        raise NotFoundError("token", token_id, [t.id for t in workspace.access.tokens()])
    if token.revoked_at is None:
        workspace.access.revoke_token(token_id, _stamp(_now()))
    found = workspace.access.token(token_id)
    assert found is not None
    return found


def list_tokens(workspace: Workspace, user: str | None = None) -> list[Token]:
    """Every token (of ``user``), revoked and expired ones too."""
    return workspace.access.tokens(user)


def token_owner(workspace: Workspace, presented: str) -> tuple[User, Token]:
    """The user a presented token belongs to, and the token.

    :raises AccessDenied: unknown, expired or revoked token, or a disabled user.
    """
    token = workspace.access.token_by_digest(_digest(presented))
    now = _now()
    if token is None or token.revoked_at is not None or _expired(token.expires_at, now):
        raise AccessDenied("the token is unknown, expired or revoked")
    user = workspace.access.user(token.user)
    if user is None or user.disabled:
        raise AccessDenied("the token's user is disabled")
    return user, token


# -- share links -----------------------------------------------------------------------------


def _signature(workspace: Workspace, link_id: str) -> str:
    key = workspace.access.signing_key().encode()
    return hmac.new(key, f"share:{link_id}".encode(), hashlib.sha256).hexdigest()[:32]


def create_share(workspace: Workspace, actor: Actor, plan_id: str, recipient: str, *,
                 expires_days: int = 30) -> tuple[ShareLink, str]:
    """A share link of a plan for a named customer contact.

    :return: the link's record and its token (``<id>.<signature>``, the last part of the URL
        ``/share/<token>``).
    :raises NotFoundError: no such plan.
    :raises InvalidInputError: an empty recipient or a bad expiry.
    """
    workspace.get(Plan, plan_id)
    recipient = recipient.strip()
    if not recipient:
        raise InvalidInputError("the recipient is empty: give the customer contact's name or "
                                "email", [Problem("must not be empty", path=("to",))])
    expires_at = _expiry(expires_days, "expires")
    assert expires_at is not None
    link = ShareLink(id=secrets.token_hex(8), plan_id=plan_id, recipient=recipient,
                     created_by=actor.name, created_at=_stamp(_now()), expires_at=expires_at)
    workspace.access.add_share(link)
    return link, f"{link.id}.{_signature(workspace, link.id)}"


def open_share(workspace: Workspace, presented: str) -> ShareLink:
    """The share link a presented token stands for.

    :raises AccessDenied: a bad signature, or an unknown, expired or revoked link.
    """
    link_id, _, signature = presented.partition(".")
    if not hmac.compare_digest(signature.encode(), _signature(workspace, link_id).encode()):
        raise AccessDenied("the share link is not valid")
    link = workspace.access.share(link_id)
    if link is None or link.revoked_at is not None or _expired(link.expires_at, _now()):
        raise AccessDenied("the share link has expired or was revoked")
    return link


def revoke_share(workspace: Workspace, actor: Actor, link_id: str) -> ShareLink:
    """Revoke a share link at once.

    :raises NotFoundError: no such link.
    """
    link = workspace.access.share(link_id)
    if link is None:
        raise NotFoundError("share link", link_id, [s.id for s in workspace.access.shares()])
    if link.revoked_at is None:
        workspace.access.revoke_share(link_id, _stamp(_now()))
    found = workspace.access.share(link_id)
    assert found is not None
    return found


def list_shares(workspace: Workspace, plan_id: str | None = None) -> list[ShareLink]:
    """Every share link (of ``plan_id``)."""
    return workspace.access.shares(plan_id)


# -- signing in ------------------------------------------------------------------------------

#: at most this many failed sign-ins per user name within :data:`FAILURE_WINDOW`
MAX_FAILURES: Final = 5
FAILURE_WINDOW: Final = timedelta(minutes=15)


class TooManyAttempts(AccessDenied):
    """Too many failed sign-ins as one user recently; ``retry_after`` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after // 60 + 1} "
                         "minutes")
        self.retry_after = retry_after


def sign_in(workspace: Workspace, name: str, password: str,
            verify: Callable[[str, str], bool]) -> User:
    """The user ``name`` if ``password`` is theirs (``verify(password, stored_hash)``).

    Failures are counted per name in the workspace (so every server process sees them): after
    :data:`MAX_FAILURES` within :data:`FAILURE_WINDOW`, further attempts are refused
    (:class:`TooManyAttempts`) until the window has passed, even with the right password.

    :raises AccessDenied: wrong name or password, or a disabled user (one message for all).
    """
    now = _now()
    if workspace.access.failures_since(name, _stamp(now - FAILURE_WINDOW)) >= MAX_FAILURES:
        raise TooManyAttempts(int(FAILURE_WINDOW.total_seconds()))
    user = workspace.access.user(name)
    if user is None or user.disabled or not user.password_hash \
            or not verify(password, user.password_hash):
        workspace.access.record_failure(name, _stamp(now))
        raise AccessDenied("wrong user name or password")
    workspace.access.clear_failures(name)
    return user

"""Who is asking: the signed-in user, a token's owner, a customer's share link, or no one.

:func:`resolve` reads the request's ``Authorization: Bearer`` header or session cookie (share
links are resolved by their own routes, from the URL). The rules of :mod:`.rules` then say what
that principal may do.
"""

from __future__ import annotations

from typing import Literal

import attrs

from kamcore.operations import access
from kamcore.operations.access import ShareLink, User
from kamcore.store import Workspace

Kind = Literal["anonymous", "session", "token", "share"]


@attrs.frozen
class Principal:
    """The caller of one request.

    ``scope`` is ``write`` for a session and a write token, ``read`` for a read token;
    ``teams`` the accounts a member works on; ``link`` the share link of a customer.
    """

    kind: Kind
    user: User | None = None
    scope: str = "read"
    teams: frozenset[str] = frozenset()
    link: ShareLink | None = None

    @property
    def name(self) -> str | None:
        """Who is recorded in the history for this caller's changes."""
        if self.link is not None:
            return f"{self.link.recipient} (customer, share link {self.link.id})"
        return self.user.name if self.user is not None else None

    @property
    def role(self) -> str | None:
        """admin, member or viewer; None for a customer or no one."""
        return self.user.role if self.user is not None else None


ANONYMOUS = Principal("anonymous")


def for_user(workspace: Workspace, user: User, kind: Kind, scope: str) -> Principal:
    """The principal of a signed-in user or a token's owner."""
    teams = frozenset(access.teams_of(workspace, user.name) if user.role == "member" else ())
    return Principal(kind, user=user, scope=scope, teams=teams)


def from_token(workspace: Workspace, presented: str) -> Principal:
    """The principal of a bearer token; :class:`access.AccessDenied` if it is not usable."""
    user, token = access.token_owner(workspace, presented)
    return for_user(workspace, user, "token", token.scope)


def from_share(workspace: Workspace, presented: str) -> Principal:
    """The principal of a customer's share link; :class:`access.AccessDenied` if not usable."""
    return Principal("share", scope="share", link=access.open_share(workspace, presented))

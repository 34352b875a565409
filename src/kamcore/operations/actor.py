"""Who makes a change."""

from __future__ import annotations

import attrs


@attrs.frozen
class Actor:
    """The person (or system) on whose behalf an operation runs.

    ``name`` is recorded with every revision the operation saves (``updated_by`` and the
    history's ``saved_by``); None records no one. The CLI's actor is ``--user``, ``$KAM_USER``
    or the login name; the HTTP server's is the signed-in user or the token's owner.
    """

    name: str | None = None

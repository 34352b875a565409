"""kamcore plugin ``server``: the workspace shared over HTTP.

Adds ``kam serve`` (a FastAPI application under uvicorn: the JSON API under ``/api/v1`` and the
customer's share-link pages), ``kam user``, ``kam team``, ``kam token`` and ``kam share``, all
through the ``kam_commands`` hook. Every write goes through :mod:`kamcore.operations`, as the CLI's
do. This module imports nothing heavy: FastAPI and uvicorn are imported when a command runs.
"""

from __future__ import annotations

from typing import Any

from kamcore import hookimpl


@hookimpl
def kam_commands() -> list[Any]:
    """``kam serve``, ``kam user``, ``kam team``, ``kam token`` and ``kam share``."""
    from .commands import serve, share, team, token, user

    return [serve, user, team, token, share]

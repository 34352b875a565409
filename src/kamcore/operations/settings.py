"""Workspace settings: text values by dotted key that plugins read, shared by everyone who
uses the workspace (e.g. ``llm.allowed_models``: which language models may receive customer
data). Settings keep no history: the current value is all there is."""

from __future__ import annotations

import re

from ..errors import InvalidInputError
from ..store import Workspace

#: A setting's key: dotted lower-case names, the first naming the plugin (``llm.model``).
KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
#: The longest value a setting holds.
MAX_VALUE = 2000


def settings(workspace: Workspace) -> dict[str, str]:
    """Every setting of the workspace, by key."""
    return workspace.settings()


def set_setting(workspace: Workspace, key: str, value: str | None) -> None:
    """Set ``key`` to ``value`` (None: remove it, so the plugin's default applies).

    :raises InvalidInputError: the key is not dotted lower-case names, or the value is longer
        than :data:`MAX_VALUE` characters or holds a line break.
    """
    if not KEY.match(key):
        raise InvalidInputError(f"setting {key!r}: a key is dotted lower-case names, the first "
                                "naming the plugin it is for (e.g. llm.allowed_models)")
    if value is not None and (len(value) > MAX_VALUE or "\n" in value or "\r" in value):
        raise InvalidInputError(f"setting {key!r}: a value is one line of at most {MAX_VALUE} "
                                "characters")
    workspace.set_setting(key, value)

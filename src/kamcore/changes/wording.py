"""The words of a change: :class:`PlainChange` and how values, moves and sign-offs read.

Pure formatting shared by the comparisons of :mod:`kamcore.changes`; nothing here compares.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

#: A value that is absent (a key one side does not have), as opposed to a None value.
MISSING: Any = object()


@attrs.frozen
class PlainChange:
    """One change in plain words.

    ``kind`` is a stable kebab-case code (listed in :mod:`kamcore.changes`); ``subject`` the id
    of what changed (stakeholder, item, rubric) when there is one; ``path`` where it is in the
    plan, for plan changes.
    """

    kind: str
    text: str
    subject: str | None = None
    path: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return attrs.asdict(self)


def number(value: Any) -> str:
    """A number rounded to two decimals (``3``, ``2.5``); anything else as it is, None as
    ``none``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "none" if value is None else str(value)
    return f"{round(float(value), 2):g}"


def signed_number(value: Any) -> str:
    """An integer with its sign (``+2``, ``-1``, ``0``); None as ``unknown``."""
    if not isinstance(value, int) or isinstance(value, bool):
        return "unknown" if value is None else str(value)
    return f"{value:+d}" if value else "0"


def text_of(value: Any) -> str:
    """A field value: strings quoted, lists and mappings spelt out, numbers as :func:`number`,
    None or :data:`MISSING` as ``none``."""
    if value is None or value is MISSING:
        return "none"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, (list, tuple)):
        return ", ".join(text_of(v) for v in value) or "none"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {text_of(v)}" for k, v in value.items()) + "}"
    return number(value)


def bare(value: Any) -> str:
    """A value as it is, unquoted; None or :data:`MISSING` as ``none``."""
    return "none" if value is None or value is MISSING else str(value)


def movement(old: Any, new: Any, signed: bool = False) -> str:
    """``moved up from 2 to 4`` (``down`` likewise; no direction unless both are integers);
    ``signed`` shows the values with their sign."""
    show = signed_number if signed else number
    if isinstance(old, int) and isinstance(new, int):
        direction = "up" if new > old else "down"
        return f"moved {direction} from {show(old)} to {show(new)}"
    return f"moved from {show(old)} to {show(new)}"


def signoff_text(signoff: Any) -> str:
    """``signed off by NAME (TITLE) on DATE`` for a sign-off mapping, else ``not signed off``."""
    if not isinstance(signoff, Mapping):
        return "not signed off"
    who = str(signoff.get("name") or "the customer")
    if signoff.get("title"):
        who += f" ({signoff['title']})"
    when = f" on {signoff['date']}" if signoff.get("date") else ""
    return f"signed off by {who}{when}"

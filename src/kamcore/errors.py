"""The exceptions kamcore raises on purpose.

Every error a user can cause by what they type or feed in derives from :class:`KamError`;
the CLI turns it into a clear message and exit code 2, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import attrs


@attrs.frozen
class Problem:
    """One precise complaint about an input: where it is and what is wrong.

    ``source`` is a file name (or another label such as ``"<stdin>"``), ``path`` the field path
    inside the document (``("sections", 2, "schema")``), ``line`` the 1-based line when known.
    """

    message: str
    source: str | None = None
    path: tuple[str | int, ...] = ()
    line: int | None = None
    column: int | None = None

    def location(self) -> str:
        """``file:line:column`` followed by ``at a.b[2]``, leaving out what is unknown."""
        parts = []
        if self.source:
            where = self.source
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            parts.append(where)
        if self.path:
            parts.append(f"at {format_path(self.path)}")
        return " ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


def format_path(path: Sequence[str | int]) -> str:
    """Render a field path as ``sections.goals[0].owner`` (``$`` for the root)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "$"


class KamError(Exception):
    """Base class of errors caused by input or usage; the CLI exits with code 2 on these."""

    exit_code = 2


class InvalidInputError(KamError):
    """A document, record or value failed validation; ``problems`` lists every failure."""

    def __init__(self, summary: str, problems: Iterable[Problem] = ()) -> None:
        self.summary = summary
        self.problems = tuple(problems)
        super().__init__(self.__str__())

    def __str__(self) -> str:
        lines = [self.summary]
        lines.extend(f"  {problem}" for problem in self.problems)
        return "\n".join(lines)


class NotFoundError(KamError):
    """A name or id was looked up and does not exist; the message suggests the closest names
    (``did you mean ...?``) and lists what does exist.

    :param available: the names listed (all of them, or the first few of many).
    :param candidates: the names to suggest from, when there are more than ``available``
        lists (default: ``available``).
    :param reason: why ``name`` is missing when that is known (it exists but failed to load):
        said instead of the suggestions.
    """

    def __init__(self, kind: str, name: str, available: Iterable[str] = (),
                 candidates: Iterable[str] | None = None, *, reason: str | None = None) -> None:
        self.kind = kind
        self.name = name
        self.available = sorted(available)
        pool = self.available if candidates is None else sorted(candidates)
        self.suggestions = close_matches(name, pool)
        guess = f"did you mean {_either(self.suggestions)}? " if self.suggestions else ""
        known = ", ".join(self.available) if self.available else "none"
        if reason is not None:
            super().__init__(f"no {kind} named {name!r}: {reason}\n(available: {known})")
            return
        super().__init__(f"no {kind} named {name!r}; {guess}available: {known}")


def _either(names: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def close_matches(name: str, names: Sequence[str], most: int = 3) -> list[str]:
    """The names in ``names`` closest to ``name`` (a typo away, case aside), best first."""
    import difflib

    by_folded: dict[str, str] = {}
    for known in names:
        by_folded.setdefault(known.casefold(), known)
    found = difflib.get_close_matches(name.casefold(), list(by_folded), n=most, cutoff=0.75)
    return [by_folded[folded] for folded in found]


class ConflictError(KamError):
    """A save was based on a revision that is no longer current; nothing was written.

    ``changed_by`` and ``changed_at`` say who saved (or removed) the record last, and when,
    when the store knows. Exit code 1: the input was fine, the record moved on.
    """

    exit_code = 1

    def __init__(self, kind: str, record_id: str, base: int, current: int | None, *,
                 changed_by: str | None = None, changed_at: datetime | None = None) -> None:
        self.kind = kind
        self.record_id = record_id
        self.base_revision = base
        self.current_revision = current
        self.changed_by = changed_by
        self.changed_at = changed_at
        if current is None:
            detail = "it does not exist"
        elif base == 0:
            detail = f"it already exists at revision {current}"
        else:
            detail = f"it is now at revision {current}"
        if changed_at:
            verb = "removed" if current is None else "changed"
            at = changed_at.astimezone(UTC) if changed_at.tzinfo else changed_at
            detail += (f" ({verb} by {changed_by or 'someone unnamed'} at "
                       f"{at:%Y-%m-%d %H:%M:%S} UTC)")
        super().__init__(
            f"{kind} {record_id!r}: save based on revision {base} refused, {detail}; "
            "reload it and apply your change again"
        )


class PluginError(KamError):
    """A plugin failed to load or misbehaved while strict plugin mode is on."""


class WorkspaceError(KamError):
    """The workspace cannot be opened or used (bad URL, newer schema, unreadable file)."""

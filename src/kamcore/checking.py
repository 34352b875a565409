"""Helpers for a plugin's ``kam_check_plan``: build a finding, see whether a section exists.

Importing this module costs nothing at plugin load time: :class:`~kamcore.model.Finding` (and
with it pydantic) is imported when :func:`finding` first runs, so a plugin may import these
helpers at module level while keeping its record-model imports for type hints only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .errors import format_path

if TYPE_CHECKING:
    from .methodology import Methodology
    from .model import Finding, Severity


def finding(source: str, code: str, message: str, path: Iterable[str | int] | None = None,
            subject: str | None = None, *, severity: Severity = "warning") -> Finding:
    """A finding raised by plugin ``source``, a ``warning`` unless ``severity`` says otherwise.

    :param code: the stable kebab-case code tools match on (``objective-without-signoff``).
    :param path: the parts of the path into the plan (``("sections", "goals", 0, "owner")``),
        rendered as ``sections.goals[0].owner``; None for a finding about the plan as a whole.
    :param subject: the id of the record concerned, if any.
    :raises pydantic.ValidationError: for a code that is not kebab-case or an empty message.
    """
    from .model import Finding

    return Finding(
        severity=severity, code=code, message=message, source=source, subject=subject,
        path=format_path(tuple(path)) if path is not None else None,
    )


def has_section(methodology: Methodology, key: str) -> bool:
    """True if ``methodology`` has the section ``key``.

    A check on a section of your methodology should stop when this is False: a variant that
    extends yours may drop or rename the section, and so opts out of the checks on it.
    """
    return any(section.key == key for section in methodology.sections)

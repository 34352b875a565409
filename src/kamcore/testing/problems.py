"""Finding the problem a refusal reports at a field path, for plugin tests."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import Problem


def message_at(problems: Iterable[Problem], path: tuple[str | int, ...]) -> str | None:
    """The message of the problem at ``path``; for an unknown key (the last part of ``path``)
    also accept a problem at the object holding it that names the key. None if there is none."""
    for problem in problems:
        if problem.path == path:
            return problem.message
        if path and problem.path == path[:-1] and repr(path[-1]) in problem.message:
            return problem.message
    return None

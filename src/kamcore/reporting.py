"""Reporting lines on the stakeholder map: who reports to whom, and the cycles refused.

``reports_to`` relationships form a forest: following them from anyone never comes back to
the same person. ``dotted_line`` (a matrix, secondary line) and the other kinds may form
cycles; they are not followed here.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Relationship


def reporting_cycle(relationships: Iterable[Relationship], source_id: str,
                    target_id: str) -> list[str] | None:
    """The cycle that a new ``source reports_to target`` line would close, as ids from
    ``source`` back to ``source`` (``[a, b, c, a]``), or None when it closes none.

    :param relationships: the account's relationships now (other kinds are ignored).
    """
    managers: dict[str, list[str]] = {}
    for rel in relationships:
        if rel.type == "reports_to":
            managers.setdefault(rel.source_id, []).append(rel.target_id)
    path, seen = [target_id], {target_id}
    return _climb(managers, path, seen, source_id)


def _climb(managers: dict[str, list[str]], path: list[str], seen: set[str],
           source_id: str) -> list[str] | None:
    """Depth-first up the reporting lines from ``path[-1]``: the path on to ``source_id``."""
    here = path[-1]
    if here == source_id:
        return [source_id, *path]
    for manager in managers.get(here, ()):
        if manager in seen:
            continue
        seen.add(manager)
        found = _climb(managers, [*path, manager], seen, source_id)
        if found is not None:
            return found
    return None

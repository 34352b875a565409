"""What changed between two revisions of a record, field by field.

Lists whose items are objects with an ``id`` are matched by id (so reordering is not a change
and a change is named by the item's id: ``sections.actions[a-7].status``); other lists are
compared position by position.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

import attrs

IGNORED_FIELDS = frozenset({"revision", "created_at", "updated_at", "updated_by"})


@attrs.frozen
class Change:
    """One difference: the field ``path``, what happened, and the values before and after."""

    path: str
    op: Literal["added", "removed", "changed"]
    old: Any = None
    new: Any = None

    def describe(self) -> str:
        """The change in plain words."""
        if self.op == "added":
            return f"{self.path}: added {_show(self.new)}"
        if self.op == "removed":
            return f"{self.path}: removed {_show(self.old)}"
        return f"{self.path}: {_show(self.old)} -> {_show(self.new)}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return attrs.asdict(self)


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    """Items by id, when every item is an object with a distinct id."""
    if not items or not all(isinstance(i, Mapping) and "id" in i for i in items):
        return None
    keyed = {str(item["id"]): item for item in items}
    return keyed if len(keyed) == len(items) else None


def diff_values(old: Any, new: Any, path: str = "") -> list[Change]:
    """Every change from ``old`` to ``new`` (JSON-like values)."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        changes: list[Change] = []
        for key in sorted(set(old) | set(new)):
            if not path and key in IGNORED_FIELDS:
                continue
            sub = _join(path, str(key))
            if key not in old:
                changes.append(Change(sub, "added", new=new[key]))
            elif key not in new:
                changes.append(Change(sub, "removed", old=old[key]))
            else:
                changes.extend(diff_values(old[key], new[key], sub))
        return changes
    if isinstance(old, list) and isinstance(new, list):
        old_keyed, new_keyed = _keyed(old), _keyed(new)
        if old_keyed is not None and new_keyed is not None:
            changes = []
            for key in [*old_keyed, *(k for k in new_keyed if k not in old_keyed)]:
                sub = f"{path}[{key}]"
                if key not in new_keyed:
                    changes.append(Change(sub, "removed", old=old_keyed[key]))
                elif key not in old_keyed:
                    changes.append(Change(sub, "added", new=new_keyed[key]))
                else:
                    changes.extend(diff_values(old_keyed[key], new_keyed[key], sub))
            return changes
        changes = []
        for index in range(max(len(old), len(new))):
            sub = f"{path}[{index}]"
            if index >= len(new):
                changes.append(Change(sub, "removed", old=old[index]))
            elif index >= len(old):
                changes.append(Change(sub, "added", new=new[index]))
            else:
                changes.extend(diff_values(old[index], new[index], sub))
        return changes
    if old != new or type(old) is not type(new):
        return [Change(path or "$", "changed", old=old, new=new)]
    return []

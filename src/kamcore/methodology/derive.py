"""``extends:`` -- derive a methodology document from an installed one.

A derived document names its base with ``extends`` and, instead of full ``steps`` and
``sections`` lists, says what changes. The changes are applied in this order, for sections and
then for steps: ``drop``, ``rename``, ``update``, ``tighten`` (sections only), ``add`` (with
``after``/``before``), ``order`` (a complete new order). Renaming or dropping a section also
renames or drops it in every step's ``sections`` and in the top level of every gate schema
(``required`` and ``properties``). ``roles`` replaces the base's list, ``cadence`` kinds and
``settings`` keys override the base's one by one. The base's ``example`` is carried over with
renamed and dropped sections and steps, unless the derived document gives its own.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from ..documents import Document
from ..errors import Problem

Path = tuple[str | int, ...]
Report = Callable[[Path, str], None]


def _keys(items: list[dict[str, Any]]) -> list[str]:
    return [item["key"] for item in items]


def _known(items: list[dict[str, Any]]) -> str:
    return ", ".join(_keys(items)) or "none"


def _find(items: list[dict[str, Any]], key: str) -> dict[str, Any] | None:
    return next((item for item in items if item["key"] == key), None)


def _apply_changes(items: list[dict[str, Any]], changes: Mapping[str, Any], where: str,
                   report: Report) -> dict[str, str | None]:
    """Apply drop/rename/update/tighten/add/order to ``items`` in place.

    Returns the key changes made (old -> new, or old -> None when dropped).
    """
    moved: dict[str, str | None] = {}
    kind = where[:-1]
    for index, key in enumerate(changes.get("drop", [])):
        item = _find(items, key)
        if item is None:
            report((where, "drop", index), f"no {kind} {key!r} to drop; there are: {_known(items)}")
            continue
        items.remove(item)
        moved[key] = None
    for old, new in changes.get("rename", {}).items():
        item = _find(items, old)
        if item is None:
            report((where, "rename", old),
                   f"no {kind} {old!r} to rename; there are: {_known(items)}")
        elif _find(items, new) is not None:
            report((where, "rename", old), f"cannot rename {old!r} to {new!r}: {new!r} exists")
        else:
            item["key"] = new
            moved[old] = new
    for key, fields in changes.get("update", {}).items():
        item = _find(items, key)
        if item is None:
            report((where, "update", key),
                   f"no {kind} {key!r} to update; there are: {_known(items)}")
            continue
        for field, value in fields.items():
            if value is None:
                item.pop(field, None)
            else:
                item[field] = copy.deepcopy(value)
    for key, extra in changes.get("tighten", {}).items():
        item = _find(items, key)
        if item is None:
            report((where, "tighten", key),
                   f"no {kind} {key!r} to tighten; there are: {_known(items)}")
            continue
        base = item["schema"]
        # keep the base at the root so its `$defs` and `#/...` references still resolve
        item["schema"] = {**base, "allOf": [*base.get("allOf", []), copy.deepcopy(extra)]}
    for index, added in enumerate(changes.get("add", [])):
        added = copy.deepcopy(dict(added))
        after, before = added.pop("after", None), added.pop("before", None)
        if _find(items, added["key"]) is not None:
            report((where, "add", index, "key"), f"{kind} {added['key']!r} exists already")
            continue
        anchor = after or before
        if anchor is None:
            items.append(added)
            continue
        target = _find(items, anchor)
        if target is None:
            report((where, "add", index, "after" if after else "before"),
                   f"no {kind} {anchor!r} to place it next to; there are: {_known(items)}")
            continue
        items.insert(items.index(target) + (1 if after else 0), added)
    if "order" in changes:
        order = list(changes["order"])
        missing = [key for key in _keys(items) if key not in order]
        unknown = [key for key in order if _find(items, key) is None]
        if missing or unknown:
            detail = []
            if missing:
                detail.append(f"missing {', '.join(missing)}")
            if unknown:
                detail.append(f"unknown {', '.join(unknown)}")
            report((where, "order"), f"order must list every {kind} once ({'; '.join(detail)})")
        else:
            items.sort(key=lambda item: order.index(item["key"]))
    return moved


def _rekey_gate(schema: dict[str, Any], moved: Mapping[str, str | None]) -> None:
    """Rename or drop moved section keys at the top level of a gate schema."""
    if isinstance(schema.get("required"), list):
        schema["required"] = [moved.get(k, k) for k in schema["required"] if moved.get(k, k)]
    if isinstance(schema.get("properties"), dict):
        schema["properties"] = {
            moved.get(k, k): v for k, v in schema["properties"].items() if moved.get(k, k)
        }


def derive_document(base: Mapping[str, Any], doc: Document) -> tuple[dict[str, Any], list[Problem]]:
    """The full document that ``doc`` (which has ``extends``) describes, and what was wrong."""
    problems: list[Problem] = []

    def report(path: Path, message: str) -> None:
        problems.append(doc.problem(path, message))

    data = doc.data
    result: dict[str, Any] = copy.deepcopy(dict(base))
    result.pop("aliases", None)  # a variant is not known by its base's other names
    for field in ("name", "version", "title", "description", "roles", "aliases"):
        if field in data:
            result[field] = copy.deepcopy(data[field])
    result.pop("extends", None)
    result["cadence"] = {**result.get("cadence", {}), **copy.deepcopy(data.get("cadence", {}))}
    result["settings"] = {**result.get("settings", {}), **copy.deepcopy(data.get("settings", {}))}

    sections: list[dict[str, Any]] = result["sections"]
    steps: list[dict[str, Any]] = result["steps"]
    moved = _apply_changes(sections, data.get("sections", {}), "sections", report)
    if moved:
        for step in steps:
            if "sections" in step:
                step["sections"] = [moved.get(k, k) for k in step["sections"] if moved.get(k, k)]
            if "gate" in step:
                _rekey_gate(step["gate"]["schema"], moved)
    moved_steps = _apply_changes(steps, data.get("steps", {}), "steps", report)
    if "example" in data:
        result["example"] = copy.deepcopy(data["example"])
    elif "example" in result:
        _carry_example(result["example"], moved, moved_steps)
    return result, problems


def _carry_example(example: dict[str, Any], sections: Mapping[str, str | None],
                   steps: Mapping[str, str | None]) -> None:
    """Keep the base's example in step with renamed and dropped sections and steps."""
    example["sections"] = {sections.get(k, k): v for k, v in example["sections"].items()
                           if sections.get(k, k)}
    if "step" in example and example["step"] in steps:
        new_step = steps[example["step"]]
        if new_step is None:
            del example["step"]
        else:
            example["step"] = new_step

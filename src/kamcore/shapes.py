"""Finding the common section shapes in a plan's free section data.

A plan's sections are methodology-specific JSON. Many methodologies still hold the same kinds
of lists in them -- joint objectives with the customer's sign-off, actions with an owner and a
due date, whitespace cells, stakeholder-map entries, risks -- under names of their own
(``joint_objectives.objectives``, ``value_plan.initiatives``, ``gap_actions``, ``actions``).
This module finds them generically, so plan changes and staleness checks work for every
methodology without naming its sections:

1. a list whose item schema references a core shape (``$ref: urn:kamcore:shape:action``,
   also inside ``allOf``/``anyOf``/``oneOf``) has that shape;
2. otherwise the items' keys decide, first match wins:

   - ``whitespace_cell``: an item has ``business_unit``, ``product_line`` and ``state``;
   - ``objective``: an item has ``customer_signoff``;
   - ``stakeholder_entry``: an item has ``stakeholder_id`` or ``name``, and ``influence`` or
     ``support``;
   - ``risk``: an item has ``likelihood`` and ``impact``;
   - ``action``: an item has ``title`` and ``status``, ``owner`` or ``customer_owner``.

Only lists reached through object keys are considered (``sections.a.b``), not lists nested in
list items. Data of an unexpected type is skipped: the built-in checks report schema errors.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import attrs

if TYPE_CHECKING:
    from .methodology import Methodology
    from .model import Plan

ShapeName = Literal["objective", "action", "whitespace_cell", "stakeholder_entry", "risk"]
Path = tuple[str, ...]

SHAPE_URI_PREFIX = "urn:kamcore:shape:"
_SCHEMA_SHAPES: dict[str, ShapeName] = {
    "objective": "objective", "action": "action", "whitespace_cell": "whitespace_cell",
    "risk": "risk",
}
#: What each shape is called in messages.
SHAPE_WORDS: dict[str, str] = {
    "objective": "objective", "action": "action", "whitespace_cell": "whitespace",
    "stakeholder_entry": "stakeholder map", "risk": "risk",
}


@attrs.frozen
class ShapedItem:
    """One item of a recognised list: its shape, the list's path, its index and its data."""

    shape: ShapeName
    path: Path
    index: int
    item: Mapping[str, Any]

    @property
    def location(self) -> str:
        """The item's path in the plan: ``sections.actions[2]``."""
        return f"{'.'.join(self.path)}[{self.index}]"


def _shape_ref(node: Any) -> ShapeName | None:
    if not isinstance(node, Mapping):
        return None
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(SHAPE_URI_PREFIX):
        return _SCHEMA_SHAPES.get(ref[len(SHAPE_URI_PREFIX):])
    for combinator in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(combinator) or ():
            found = _shape_ref(sub)
            if found is not None:
                return found
    return None


def _schema_hints(schema: Any, path: Path, hints: dict[Path, ShapeName]) -> None:
    if not isinstance(schema, Mapping):
        return
    shape = _shape_ref(schema.get("items"))
    if shape is not None:
        hints[path] = shape
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        for key, sub in properties.items():
            _schema_hints(sub, (*path, str(key)), hints)
    for combinator in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(combinator) or ():
            _schema_hints(sub, path, hints)


def schema_hints(methodology: Methodology | None) -> dict[Path, ShapeName]:
    """List paths (``("sections", "value_plan", "initiatives")``) whose item schema references
    a core shape, from the methodology's section schemas."""
    hints: dict[Path, ShapeName] = {}
    for section in methodology.sections if methodology is not None else ():
        _schema_hints(section.schema.schema, ("sections", section.key), hints)
    return hints


def _has(item: Mapping[str, Any], *keys: str) -> bool:
    return all(key in item for key in keys)


def classify(items: Sequence[Any], hint: ShapeName | None = None) -> ShapeName | None:
    """The shape of a list's items (``hint`` wins), or None when it is none of the known ones."""
    if hint is not None:
        return hint
    maps = [item for item in items if isinstance(item, Mapping)]
    if any(_has(i, "business_unit", "product_line", "state") for i in maps):
        return "whitespace_cell"
    if any("customer_signoff" in i for i in maps):
        return "objective"
    if any(("stakeholder_id" in i or "name" in i) and ("influence" in i or "support" in i)
           for i in maps):
        return "stakeholder_entry"
    if any(_has(i, "likelihood", "impact") for i in maps):
        return "risk"
    if any("title" in i and ("status" in i or "owner" in i or "customer_owner" in i)
           for i in maps):
        return "action"
    return None


def lists_in(data: Any, path: Path = ()) -> Iterator[tuple[Path, list[Any]]]:
    """``(path, list)`` for every list of objects reached through object keys only."""
    if isinstance(data, list):
        if data and all(isinstance(item, Mapping) for item in data):
            yield path, data
        return
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from lists_in(value, (*path, str(key)))


def shaped_items(plan: Plan, methodology: Methodology | None,
                 shapes: frozenset[str] | None = None) -> Iterator[ShapedItem]:
    """Every item of every recognised list in ``plan.sections`` (only ``shapes`` if given)."""
    hints = schema_hints(methodology)
    for path, items in lists_in(plan.sections, ("sections",)):
        shape = classify(items, hints.get(path))
        if shape is None or (shapes is not None and shape not in shapes):
            continue
        for index, item in enumerate(items):
            yield ShapedItem(shape, path, index, item)


def item_key(shape: ShapeName, item: Mapping[str, Any], index: int) -> str:
    """What identifies an item across revisions: its ``id``, else the natural key of its shape
    (business unit and product line; stakeholder id or name), else its title, else position."""
    if isinstance(item.get("id"), (str, int)):
        return f"id:{item['id']}"
    if shape == "whitespace_cell" and _has(item, "business_unit", "product_line"):
        return f"cell:{item['business_unit']}\x1f{item['product_line']}"
    if shape == "stakeholder_entry":
        if isinstance(item.get("stakeholder_id"), str):
            return f"stakeholder:{item['stakeholder_id']}"
        if isinstance(item.get("name"), str):
            return f"name:{item['name']}"
    if isinstance(item.get("title"), str):
        return f"title:{item['title']}"
    return f"index:{index}"


def keyed_items(shape: ShapeName, items: Sequence[Any]) -> dict[str, tuple[int, Mapping[str, Any]]]:
    """The mapping items of a list by :func:`item_key` (a repeated key gets ``#2``, ``#3``...)."""
    keyed: dict[str, tuple[int, Mapping[str, Any]]] = {}
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            continue
        key = base = item_key(shape, item, index)
        count = 1
        while key in keyed:
            count += 1
            key = f"{base}#{count}"
        keyed[key] = (index, item)
    return keyed


def action_open(item: Mapping[str, Any]) -> bool:
    """True unless the action's ``status`` is ``done`` or ``cancelled`` (no status: open)."""
    from .model.plan import CLOSED_ACTION_STATES

    return item.get("status", "open") not in CLOSED_ACTION_STATES


def due_date(item: Mapping[str, Any]) -> date | None:
    """The item's ``due`` date, or None when missing or not an ISO date."""
    value = item.get("due")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None

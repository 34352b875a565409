"""Recognising the common section shapes in a plan's free section data, whatever the methodology.

A plan's sections are methodology-specific JSON. Many methodologies still hold the same kinds
of lists in them -- whitespace cells, joint objectives with the customer's sign-off, actions
with an owner and a due date, risks, stakeholder assessments -- under names of their own
(``joint_objectives.objectives``, ``value_plan.initiatives``, ``gap_actions``, ``actions``).
This module is the one place that recognises them, so plan changes, staleness checks and every
exporter see the same lists whatever the methodology calls its sections.

Which lists are looked at
    Every non-empty list whose items are all objects, wherever it is in ``plan.sections``:
    under object keys (``sections.value_plan.initiatives``) and inside the items of a list that
    is *not* recognised (``sections.workstreams[0].actions``). The items of a recognised list
    are taken whole: lists inside them are part of the item. Data of any other type is skipped
    (the methodology's schema check reports it).

How a list's shape is decided -- once per list, first rule that applies wins
    1. *schema hint* (only when a methodology is given): the list's item schema references a
       core shape, ``$ref: urn:kamcore:shape:objective|action|risk|whitespace_cell`` (also
       inside ``allOf``/``anyOf``/``oneOf``; list levels are followed through ``items``);
    2. *keys*, looked at across the list's items ("an item has" = at least one item has):

       a. ``whitespace_cell``: an item has ``business_unit``, ``product_line`` and ``state``;
       b. ``objective``: an item has ``customer_signoff``;
       c. ``stakeholder_entry``: an item has ``stakeholder_id`` or ``name``, and ``influence``
          or ``support``;
       d. ``risk``: an item has ``likelihood`` and ``impact``;
       e. ``action``: an item has a ``title`` and one of an action's own keys (``owner``,
          ``customer_owner``, ``status``, ``objective``), and no item has an objective's own
          keys (``measure``, ``target``);
       f. ``objective``: an item has a ``title`` and ``measure`` or ``target``, and no item
          has an action's own keys;
    3. *name* (when the keys were silent or ambiguous): the list's key, as words separated by
       ``_``, ``-``, ``.`` or spaces, names actions (``actions``, ``initiatives``, ``tasks``,
       ``next_steps``, ``commitments``, ``todo``, singular or plural) and every item has a
       ``title`` -> ``action``; or names objectives (``objectives``, ``goals``) and every item
       has an ``id`` and a ``title`` -> ``objective``;
    4. otherwise the list has no known shape.

Two views of the same classification
    - :func:`shaped_items` (and :func:`shaped_lists`): every item of every recognised list as
      it is in the plan (raw mapping, list path and index) -- for diffs and checks that must
      see what was written, valid or not;
    - :func:`find_items`: the items that also validate against the core model of their shape
      (:class:`~kamcore.model.WhitespaceCell`, :class:`~kamcore.model.Objective`,
      :class:`~kamcore.model.Action`, :class:`~kamcore.model.Risk`,
      :class:`StakeholderEntry`), only the model's known fields taken, extra methodology fields
      kept in the raw item. An item that does not validate is left out of this view alone (the
      rest of its list stays); the schema check reports it.

:func:`iter_sections` lists a plan's sections in the methodology's order, for writers that show
the whole plan.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, TypeVar

import attrs
from pydantic import BaseModel, Field, StrictInt, ValidationError, model_validator

from .dates import as_date
from .model import Action, Objective, Risk, Shape, WhitespaceCell
from .model.plan import CLOSED_ACTION_STATES

if TYPE_CHECKING:
    from .methodology import Methodology
    from .model import Plan

ShapeName = Literal["objective", "action", "whitespace_cell", "stakeholder_entry", "risk"]
#: Where a list is in the plan: object keys (``str``) and list indices (``int``), from
#: ``"sections"`` down: ``("sections", "workstreams", 0, "actions")``.
Path = tuple[str | int, ...]

SHAPE_URI_PREFIX: Final = "urn:kamcore:shape:"
#: In the paths of :func:`schema_hints`: "any item of the list" (a list index in a data path).
ANY_INDEX: Final = -1
#: What each shape is called in messages.
SHAPE_WORDS: Final[Mapping[ShapeName, str]] = {
    "objective": "objective", "action": "action", "whitespace_cell": "whitespace",
    "stakeholder_entry": "stakeholder map", "risk": "risk",
}

_SCHEMA_SHAPES: Final[Mapping[str, ShapeName]] = {
    "objective": "objective", "action": "action", "whitespace_cell": "whitespace_cell",
    "risk": "risk",
}
#: Keys only an action has (of the two shapes that share ``id``, ``title`` and ``due``).
ACTION_KEYS: Final = frozenset({"owner", "customer_owner", "status", "objective"})
#: Keys only an objective has (``customer_signoff`` alone decides, see rule 2b).
OBJECTIVE_KEYS: Final = frozenset({"measure", "target"})
_ACTION_NAME = re.compile(
    r"(?:^|[_\-. ])(?:actions?|initiatives?|tasks?|next[_\-. ]steps?|commitments?|to[_\-. ]?dos?)"
    r"(?:$|[_\-. ])")
_OBJECTIVE_NAME = re.compile(r"(?:^|[_\-. ])(?:objectives?|goals?)(?:$|[_\-. ])")


# -- the raw view --------------------------------------------------------------------------------


@attrs.frozen
class ShapedItem:
    """One item of a recognised list: its shape, the list's path, its index and its raw data."""

    shape: ShapeName
    path: Path
    index: int
    item: Mapping[str, Any]

    @property
    def location(self) -> str:
        """The item's path in the plan: ``sections.value_plan.initiatives[2]``."""
        return f"{format_path(self.path)}[{self.index}]"

    @property
    def section(self) -> str:
        """The key of the section the item is in."""
        return str(self.path[1]) if len(self.path) > 1 else ""


def format_path(path: Path) -> str:
    """``("sections", "ws", 0, "actions")`` -> ``sections.ws[0].actions``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


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
    items = schema.get("items")
    shape = _shape_ref(items)
    if shape is not None:
        hints[path] = shape
    elif isinstance(items, Mapping):
        _schema_hints(items, (*path, ANY_INDEX), hints)
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        for key, sub in properties.items():
            _schema_hints(sub, (*path, str(key)), hints)
    for combinator in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(combinator) or ():
            _schema_hints(sub, path, hints)


def schema_hints(methodology: Methodology | None) -> dict[Path, ShapeName]:
    """The list paths whose item schema references a core shape, from the methodology's section
    schemas (none without a methodology): ``{("sections", "value_plan", "initiatives"):
    "action"}``. A list level inside the path is :data:`ANY_INDEX`; look a data path up with
    :func:`shape_at`, which does the translation. Computed once per methodology; do not
    modify the result."""
    if methodology is None:
        return {}
    cached = _HINTS.get(id(methodology))
    if cached is not None and cached[0] is methodology:
        return cached[1]
    hints: dict[Path, ShapeName] = {}
    for section in methodology.sections:
        _schema_hints(section.schema.schema, ("sections", section.key), hints)
    _HINTS[id(methodology)] = (methodology, hints)
    return hints


#: schema_hints per methodology object (methodologies are immutable and few; the object is
#: kept so its id cannot be reused). Callers must not modify the returned mapping.
_HINTS: dict[int, tuple[Methodology, dict[Path, ShapeName]]] = {}


def _has(item: Mapping[str, Any], *keys: str) -> bool:
    return all(key in item for key in keys)


def _by_keys(maps: Sequence[Mapping[str, Any]]) -> ShapeName | None:
    """Rule 2 of the module docstring."""
    if any(_has(i, "business_unit", "product_line", "state") for i in maps):
        return "whitespace_cell"
    if any("customer_signoff" in i for i in maps):
        return "objective"
    if any(("stakeholder_id" in i or "name" in i) and ("influence" in i or "support" in i)
           for i in maps):
        return "stakeholder_entry"
    if any(_has(i, "likelihood", "impact") for i in maps):
        return "risk"
    action_keys = any(not ACTION_KEYS.isdisjoint(i) for i in maps)
    objective_keys = any(not OBJECTIVE_KEYS.isdisjoint(i) for i in maps)
    if action_keys and not objective_keys and any(
            "title" in i and not ACTION_KEYS.isdisjoint(i) for i in maps):
        return "action"
    if objective_keys and not action_keys and any(
            "title" in i and not OBJECTIVE_KEYS.isdisjoint(i) for i in maps):
        return "objective"
    return None


def _by_name(maps: Sequence[Mapping[str, Any]], name: str) -> ShapeName | None:
    """Rule 3 of the module docstring."""
    name = name.lower()
    if _ACTION_NAME.search(name) and all("title" in i for i in maps):
        return "action"
    if _OBJECTIVE_NAME.search(name) and all(_has(i, "id", "title") for i in maps):
        return "objective"
    return None


def classify(items: Sequence[Any], hint: ShapeName | None = None,
             name: str | None = None) -> ShapeName | None:
    """The shape of a list's items: ``hint`` (the schema's, rule 1) when given, else by the
    items' keys (rule 2), else by the list's ``name`` -- its key in the plan -- (rule 3), else
    None. Items that are not objects are ignored."""
    if hint is not None:
        return hint
    maps = [item for item in items if isinstance(item, Mapping)]
    if not maps:
        return None
    return _by_keys(maps) or (_by_name(maps, name) if name else None)


def _list_name(path: Path) -> str | None:
    return next((part for part in reversed(path) if isinstance(part, str)), None)


def shape_at(path: Path, items: Sequence[Any],
             hints: Mapping[Path, ShapeName]) -> ShapeName | None:
    """The shape of the list ``items`` found at ``path`` in a plan, given the
    :func:`schema_hints` of its methodology: :func:`classify` with the list's hint and name."""
    hint_path = tuple(ANY_INDEX if isinstance(part, int) else part for part in path)
    return classify(items, hints.get(hint_path), _list_name(path))


def _object_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, Mapping) for i in value)


def _lists(value: Any, path: Path, hints: Mapping[Path, ShapeName],
           ) -> Iterator[tuple[ShapeName, Path, list[Mapping[str, Any]]]]:
    if isinstance(value, Mapping):
        for key, sub in value.items():
            yield from _lists(sub, (*path, str(key)), hints)
    elif isinstance(value, list):
        if _object_list(value):
            shape = shape_at(path, value, hints)
            if shape is not None:
                yield shape, path, value
                return
        for index, sub in enumerate(value):
            yield from _lists(sub, (*path, index), hints)


def shaped_lists(plan: Plan, methodology: Methodology | None,
                 ) -> Iterator[tuple[ShapeName, Path, list[Mapping[str, Any]]]]:
    """``(shape, path, items)`` for every recognised list in ``plan.sections``, in the plan's
    order; ``methodology`` (if any) gives the schema hints."""
    yield from _lists(plan.sections, ("sections",), schema_hints(methodology))


def shaped_items(plan: Plan, methodology: Methodology | None,
                 shapes: Iterable[ShapeName] | None = None) -> Iterator[ShapedItem]:
    """Every item of every recognised list in ``plan.sections`` (only of ``shapes`` if given),
    valid or not, in the plan's order."""
    wanted = frozenset(shapes) if shapes is not None else None
    for shape, path, items in shaped_lists(plan, methodology):
        if wanted is None or shape in wanted:
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
    return item.get("status", "open") not in CLOSED_ACTION_STATES


def due_date(item: Mapping[str, Any]) -> date | None:
    """The item's ``due`` date, or None when missing or not an ISO date."""
    return as_date(item.get("due"))


def overdue_since(item: Mapping[str, Any], as_of: date) -> date | None:
    """The due date of an open action (raw item) that is past due on ``as_of``, else None."""
    due = due_date(item)
    return due if due is not None and due < as_of and action_open(item) else None


# -- the validated view --------------------------------------------------------------------------


class StakeholderEntry(Shape):
    """A stakeholder assessed inside a section (not necessarily a stakeholder record): a
    ``stakeholder_id`` or ``name``, and an ``influence`` (1-5) or ``support`` (-2..+2)."""

    stakeholder_id: str | None = None
    name: str | None = None
    title: str | None = None
    role: str | None = None
    influence: StrictInt | None = Field(default=None, ge=1, le=5)
    support: StrictInt | None = Field(default=None, ge=-2, le=2)

    @model_validator(mode="after")
    def _identified_and_rated(self) -> StakeholderEntry:
        if self.stakeholder_id is None and self.name is None:
            raise ValueError("a stakeholder entry needs a stakeholder_id or a name")
        if self.influence is None and self.support is None:
            raise ValueError("a stakeholder entry needs an influence or a support")
        return self


ModelT = TypeVar("ModelT", bound=BaseModel)


@attrs.frozen
class Item(ShapedItem, Generic[ModelT]):
    """A recognised item that validates against the core model of its shape: ``model`` holds
    the model's known fields, :attr:`item` the whole raw data (with the methodology's own
    fields)."""

    model: ModelT


@attrs.frozen
class PlanItems:
    """The valid items of every recognised list of one plan, by shape, in the plan's order."""

    whitespace: tuple[Item[WhitespaceCell], ...] = ()
    actions: tuple[Item[Action], ...] = ()
    objectives: tuple[Item[Objective], ...] = ()
    risks: tuple[Item[Risk], ...] = ()
    people: tuple[Item[StakeholderEntry], ...] = ()

    def open_actions(self) -> list[Item[Action]]:
        """Actions not done or cancelled."""
        return [a for a in self.actions if a.model.status not in CLOSED_ACTION_STATES]

    def overdue_actions(self, as_of: date) -> list[Item[Action]]:
        """Open actions whose due date is before ``as_of``."""
        return [a for a in self.open_actions() if a.model.due is not None and a.model.due < as_of]

    def whitespace_value(self, *states: str) -> float:
        """The sum of the values of the whitespace cells in ``states``."""
        return sum(c.model.value or 0 for c in self.whitespace if c.model.state in states)


def _valid(cls: type[ModelT], found: Iterable[ShapedItem]) -> tuple[Item[ModelT], ...]:
    valid: list[Item[ModelT]] = []
    for shaped in found:
        known = {key: value for key, value in shaped.item.items() if key in cls.model_fields}
        try:
            model = cls.model_validate(known)
        except (ValidationError, TypeError, ValueError):
            continue
        valid.append(Item(shaped.shape, shaped.path, shaped.index, shaped.item, model))
    return tuple(valid)


def find_items(plan: Plan, methodology: Methodology | None = None) -> PlanItems:
    """The valid whitespace cells, actions, objectives, risks and stakeholder entries of
    ``plan`` (see the module docstring for how lists are recognised; ``methodology`` adds
    its schema hints)."""
    by_shape: dict[ShapeName, list[ShapedItem]] = defaultdict(list)
    for shaped in shaped_items(plan, methodology):
        by_shape[shaped.shape].append(shaped)
    return PlanItems(
        whitespace=_valid(WhitespaceCell, by_shape["whitespace_cell"]),
        actions=_valid(Action, by_shape["action"]),
        objectives=_valid(Objective, by_shape["objective"]),
        risks=_valid(Risk, by_shape["risk"]),
        people=_valid(StakeholderEntry, by_shape["stakeholder_entry"]),
    )


def iter_sections(plan: Plan, methodology: Methodology | None,
                  ) -> Iterator[tuple[str, str, Any]]:
    """``(key, title, data)`` of each section of ``plan``: the methodology's order first (every
    section it defines, filled or not; ``data`` None when empty), then the sections the
    methodology does not know (or all of them, in the plan's order, without a methodology),
    titled from their key."""
    seen: set[str] = set()
    if methodology is not None:
        for section in methodology.sections:
            seen.add(section.key)
            yield section.key, section.title, plan.sections.get(section.key)
    for key, data in plan.sections.items():
        if key not in seen:
            yield key, key.replace("_", " ").capitalize(), data

"""Finding the common shapes in a plan's free section data, whatever the methodology.

A methodology names its sections as it likes (``actions``, ``value_plan.initiatives``,
``gap_actions``...), so the exporters that draw a whitespace heatmap or list the actions do
not look sections up by name: they walk every section and recognise lists whose items have
the shape of a :class:`~kamcore.model.WhitespaceCell`, :class:`~kamcore.model.Action`,
:class:`~kamcore.model.Objective` or :class:`~kamcore.model.Risk` (the core's known fields,
validated; extra methodology fields are kept in ``Item.data`` and otherwise ignored), and
lists of stakeholder assessments (a name or ``stakeholder_id`` with influence / support).

Actions and objectives share ``id``, ``title`` and ``due``, so a list counts as actions when
an item carries an action's own fields (owner, customer_owner, status, objective) or the list
is named like actions, and as objectives when an item carries an objective's own fields
(measure, target, customer_signoff) or the list is named like objectives/goals; a list that
fits both or neither is left alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

import attrs
from pydantic import BaseModel, ValidationError

from ..model import Action, Objective, Plan, Risk, Shape, WhitespaceCell
from ..model.plan import CLOSED_ACTION_STATES

_ACTION_OWN = frozenset({"owner", "customer_owner", "status", "objective"})
_OBJECTIVE_OWN = frozenset({"measure", "target", "customer_signoff"})
_ACTION_NAMES = ("action", "initiative", "task", "next_step", "commitment", "todo")
_OBJECTIVE_NAMES = ("objective", "goal")


@attrs.frozen
class Item:
    """One recognised item: its section, its path in the plan, the validated core fields
    (``shape``) and the item's whole data (``data``, with any methodology-specific fields)."""

    section: str
    path: str
    shape: Any
    data: Mapping[str, Any]


@attrs.frozen
class Person:
    """A stakeholder assessed inside a section (not necessarily a stakeholder record)."""

    section: str
    path: str
    stakeholder_id: str | None
    name: str | None
    title: str | None
    role: str | None
    influence: int | None
    support: int | None


@attrs.frozen
class PlanItems:
    """Everything recognised in one plan, in section order."""

    whitespace: tuple[Item, ...] = ()
    actions: tuple[Item, ...] = ()
    objectives: tuple[Item, ...] = ()
    risks: tuple[Item, ...] = ()
    people: tuple[Person, ...] = ()

    def open_actions(self) -> list[Item]:
        """Actions not done or cancelled."""
        return [a for a in self.actions if a.shape.status not in CLOSED_ACTION_STATES]

    def overdue_actions(self, as_of: date) -> list[Item]:
        """Open actions whose due date is before ``as_of``."""
        return [a for a in self.open_actions() if a.shape.due is not None and a.shape.due < as_of]

    def whitespace_value(self, *states: str) -> float:
        """The sum of the values of the whitespace cells in ``states``."""
        return sum(c.shape.value or 0 for c in self.whitespace if c.shape.state in states)


def _shaped(cls: type[Shape], item: Mapping[str, Any]) -> BaseModel | None:
    known = {key: value for key, value in item.items() if key in cls.model_fields}
    try:
        return cls.model_validate(known)
    except (ValidationError, TypeError, ValueError):
        return None


def _all_shaped(cls: type[Shape], items: list[Mapping[str, Any]],
                required: frozenset[str]) -> list[BaseModel] | None:
    shaped = []
    for item in items:
        if not required <= item.keys():
            return None
        model = _shaped(cls, item)
        if model is None:
            return None
        shaped.append(model)
    return shaped


def _named(name: str, words: tuple[str, ...]) -> bool:
    name = name.lower()
    return any(word in name for word in words)


def _person(section: str, path: str, item: Mapping[str, Any]) -> Person | None:
    influence, support = item.get("influence"), item.get("support")
    ident, name = item.get("stakeholder_id"), item.get("name")
    if not (isinstance(ident, str) or isinstance(name, str)):
        return None
    if not (isinstance(influence, int) or isinstance(support, int)):
        return None
    if isinstance(influence, bool) or isinstance(support, bool):
        return None
    if (influence is not None and not (isinstance(influence, int) and 1 <= influence <= 5)) or (
            support is not None and not (isinstance(support, int) and -2 <= support <= 2)):
        return None
    title, role = item.get("title"), item.get("role")
    return Person(section, path, ident if isinstance(ident, str) else None,
                  name if isinstance(name, str) else None,
                  title if isinstance(title, str) else None,
                  role if isinstance(role, str) else None, influence, support)


class _Collector:
    def __init__(self) -> None:
        self.found: dict[str, list[Any]] = {"whitespace": [], "actions": [], "objectives": [],
                                            "risks": [], "people": []}

    def walk(self, section: str, value: Any, path: str, name: str) -> None:
        if isinstance(value, Mapping):
            for key, sub in value.items():
                self.walk(section, sub, f"{path}.{key}", str(key))
        elif isinstance(value, list):
            if value and all(isinstance(v, Mapping) for v in value) and self._list(
                    section, value, path, name):
                return
            for index, sub in enumerate(value):
                if isinstance(sub, (Mapping, list)):
                    self.walk(section, sub, f"{path}[{index}]", name)

    def _add(self, kind: str, section: str, path: str, items: list[Mapping[str, Any]],
             shaped: list[BaseModel]) -> bool:
        self.found[kind].extend(Item(section, f"{path}[{index}]", model, item)
                                for index, (item, model) in enumerate(zip(items, shaped,
                                                                          strict=True)))
        return True

    def _list(self, section: str, items: list[Mapping[str, Any]], path: str, name: str) -> bool:
        """Recognise a whole list; True when it was."""
        cells = _all_shaped(WhitespaceCell, items,
                            frozenset({"business_unit", "product_line", "state"}))
        if cells is not None:
            return self._add("whitespace", section, path, items, cells)
        risks = _all_shaped(Risk, items, frozenset({"title", "likelihood", "impact"}))
        if risks is not None:
            return self._add("risks", section, path, items, risks)
        keys = set().union(*(item.keys() for item in items))
        action_like = bool(keys & _ACTION_OWN) or _named(name, _ACTION_NAMES)
        objective_like = bool(keys & _OBJECTIVE_OWN) or _named(name, _OBJECTIVE_NAMES)
        if action_like and not keys & _OBJECTIVE_OWN:
            actions = _all_shaped(Action, items, frozenset({"title"}))
            if actions is not None:
                return self._add("actions", section, path, items, actions)
        if objective_like and not keys & _ACTION_OWN:
            objectives = _all_shaped(Objective, items, frozenset({"id", "title"}))
            if objectives is not None:
                return self._add("objectives", section, path, items, objectives)
        people = [_person(section, f"{path}[{i}]", item) for i, item in enumerate(items)]
        if all(p is not None for p in people):
            self.found["people"].extend(people)
            return True
        return False


def find_items(plan: Plan) -> PlanItems:
    """The whitespace cells, actions, objectives, risks and assessed people of ``plan``."""
    collector = _Collector()
    for key, data in plan.sections.items():
        collector.walk(key, data, f"sections.{key}", key)
    found = collector.found
    return PlanItems(whitespace=tuple(found["whitespace"]), actions=tuple(found["actions"]),
                     objectives=tuple(found["objectives"]), risks=tuple(found["risks"]),
                     people=tuple(found["people"]))


def iter_sections(plan: Plan, methodology: Any) -> Iterator[tuple[str, str, Any]]:
    """``(key, title, data)`` of each section: the methodology's order first (every section
    it defines, filled or not), then sections the methodology does not know."""
    seen: set[str] = set()
    if methodology is not None:
        for section in methodology.sections:
            seen.add(section.key)
            yield section.key, section.title, plan.sections.get(section.key)
    for key, data in plan.sections.items():
        if key not in seen:
            yield key, key.replace("_", " ").capitalize(), data

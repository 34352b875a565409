"""Comparing the plan records of two states: the step, other top-level fields, and the
sections, whose lists are recognised by shape (:mod:`kamcore.shapes`) and compared item by item.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..diff import IGNORED_FIELDS
from ..plan_words import PlanWords
from ..shapes import SHAPE_WORDS, ShapeName, keyed_items, overdue_since, schema_hints, shape_at
from .wording import (
    MISSING,
    PlainChange,
    bare,
    movement,
    signed_number,
    signoff_text,
    text_of,
)

if TYPE_CHECKING:
    from ..methodology import Methodology
    from .past import PlanState


def plan_record_changes(before: PlanState, after: PlanState, methodology: Methodology | None,
                        names: Mapping[str, str]) -> list[PlainChange]:
    """The changes of the plan record from ``before`` to ``after``: the step, other fields, then
    the sections in order; ``names`` gives stakeholder names by id (for stakeholder maps)."""
    return _PlanComparer(before, after, methodology, names).changes()


def _value(value: Any) -> Any:
    return None if value is MISSING else value


class _PlanComparer:
    """Compares the plan records of two states (one use)."""

    def __init__(self, before: PlanState, after: PlanState, methodology: Methodology | None,
                 names: Mapping[str, str]) -> None:
        self.before, self.after = before, after
        self.methodology = methodology
        self.names = names
        self.hints = schema_hints(methodology)
        self.words = PlanWords(methodology, names)
        self.out: list[PlainChange] = []

    def changes(self) -> list[PlainChange]:
        old = self.before.plan.model_dump(mode="json")
        new = self.after.plan.model_dump(mode="json")
        for key in [*new, *(k for k in old if k not in new)]:
            if key in IGNORED_FIELDS or key in ("id", "sections") or old.get(key) == new.get(key):
                continue
            if key == "step":
                self.out.append(PlainChange(
                    "step-changed", f"step {self._step(old['step'])} -> {self._step(new['step'])}",
                    path="step"))
            else:
                self._fallback(old.get(key, MISSING), new.get(key, MISSING), (key,))
        self._walk(old.get("sections", {}), new.get("sections", {}), ("sections",))
        return self.out

    def _step(self, key: str) -> str:
        if self.methodology is not None:
            for step in self.methodology.steps:
                if step.key == key:
                    return f'"{step.title}"'
        return f'"{key}"'

    # sections

    def _walk(self, old: Any, new: Any, path: tuple[str, ...]) -> None:
        old_list = [] if old is MISSING else old
        new_list = [] if new is MISSING else new
        if isinstance(old_list, list) and isinstance(new_list, list) and (old_list or new_list) \
                and all(isinstance(i, Mapping) for i in [*old_list, *new_list]):
            shape = shape_at(path, [*old_list, *new_list], self.hints)
            if shape is not None:
                self._list(shape, path, old_list, new_list)
                return
        old_map = {} if old is MISSING else old
        new_map = {} if new is MISSING else new
        if isinstance(old_map, Mapping) and isinstance(new_map, Mapping) and \
                not (old is MISSING and new is MISSING):
            keys = [*old_map, *(k for k in new_map if k not in old_map)]
            for key in keys:
                self._walk(old_map.get(key, MISSING), new_map.get(key, MISSING),
                           (*path, str(key)))
            return
        self._fallback(old, new, path)

    def _fallback(self, old: Any, new: Any, path: tuple[str, ...]) -> None:
        """A change of no known shape, in the words of the section's schema."""
        self.out.extend(PlainChange("field-changed", text, path=where)
                        for text, where in self.words.changes(path, old, new, MISSING))

    def _label(self, shape: ShapeName, item: Mapping[str, Any]) -> str:
        if shape == "whitespace_cell":
            return f"whitespace {item.get('business_unit')} / {item.get('product_line')}"
        if shape == "stakeholder_entry":
            person = item.get("stakeholder_id")
            name = self.names.get(person, person) if isinstance(person, str) else None
            return f"stakeholder map: {name or item.get('name') or '?'}"
        if isinstance(item.get("title"), str):
            return f'{SHAPE_WORDS[shape]} "{item["title"]}"'
        ident = f" {item['id']}" if isinstance(item.get("id"), (str, int)) else ""
        return f"{SHAPE_WORDS[shape]}{ident}"

    def _list(self, shape: ShapeName, path: tuple[str, ...], old: list[Any],
              new: list[Any]) -> None:
        old_items, new_items = keyed_items(shape, old), keyed_items(shape, new)
        where = ".".join(path)
        for key in [*new_items, *(k for k in old_items if k not in new_items)]:
            if key in new_items:
                index, item = new_items[key]
                previous = old_items[key][1] if key in old_items else None
            else:
                index, item = old_items[key]
                previous = None
            location = f"{where}[{index}]"
            subject = str(item["id"]) if isinstance(item.get("id"), (str, int)) else None
            if shape == "stakeholder_entry" and isinstance(item.get("stakeholder_id"), str):
                subject = item["stakeholder_id"]
            label = self._label(shape, item)
            word = "whitespace" if shape == "whitespace_cell" else \
                "stakeholder-map" if shape == "stakeholder_entry" else shape
            if key not in new_items:
                self._add(f"{word}-removed", f"{label} removed", subject, location)
            elif previous is None:
                self._add(f"{word}-added", f"{label} added{self._added_details(shape, item)}",
                          subject, location)
            else:
                self._item(shape, word, label, previous, item, subject, location)
            due = overdue_since(item, self.after.as_of) if shape == "action" and \
                key in new_items else None
            was_overdue = previous is not None and \
                overdue_since(previous, self.before.as_of) is not None
            if due is not None and not was_overdue:
                self._add("action-overdue", f"{label} now overdue: due {due.isoformat()}, still "
                          f"{item.get('status', 'open')}", subject, f"{location}.due")

    def _add(self, kind: str, text: str, subject: str | None, path: str) -> None:
        self.out.append(PlainChange(kind, text, subject, path))

    @staticmethod
    def _added_details(shape: ShapeName, item: Mapping[str, Any]) -> str:
        if shape == "objective":
            signoff = item.get("customer_signoff")
            return (f", {signoff_text(signoff)}" if isinstance(signoff, Mapping)
                    else ", not signed off by the customer yet")
        if shape == "whitespace_cell":
            return f": {item.get('state')}"
        if shape == "stakeholder_entry":
            parts = [str(item["role"])] if item.get("role") else []
            parts += [f"influence {item['influence']}"] if "influence" in item else []
            parts += [f"support {signed_number(item['support'])}"] if "support" in item else []
            return f" ({', '.join(parts)})" if parts else ""
        if shape == "action":
            parts = [f"owner {item['owner']}"] if item.get("owner") else []
            parts += [f"due {item['due']}"] if item.get("due") else []
            return f" ({', '.join(parts)})" if parts else ""
        if shape == "risk":
            return f" (likelihood {item.get('likelihood')}, impact {item.get('impact')})"
        return ""

    def _item(self, shape: ShapeName, word: str, label: str, old: Mapping[str, Any],
              new: Mapping[str, Any], subject: str | None, location: str) -> None:
        for field in [*new, *(k for k in old if k not in new)]:
            was, now = old.get(field, MISSING), new.get(field, MISSING)
            if was == now:
                continue
            path = f"{location}.{field}"
            if shape == "objective" and field == "customer_signoff":
                if isinstance(now, Mapping) and not isinstance(was, Mapping):
                    self._add("objective-signed", f"{label} {signoff_text(now)}", subject, path)
                elif isinstance(was, Mapping) and not isinstance(now, Mapping):
                    self._add("objective-unsigned", f"{label} lost its customer sign-off",
                              subject, path)
                else:
                    self._add("objective-changed", f"{label}: sign-off changed, now "
                              f"{signoff_text(now)}", subject, path)
            elif shape == "action" and field == "status":
                status = "open" if now is MISSING else now
                previous = "open" if was is MISSING else was
                if status == previous:
                    continue
                if status in ("done", "cancelled"):
                    self._add(f"action-{status}", f"{label} {status} (was {previous})",
                              subject, path)
                else:
                    self._add("action-status", f"{label}: status {previous} -> {status}",
                              subject, path)
            elif shape == "whitespace_cell" and field == "state":
                self._add("whitespace-state", f"{label}: {bare(was)} -> {bare(now)}",
                          subject, path)
            elif shape == "stakeholder_entry" and field in ("support", "influence"):
                moved = movement(_value(was), _value(now), signed=field == "support")
                self._add(f"stakeholder-map-{field}", f"{label}: {field} {moved}", subject, path)
            else:
                self._add(f"{word}-changed", f"{label}: {field.replace('_', ' ')} "
                          f"{text_of(was)} -> {text_of(now)}", subject, path)

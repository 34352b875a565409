"""Plan data in words: where something is in a plan and what changed there, named with the
titles the methodology's JSON Schemas give, never with internal paths or JSON.

One implementation used by ``kam plan diff``, the review pack and every exporter (Markdown,
HTML, XLSX, PPTX) and by the findings they show; the raw path stays in ``--json`` output.

Names
    A section is named by its methodology title (``Customer business understanding``); a field
    by its schema ``title``, else its key as words (``business_unit`` -> ``Business unit``);
    the items of a list by their item schema's ``title``, else the list's title made singular
    (``growth_bets`` -> ``Growth bet``). An item is named by its ``title`` or ``name``, else the
    stakeholder its ``stakeholder_id`` names, else its first text field, else its position.

Locations (:meth:`PlanWords.location`)
    ``sections.value_plan.initiatives[0].due`` -> ``Value plan / Initiative 'Pilot' / Due``
    (the parts joined with :data:`SEPARATOR`, a right-pointing angle quote, shown here as /).
    A path reads as ``key.key[index]`` or ``key[id]`` (a list item with that ``id``); what
    cannot be followed in the plan is named from its key.

Changes (:meth:`PlanWords.changes`)
    ``Growth bet 'Service share' added (business unit: Service; source: Investor day)``,
    ``Value plan / Summary: 'old' -> 'new'``. Lists of objects are matched by ``id``, else by
    the item's name, else by position, so reordering is not a change. Each change keeps the
    dotted path it is at (for ``--json``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from .rendering import flat, label
from .shapes import format_path

if TYPE_CHECKING:
    from .methodology import Methodology
    from .model import Finding, Plan, Stakeholder

__all__ = ["SEPARATOR", "PathPart", "PlanWords", "parse_path", "singular"]

#: What separates the parts of a location.
SEPARATOR: Final = " \u203a "
#: Longest text shown for one value (longer is cut at a word with an ellipsis).
VALUE_WIDTH: Final = 60
_PART = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]")
#: A value that is absent (a key one side does not have), as opposed to a None value.
_MISSING: Any = object()

PathPart = str | int


def parse_path(path: str) -> tuple[PathPart, ...]:
    """``sections.a.items[0].due`` -> ``("sections", "a", "items", 0, "due")``; a bracketed
    part that is not a number stays text (an item id)."""
    parts: list[PathPart] = []
    for key, inside in _PART.findall(path):
        if key:
            parts.append(key)
        else:
            parts.append(int(inside) if inside.isdigit() else inside)
    return tuple(parts)


def singular(words: str) -> str:
    """``Growth bets`` -> ``Growth bet``, ``Stakeholder needs`` stays (a plural noun that reads
    as one), ``Opportunities`` -> ``Opportunity``."""
    if words.endswith("ies"):
        return words[:-3] + "y"
    if words.endswith(("sses", "ches", "shes", "xes")):
        return words[:-2]
    if words.endswith("s") and not words.endswith(("ss", "us", "needs")):
        return words[:-1]
    return words


def _short(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= VALUE_WIDTH:
        return text
    cut = text[:VALUE_WIDTH - 1].rsplit(" ", 1)[0]
    return cut + "\u2026"


def _sub_schema(schema: Any, part: PathPart) -> Mapping[str, Any]:
    """The schema of ``part`` inside ``schema`` (properties for keys, items for list items),
    looked for through ``allOf``/``anyOf``/``oneOf``; empty when the schema does not say."""
    if not isinstance(schema, Mapping):
        return {}
    if isinstance(part, int) or part == "":
        found = schema.get("items")
        if isinstance(found, Mapping):
            return found
    else:
        properties = schema.get("properties")
        if isinstance(properties, Mapping) and isinstance(properties.get(part), Mapping):
            return properties[part]  # type: ignore[no-any-return]
    for combinator in ("allOf", "anyOf", "oneOf"):
        for option in schema.get(combinator) or ():
            found = _sub_schema(option, part)
            if found:
                return found
    return {}


class PlanWords:
    """Names the places and changes of plans of one methodology (``None``: names from keys).

    ``names`` gives stakeholder names by id, for items that point at a stakeholder; ``data``
    the plan record (as JSON data) whose locations are named when none is given.
    """

    def __init__(self, methodology: Methodology | None = None,
                 names: Mapping[str, str] | None = None,
                 data: Mapping[str, Any] | None = None) -> None:
        self.names = dict(names or {})
        self.data = data
        self._sections: dict[str, tuple[str, Mapping[str, Any]]] = {}
        if methodology is not None:
            self._sections = {s.key: (s.title, s.schema.schema) for s in methodology.sections}

    @classmethod
    def of(cls, plan: Plan, methodology: Methodology | None,
           stakeholders: Iterable[Stakeholder] = ()) -> PlanWords:
        """The words of one plan: its methodology's titles, its account's people, its data."""
        return cls(methodology, {s.id: s.name for s in stakeholders},
                   plan.model_dump(mode="json"))

    def where(self, finding: Finding) -> str:
        """Where a finding is, in words: its location, else its subject's name, else ``""``."""
        if finding.path:
            return self.location(finding.path)
        return self.names.get(finding.subject or "", "")

    # -- names ---------------------------------------------------------------------------------

    def _section(self, key: str) -> tuple[str, Mapping[str, Any]]:
        return self._sections.get(key, (label(key), {}))

    @staticmethod
    def field_title(key: PathPart, schema: Mapping[str, Any]) -> str:
        """A field's title: its schema's ``title``, else its key as words."""
        title = schema.get("title")
        return title if isinstance(title, str) and title else label(key)

    def item_name(self, item: Any) -> str | None:
        """What an item is called: title, name, its stakeholder's name, or first text field."""
        if not isinstance(item, Mapping):
            return _short(flat(item)) if item not in (None, "") else None
        for key in ("title", "name"):
            if isinstance(item.get(key), str) and item[key].strip():
                return _short(item[key])
        person = item.get("stakeholder_id")
        if isinstance(person, str):
            return self.names.get(person, person)
        for key, value in item.items():
            if key != "id" and isinstance(value, str) and value.strip():
                return _short(value)
        return None

    def _named_item(self, noun: str, item: Any, index: int | str) -> str:
        name = self.item_name(item)
        if name is not None:
            return f"{noun} '{name}'"
        return f"{noun} {index + 1 if isinstance(index, int) else index}"

    def location(self, path: str | Sequence[PathPart] | None,
                 data: Mapping[str, Any] | None = None) -> str:
        """Where ``path`` is, in words (see the module docstring); ``data`` is the plan record
        as JSON data (``plan.model_dump(mode="json")``), to name list items (default: the
        record this object was made for); ``""`` for no path."""
        return SEPARATOR.join(word for word, _item in self.places(path, data))

    def places(self, path: str | Sequence[PathPart] | None,
               data: Mapping[str, Any] | None = None) -> list[tuple[str, bool]]:
        """The words of :meth:`location` one by one, each with whether it names a list item
        (``("Growth bet 'X'", True)``) or a section or field (``("Source", False)``)."""
        if not path:
            return []
        data = self.data if data is None else data
        parts = parse_path(path) if isinstance(path, str) else tuple(path)
        words: list[tuple[str, bool]] = []
        schema: Mapping[str, Any] = {}
        value: Any = data if data is not None else _MISSING
        noun = ""
        start = 0
        if parts[0] == "sections" and len(parts) > 1:
            title, schema = self._section(str(parts[1]))
            words.append((title, False))
            value = value.get("sections", {}).get(parts[1], _MISSING) \
                if isinstance(value, Mapping) else _MISSING
            noun = singular(title)
            start = 2
        for part in parts[start:]:
            if isinstance(value, list) or isinstance(part, int) or (
                    words and schema.get("type") == "array"):
                item, index = self._find(value, part)
                schema = _sub_schema(schema, 0)
                item_title = schema.get("title")
                noun = item_title if isinstance(item_title, str) and item_title else noun
                if words and singular(words[-1][0]) == noun:  # "Growth bets" names no more
                    words.pop()
                words.append((self._named_item(noun or "Item", item, index), True))
                value = item if item is not None else _MISSING
                continue
            schema = _sub_schema(schema, part)
            title = self.field_title(part, schema)
            words.append((title, False))
            noun = singular(title)
            value = value.get(part, _MISSING) if isinstance(value, Mapping) else _MISSING
        return words

    @staticmethod
    def _find(value: Any, part: PathPart) -> tuple[Any, int | str]:
        """The list item ``part`` names (an index or an ``id``) and how to number it."""
        if isinstance(value, list):
            if isinstance(part, int):
                return (value[part] if 0 <= part < len(value) else None), part
            for index, item in enumerate(value):
                if isinstance(item, Mapping) and str(item.get("id")) == part:
                    return item, index
        return None, part

    # -- values --------------------------------------------------------------------------------

    def value(self, value: Any) -> str:
        """A value as a reader sees it: text as it is (shortened), lists joined, objects
        named, numbers and booleans as :func:`~kamcore.rendering.flat` writes them."""
        if value is None or value is _MISSING:
            return "none"
        if isinstance(value, Mapping):
            return self.item_name(value) or "an entry"
        if isinstance(value, (list, tuple)):
            return _short(", ".join(self.value(v) for v in value)) or "none"
        if isinstance(value, str) and value in self.names:
            return self.names[value]
        return _short(flat(value))

    def details(self, item: Mapping[str, Any], schema: Mapping[str, Any]) -> str:
        """The fields of an item besides the one it is named by, as ``(key: value; ...)``."""
        name = self.item_name(item)
        parts = []
        for key, value in item.items():
            if key == "id" or value in (None, "", [], {}):
                continue
            if isinstance(value, str) and self.value(value) == name:
                continue
            title = self.field_title(key, _sub_schema(schema, key)).lower()
            parts.append(f"{title}: {self.value(value)}")
        return f" ({'; '.join(parts)})" if parts else ""

    # -- changes -------------------------------------------------------------------------------

    def changes(self, path: Sequence[PathPart], old: Any, new: Any,
                missing: Any = None) -> list[tuple[str, str]]:
        """Every change from ``old`` to ``new`` at ``path`` as ``(words, dotted path)`` pairs;
        ``missing`` is the caller's marker for an absent value (treated as not there)."""
        out: list[tuple[str, str]] = []
        schema: Mapping[str, Any] = {}
        if len(path) > 1 and path[0] == "sections":
            schema = self._section(str(path[1]))[1]
            for part in path[2:]:
                schema = _sub_schema(schema, part)
        self._changes(self.location(path), tuple(path), schema,
                      _MISSING if old is missing else old,
                      _MISSING if new is missing else new, out)
        return out

    def _changes(self, where: str, path: tuple[PathPart, ...], schema: Mapping[str, Any],
                 old: Any, new: Any, out: list[tuple[str, str]]) -> None:
        if old == new:
            return
        dotted = format_path(path)
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            for key in [*old, *(k for k in new if k not in old)]:
                sub = _sub_schema(schema, key)
                self._changes(f"{where}{SEPARATOR}{self.field_title(key, sub)}", (*path, key),
                              sub, old.get(key, _MISSING), new.get(key, _MISSING), out)
            return
        old_list = [] if old is _MISSING else old
        new_list = [] if new is _MISSING else new
        if isinstance(old_list, list) and isinstance(new_list, list):
            values = [*old_list, *new_list]
            if values and all(isinstance(v, Mapping) for v in values):
                self._list(where, path, schema, old_list, new_list, out)
                return
            if old is not _MISSING and new is not _MISSING and not any(
                    isinstance(v, (Mapping, list)) for v in values):
                added = [v for v in new_list if v not in old_list]
                removed = [v for v in old_list if v not in new_list]
                out.extend((f"{where}: {self._quoted(v)} added", dotted) for v in added)
                out.extend((f"{where}: {self._quoted(v)} removed", dotted) for v in removed)
                if not added and not removed:
                    out.append((f"{where}: reordered", dotted))
                return
        if old is _MISSING or old is None:
            out.append((f"{where} set to {self._quoted(new)}", dotted))
        elif new is _MISSING or new is None:
            out.append((f"{where} cleared (was {self._quoted(old)})", dotted))
        else:
            out.append((f"{where}: {self._quoted(old)} \u2192 {self._quoted(new)}", dotted))

    def _quoted(self, value: Any) -> str:
        text = self.value(value)
        return f"'{text}'" if isinstance(value, str) else text

    def _list(self, where: str, path: tuple[PathPart, ...], schema: Mapping[str, Any],
              old: list[Mapping[str, Any]], new: list[Mapping[str, Any]],
              out: list[tuple[str, str]]) -> None:
        item_schema = _sub_schema(schema, 0)
        title = item_schema.get("title")
        noun = title if isinstance(title, str) and title else singular(
            where.split(SEPARATOR)[-1] or "Item")
        old_items, new_items = self._keyed(old), self._keyed(new)
        for key in [*new_items, *(k for k in old_items if k not in new_items)]:
            if key not in old_items:
                index, item = new_items[key]
                out.append((f"{self._named_item(noun, item, index)} added"
                            f"{self.details(item, item_schema)}", format_path((*path, index))))
            elif key not in new_items:
                index, item = old_items[key]
                out.append((f"{self._named_item(noun, item, index)} removed",
                            format_path((*path, index))))
            else:
                index, item = new_items[key]
                self._changes(self._named_item(noun, item, index), (*path, index), item_schema,
                              old_items[key][1], item, out)

    def _keyed(self, items: list[Mapping[str, Any]]) -> dict[str, tuple[int, Mapping[str, Any]]]:
        """Items by id, else by name, else by position (whichever is unique)."""
        for key_of in (lambda i, n: i.get("id"), lambda i, n: self.item_name(i),
                       lambda i, n: n):
            keys = [key_of(item, index) for index, item in enumerate(items)]
            if all(k is not None for k in keys) and len(set(map(str, keys))) == len(keys):
                return {str(k): (index, item) for index, (k, item)
                        in enumerate(zip(keys, items, strict=True))}
        return {str(index): (index, item) for index, item in enumerate(items)}


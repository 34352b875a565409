"""HTML forms generated from a plan section's JSON Schema, and the section's data read back
from a submitted form.

:func:`widget` reads the schema the way ``kam plan template`` does (:mod:`kamcore.templates`:
``$ref`` through the offline shape registry, ``allOf`` parts together, the first non-null
branch of ``anyOf``/``oneOf``) and says how each value is edited:

=========  ======================================================================
kind       for
=========  ======================================================================
enum       a value with ``enum``: a select
date       ``format: date``: a date input
integer    a whole number (``minimum``/``maximum`` kept); ``number`` likewise
boolean    true or false: a select (blank, yes, no)
text       any other string
object     an object with ``properties``: its fields, one under the other
table      an array of objects whose fields are all plain values: a table, a row per
           item and one blank row to add another (a row left blank is dropped)
cards      an array of other objects: a group of fields per item, and a blank one to add
           another
lines      an array of plain values: a text area, one value per line
json       anything else (a map, nested lists, a schema this does not read): JSON text
=========  ======================================================================

:func:`bind` pairs a widget with a value and the problems of a failed save, each placed at
its field (``sections.goals[0].title`` -> the input named ``[0].title``; "``'x'`` is a required
property" at the object -> the input of ``x``); what has no field is kept for the top of the
form. :func:`read` turns the submitted form back into the section's data: blanks are left out
(a row left blank too), a table's rows are the row numbers its inputs are named with, and
numbers that do not parse are kept as typed, so the schema names them at their field and the
form shows them again as typed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

import attrs

from kamcore.errors import Problem, format_path
from kamcore.schemas import shape_registry
from kamcore.templates import (
    Part,
    RecursiveSchemaError,
    _allowed,
    _every,
    _get,
    _parts,
    _sub_parts,
    _types,
)

Kind = Literal["enum", "date", "integer", "number", "boolean", "text", "object", "table",
               "cards", "lines", "json"]
SCALARS: Final = frozenset({"enum", "date", "integer", "number", "boolean", "text"})
_URI: Final = "urn:kamcore:section-form"
_REQUIRED = re.compile(r"^'([^']+)' is a required property$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


class _Missing:
    """A value left blank (the field is left out of the data)."""


MISSING: Final = _Missing()


@attrs.frozen
class Widget:
    """How one value is edited: its kind, label, whether required, and per kind the allowed
    values (``options``), the bounds, or the fields (``object``; the columns of ``table``)."""

    kind: Kind
    label: str = ""
    required: bool = False
    description: str = ""
    options: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    fields: tuple[tuple[str, Widget], ...] = ()


def widget(schema: Mapping[str, Any], label: str = "") -> Widget:
    """The widget of a section's ``schema``."""
    from referencing.jsonschema import DRAFT202012

    registry = shape_registry().with_contents([(_URI, schema)],
                                              default_specification=DRAFT202012)
    try:
        return _widget(_parts(schema, registry.resolver(_URI), frozenset()), label, True)
    except RecursiveSchemaError:
        return Widget("json", label, True)


def _widget(parts: Sequence[Part], label: str, required: bool) -> Widget:
    description = " ".join(str(_get(parts, "description") or "").split())
    plain = Widget("json", label, required, description)
    types = _types(parts)
    enums = _every(parts, "enum")
    if enums:
        return attrs.evolve(plain, kind="enum",
                            options=tuple(v for v in enums[0] if v is not None))
    if "object" in types or (not types and _every(parts, "properties")):
        return _object(parts, plain)
    if "array" in types:
        item = _widget(_sub_parts(parts, "items"), label, True)
        if item.kind == "object":
            flat = all(field.kind in SCALARS for _, field in item.fields)
            return attrs.evolve(plain, kind="table" if flat else "cards", fields=item.fields)
        if item.kind in SCALARS:
            return attrs.evolve(plain, kind="lines", fields=(("", item),))
        return plain
    if "string" in types:
        return attrs.evolve(plain, kind="date" if _get(parts, "format") == "date" else "text")
    for kind in ("integer", "number"):
        if kind in types:
            return attrs.evolve(plain, kind=kind, minimum=_get(parts, "minimum"),
                                maximum=_get(parts, "maximum"))
    if "boolean" in types:
        return attrs.evolve(plain, kind="boolean")
    return plain


def _object(parts: Sequence[Part], plain: Widget) -> Widget:
    required = {name for names in _every(parts, "required") for name in names}
    names = [*dict.fromkeys(name for properties in _every(parts, "properties")
                            for name in properties)]
    fields = []
    for name in names:
        if _allowed(parts, name):
            try:
                fields.append((name, _widget(_sub_parts(parts, "properties", name),
                                             name.replace("_", " ").capitalize(),
                                             name in required)))
            except RecursiveSchemaError:
                continue
    return attrs.evolve(plain, kind="object", fields=tuple(fields)) if fields else plain


# -- a widget with a value and the problems of a save ---------------------------------------


@attrs.frozen
class Bound:
    """A widget placed in the form: its input ``name`` (the value's path), the ``text`` its
    input shows, the ``error`` at it, and its fields (object; one object per item of cards)
    or rows of cells (table)."""

    widget: Widget
    name: str
    text: str = ""
    error: str = ""
    fields: tuple[Bound, ...] = ()
    rows: tuple[tuple[Bound, ...], ...] = ()

    @property
    def kind(self) -> Kind:
        """The widget's kind."""
        return self.widget.kind


def errors_by_field(problems: Sequence[Problem], prefix: Sequence[str | int] = ()) -> dict[
        str, list[str]]:
    """The problems' messages by the name of the input they belong to (their path without
    ``prefix``; a missing required property at the property's own input)."""
    found: dict[str, list[str]] = {}
    for problem in problems:
        path = tuple(problem.path[len(prefix):]) if tuple(
            problem.path[:len(prefix)]) == tuple(prefix) else tuple(problem.path)
        message = problem.message
        required = _REQUIRED.match(message)
        if required:
            path, message = (*path, required.group(1)), "required"
        found.setdefault(format_path(path), []).append(message)
    return found


def bind(item: Widget, value: Any, errors: dict[str, list[str]],
         path: tuple[str | int, ...] = ()) -> Bound:
    """``item`` with ``value``; each error it places is taken out of ``errors`` (what is left
    has no input of its own)."""
    name = format_path(path)
    error = "; ".join(errors.pop(name, []))
    if item.kind == "object":
        data = value if isinstance(value, Mapping) else {}
        return Bound(item, name, error=error, fields=tuple(
            bind(field, data.get(key, MISSING), errors, (*path, key))
            for key, field in item.fields))
    if item.kind == "cards":
        items = list(value) if isinstance(value, list) else []
        each = attrs.evolve(item, kind="object")
        return Bound(item, name, error=error, fields=tuple(
            bind(each, entry, errors, (*path, index))
            for index, entry in enumerate([*items, {}])))
    if item.kind == "table":
        rows = list(value) if isinstance(value, list) else []
        cells = tuple(
            tuple(bind(field, row.get(key, MISSING) if isinstance(row, Mapping) else MISSING,
                       errors, (*path, index, key)) for key, field in item.fields)
            for index, row in enumerate([*rows, {}]))
        row_errors = "; ".join(f"row {index + 1}: {m}" for index in range(len(rows))
                               for m in errors.pop(format_path((*path, index)), []))
        return Bound(item, name, error="; ".join(filter(None, [error, row_errors])), rows=cells)
    return Bound(item, name, _text(item, value), error)


def _text(item: Widget, value: Any) -> str:
    if value is MISSING or value is None:
        return ""
    if item.kind == "lines":
        return "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if item.kind == "json":
        return value if isinstance(value, str) else json.dumps(value, indent=2,
                                                               ensure_ascii=False)
    if item.kind == "boolean":
        return {True: "true", False: "false"}.get(value, str(value))
    if item.kind == "enum":
        return json.dumps(value) if not isinstance(value, str) else value
    return str(value)


def option_value(option: Any) -> str:
    """How an enum option is written in its select (and read back)."""
    return option if isinstance(option, str) else json.dumps(option)


# -- the data of a submitted form -----------------------------------------------------------


def read(item: Widget, form: Mapping[str, str], path: tuple[str | int, ...] = ()) -> Any:
    """The value of ``item`` in the submitted ``form`` (:data:`MISSING` when left blank; an
    empty list or object at the root)."""
    name = format_path(path)
    if item.kind == "object":
        data = {key: value for key, field in item.fields
                if (value := read(field, form, (*path, key))) is not MISSING}
        return data if data or not path else MISSING
    if item.kind in ("table", "cards"):
        rows = []
        for index in _row_indexes(form, path):
            row = {key: value for key, field in item.fields
                   if (value := read(field, form, (*path, index, key))) is not MISSING}
            if row:
                rows.append(row)
        return rows if rows or not path else MISSING
    text = str(form.get(name, "")).strip()
    if item.kind == "lines":
        values = [_scalar(item.fields[0][1], line.strip()) for line in text.splitlines()
                  if line.strip()]
        return values if values or not path else MISSING
    if not text:
        return MISSING
    return _scalar(item, text)


def _row_indexes(form: Mapping[str, str], path: tuple[str | int, ...]) -> list[int]:
    """The row numbers of the table at ``path`` that the form has inputs of, in order."""
    prefix = format_path(path) if path else ""
    pattern = re.compile(re.escape(prefix) + r"\[(\d{1,4})\]\.")
    return sorted({int(found.group(1)) for key in form if (found := pattern.match(key))})


def _scalar(item: Widget, text: str) -> Any:
    if item.kind == "integer" and _INTEGER.match(text):
        return int(text)
    if item.kind == "number" and _NUMBER.match(text):
        number = float(text)
        return int(number) if number.is_integer() and "." not in text else number
    if item.kind == "boolean" and text in ("true", "false"):
        return text == "true"
    if item.kind == "enum":
        return next((o for o in item.options if option_value(o) == text), text)
    if item.kind == "json":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text

"""Section templates from JSON Schema: a commented YAML skeleton of one plan section.

``kam plan template METHODOLOGY SECTION`` prints what :func:`section_template` makes: every
field of the section's schema with an example value, and above each field a comment saying
whether it is required, what kind of value it takes (text, a date, a whole number from 1 to 5,
one of a few values), and its description. Filled in -- or even unedited -- it is a file
``kam plan set PLAN SECTION FILE`` accepts.

How the schema is read
    ``$ref`` is followed through the same offline registry the schemas are checked with
    (refs inside the document and the core shapes, ``urn:kamcore:shape:*``; nothing is
    fetched). ``allOf`` parts all apply to the one value (a tightened section is its base
    schema plus an ``allOf`` part); of ``anyOf``/``oneOf`` the first branch that allows a
    value other than null is shown. Objects show every property, the optional ones marked
    optional (a property that an ``additionalProperties: false`` part does not list, or that
    is ``false``, is left out); an object with no properties but an ``additionalProperties``
    schema is a map, shown with one example entry. Arrays show one example item (``minItems``
    of them when more are needed). A ``$ref`` back to a schema it was reached through (a
    tree) stops there: such an optional field is left out and such a list is shown empty;
    where the schema requires one, :class:`RecursiveSchemaError`. ``if``/``then``/``else``,
    ``not`` and ``patternProperties`` are not read.

Where the example values come from, first that applies
    ``const``; the schema's ``examples`` (the first); its ``default`` unless null; the first
    ``enum`` value; else a placeholder of the type: ``text`` (fitted to ``minLength`` and
    ``maxLength``, and to ``pattern`` if one of a few plain words matches it), a date
    ``2027-03-31`` for ``format: date`` (and likewise for a few other formats), ``0`` moved
    into ``minimum``/``maximum``, ``false``.

The contract: for the schemas the shipped methodologies use, :attr:`Template.example` -- and
:attr:`Template.text` read with ``yaml.safe_load`` -- passes the schema. A schema can ask for
more than this reads (a pattern no placeholder matches, a rule in ``if``/``not``);
:meth:`Template.problems` says where, so the template can say so instead of failing later.
"""

from __future__ import annotations

import json
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import attrs
import yaml

from .errors import KamError
from .schemas import CompiledSchema, shape_registry

if TYPE_CHECKING:
    from referencing._core import Resolver  # the type is not exported by referencing

    from .methodology import Methodology

#: The base URI a schema is registered under while its template is made.
_URI = "urn:kamcore:section-template"
#: Width the comments are wrapped to (with their indentation).
WIDTH = 100
#: Placeholders of strings with these formats (others get plain text).
_FORMATS: Mapping[str, tuple[str, str]] = {
    "date": ("2027-03-31", "date YYYY-MM-DD"),
    "date-time": ("2027-03-31T09:00:00Z", "date and time, ISO 8601"),
    "time": ("09:00:00Z", "time of day, ISO 8601"),
    "email": ("name@example.com", "e-mail address"),
    "uri": ("https://example.com", "URL"),
    "uuid": ("00000000-0000-4000-8000-000000000000", "UUID"),
}
#: Plain words tried, in order, against a ``pattern`` the first placeholder does not match.
_WORDS = ("text", "key", "example", "x", "X", "a1", "A1", "1", "0")
_TYPE_WORDS: Mapping[str, str] = {
    "string": "text", "integer": "whole number", "number": "number",
    "boolean": "true or false", "null": "null",
}
_OBJECT_KEYWORDS = ("properties", "additionalProperties", "required", "propertyNames")
_ARRAY_KEYWORDS = ("items", "minItems", "maxItems")

Kind = Literal["scalar", "object", "list"]


class RecursiveSchemaError(KamError):
    """The schema requires a value that contains itself (no finite value passes it)."""


@attrs.frozen
class Field:
    """One entry of an object: its key, what the comment calls it, and its value."""

    key: str
    label: str
    node: Node


@attrs.frozen
class Node:
    """One value of a template: ``notes`` are what its comment says (type, allowed values,
    limits, description); a ``scalar`` has ``value``, an ``object`` its ``fields``, a
    ``list`` ``count`` copies of its ``item``."""

    kind: Kind
    notes: tuple[str, ...] = ()
    value: Any = None
    fields: tuple[Field, ...] = ()
    item: Node | None = None
    count: int = 0

    @property
    def example(self) -> Any:
        """The node's example as plain data."""
        if self.kind == "object":
            return {field.key: field.node.example for field in self.fields}
        if self.kind == "list":
            assert self.item is not None
            return [self.item.example for _ in range(self.count)]
        return self.value

    @property
    def block(self) -> bool:
        """True if the node is written on lines of its own (a non-empty object or list)."""
        if self.kind == "object":
            return bool(self.fields)
        return self.kind == "list" and self.count > 0


@attrs.frozen
class Template:
    """A section's skeleton: ``heading`` comment lines over the ``root`` value."""

    root: Node
    schema: CompiledSchema
    heading: tuple[str, ...] = ()

    @property
    def example(self) -> Any:
        """The example value, as plain data (what ``--json`` prints)."""
        return self.root.example

    @property
    def text(self) -> str:
        """The commented YAML; ``yaml.safe_load`` of it is :attr:`example`."""
        lines = [line for text in self.heading for line in _comment(text, 0)]
        lines += [""] if lines else []
        if self.root.notes:
            lines += _comment(" · ".join(self.root.notes), 0)
        lines += _lines(self.root, 0) if self.root.block else [_flow(self.root)]
        return "\n".join(lines) + "\n"

    def problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Where :attr:`example` fails the schema (see the module docstring); usually none."""
        return self.schema.errors(self.example)


def section_template(methodology: Methodology, key: str) -> Template:
    """The template of section ``key`` of ``methodology``; an unknown section raises
    :class:`~kamcore.errors.NotFoundError` naming the sections there are."""
    section = methodology.section(key)
    heading = [f"{section.title}: section {key} of {methodology.name} {methodology.version}."]
    if section.description:
        heading.append(section.description)
    heading.append(f"Fill it in, then: kam plan set PLAN {key} FILE. Every value below is an "
                   "example; fields marked optional may be deleted.")
    return schema_template(section.schema.schema, heading)


def schema_template(schema: Mapping[str, Any], heading: Sequence[str] = ()) -> Template:
    """The template of any Draft 2020-12 ``schema`` that :func:`kamcore.schemas.schema_problems`
    finds usable, under ``heading`` (comment paragraphs)."""
    from referencing.jsonschema import DRAFT202012

    registry = shape_registry().with_contents([(_URI, schema)],
                                              default_specification=DRAFT202012)
    root = _node(_parts(schema, registry.resolver(_URI), frozenset()))
    return Template(root, CompiledSchema.compile(schema), tuple(heading))


# -- reading the schema --------------------------------------------------------------------------


class Part(NamedTuple):
    """One schema that applies to a value, the resolver of its document, and the schemas that
    ``$ref`` led to on the way down to it (to catch a value that would contain itself)."""

    schema: Mapping[str, Any]
    resolver: Resolver[Any]
    seen: frozenset[int]


def _parts(schema: Any, resolver: Resolver[Any], seen: frozenset[int]) -> list[Part]:
    """Every schema that applies to one value: ``schema``, what its ``$ref`` names, its
    ``allOf`` and the shown branch of its ``anyOf``/``oneOf``. A ``$ref`` to a schema already
    in ``seen`` raises :class:`RecursiveSchemaError`."""
    if not isinstance(schema, Mapping):  # true (anything goes) or false (see _allowed)
        return []
    found = [Part(schema, resolver, seen)]
    ref = schema.get("$ref")
    if isinstance(ref, str):
        resolved = resolver.lookup(ref)
        if id(resolved.contents) in seen:
            raise RecursiveSchemaError(f"$ref {ref!r} needs a value that contains itself")
        found += _parts(resolved.contents, resolved.resolver, seen | {id(resolved.contents)})
    for sub in schema.get("allOf", ()):
        found += _parts(sub, resolver, seen)
    for keyword in ("anyOf", "oneOf"):
        branches = [_parts(sub, resolver, seen) for sub in schema.get(keyword, ())]
        found += next((b for b in branches if _types(b) != ("null",)), [])
    return found


def _sub_parts(parts: Sequence[Part], keyword: str, key: str | None = None) -> list[Part]:
    """The parts of a value inside: each part's ``keyword`` (its ``keyword[key]`` if given)."""
    found: list[Part] = []
    for part in parts:
        sub = part.schema.get(keyword)
        if key is not None:
            sub = sub.get(key) if isinstance(sub, Mapping) else None
        found += _parts(sub, part.resolver, part.seen)
    return found


def _get(parts: Sequence[Part], keyword: str) -> Any:
    """The first value of ``keyword`` among ``parts`` (None if none has it)."""
    return next((part.schema[keyword] for part in parts if keyword in part.schema), None)


def _every(parts: Sequence[Part], keyword: str) -> list[Any]:
    return [part.schema[keyword] for part in parts if keyword in part.schema]


def _has(parts: Sequence[Part], keywords: Sequence[str]) -> bool:
    return any(keyword in part.schema for part in parts for keyword in keywords)


def _types(parts: Sequence[Part]) -> tuple[str, ...]:
    """The JSON types every part allows, in the order first named (empty: not said)."""
    declared = [[kind] if isinstance(kind, str) else list(kind)
                for kind in _every(parts, "type")]
    if not declared:
        return ()
    return tuple(kind for kind in declared[0] if all(kind in other for other in declared[1:]))


def _node(parts: Sequence[Part]) -> Node:
    types = _types(parts)
    if "object" in types or (not types and _has(parts, _OBJECT_KEYWORDS)):
        return _object(parts)
    if "array" in types or (not types and _has(parts, _ARRAY_KEYWORDS)):
        return _list(parts)
    return _scalar(parts, types)


def _described(notes: list[str], parts: Sequence[Part]) -> tuple[str, ...]:
    description = _get(parts, "description")
    return (*notes, " ".join(str(description).split())) if description else tuple(notes)


def _allowed(parts: Sequence[Part], name: str) -> bool:
    """False if a part forbids property ``name`` (``false``, or closed without listing it)."""
    for part in parts:
        properties = part.schema.get("properties", {})
        if properties.get(name) is False:
            return False
        if (part.schema.get("additionalProperties") is False and name not in properties
                and not part.schema.get("patternProperties")):
            return False
    return True


def _object(parts: Sequence[Part]) -> Node:
    required = {name for names in _every(parts, "required") for name in names}
    names = [*dict.fromkeys(name for properties in _every(parts, "properties")
                            for name in properties)]
    names += sorted(required.difference(names))
    fields = []
    for name in names:
        if not _allowed(parts, name):
            continue
        try:
            node = _node(_sub_parts(parts, "properties", name))
        except RecursiveSchemaError:
            if name in required:
                raise
            continue
        fields.append(Field(name, "required" if name in required else "optional", node))
    if not fields and any(isinstance(schema, Mapping)
                          for schema in _every(parts, "additionalProperties")):
        fields.append(_map_entry(parts))
    return Node("object", _described([], parts), fields=tuple(fields))


def _map_entry(parts: Sequence[Part]) -> Field:
    """The one example entry of a map (an object known only by ``additionalProperties``)."""
    key = _scalar(_sub_parts(parts, "propertyNames"), ("string",), placeholder="key")
    label = f"an example entry: one per key (a key is {', '.join(key.notes)})"
    return Field(str(key.value), label, _node(_sub_parts(parts, "additionalProperties")))


def _list(parts: Sequence[Part]) -> Node:
    least = max([0, *_every(parts, "minItems")])
    most = min(_every(parts, "maxItems"), default=None)
    count = 0 if most == 0 else max(1, least)
    try:
        item = _node(_sub_parts(parts, "items"))
    except RecursiveSchemaError:
        if least:
            raise
        item, count = Node("scalar"), 0
    notes = [f"list, {_counted(count, 'example item')} shown: add more like "
             f"{'it' if count == 1 else 'them'}" if count else "list"]
    notes += _limits(least or None, most, "item")
    if _get(parts, "uniqueItems"):
        notes.append("no item twice")
    notes = list(_described(notes, parts))
    if item.notes:
        notes.append("each item: " + ", ".join(item.notes))
    return Node("list", tuple(notes), item=item, count=count)


def _counted(number: Any, unit: str) -> str:
    return f"{number} {unit}" + ("" if number == 1 else "s")


def _limits(low: Any, high: Any, unit: str = "", *, above: Any = None,
            below: Any = None) -> list[str]:
    """Words for inclusive bounds (``low``, ``high``) and exclusive ones (``above``,
    ``below``), of a count of ``unit`` or of a number (no unit)."""

    def of(number: Any) -> str:
        return _counted(number, unit) if unit else str(number)

    if low is not None and high is not None:
        return [f"from {low} to {of(high)}"]
    words = [] if low is None else [f"at least {of(low)}"]
    words += [] if above is None else [f"more than {above}"]
    words += [] if high is None else [f"at most {of(high)}"]
    words += [] if below is None else [f"less than {below}"]
    return words


def _scalar(parts: Sequence[Part], types: tuple[str, ...], placeholder: str = "text") -> Node:
    enums = _every(parts, "enum")
    allowed = [value for value in enums[0] if all(value in other for other in enums[1:])
               ] if enums else []
    if _has(parts, ("const",)):
        notes = [f"always {_flow_scalar(_get(parts, 'const'))}"]
    elif allowed:
        notes = ["one of: " + ", ".join(_flow_scalar(value) for value in allowed)]
    else:
        notes = _type_words(parts, types)
    default = _get(parts, "default")
    if default is not None:
        notes.append(f"default {_flow_scalar(default)}")
    return Node("scalar", _described(notes, parts),
                value=_example(parts, types, allowed, placeholder))


def _example(parts: Sequence[Part], types: tuple[str, ...], allowed: list[Any],
             placeholder: str) -> Any:
    if _has(parts, ("const",)):
        return _get(parts, "const")
    examples = _get(parts, "examples")
    if examples:
        return examples[0]
    default = _get(parts, "default")
    if default is not None:
        return default
    if allowed:
        return allowed[0]
    kind = next((kind for kind in types if kind != "null"), "null" if types else "string")
    if kind in ("integer", "number"):
        return _number(parts, kind == "integer")
    if kind == "boolean":
        return False
    return _text(parts, placeholder) if kind == "string" else None


def _type_words(parts: Sequence[Part], types: tuple[str, ...]) -> list[str]:
    if not types:
        return ["any value"]
    fmt = _get(parts, "format")
    words = [_FORMATS[fmt][1] if kind == "string" and fmt in _FORMATS
             else _TYPE_WORDS.get(kind, kind) for kind in types]
    notes = [" or ".join(words)]
    if "string" in types:
        least, most = _get(parts, "minLength"), _get(parts, "maxLength")
        notes += (["not empty"] if least == 1 and most is None
                  else _limits(least or None, most, "character"))
        if _get(parts, "pattern"):
            notes.append(f"matching {_get(parts, 'pattern')}")
    if "integer" in types or "number" in types:
        notes += _limits(_get(parts, "minimum"), _get(parts, "maximum"),
                         above=_get(parts, "exclusiveMinimum"),
                         below=_get(parts, "exclusiveMaximum"))
    return notes


def _number(parts: Sequence[Part], integer: bool) -> int | float:
    """0 if the bounds allow it; else, between two bounds, the first whole number inside (the
    middle, for numbers); else one step inside the one bound."""
    lows: list[float] = [*_every(parts, "minimum"),
                         *(bound + 1e-9 for bound in _every(parts, "exclusiveMinimum"))]
    highs: list[float] = [*_every(parts, "maximum"),
                          *(bound - 1e-9 for bound in _every(parts, "exclusiveMaximum"))]
    low, high = max(lows, default=None), min(highs, default=None)
    if (low is None or low <= 0) and (high is None or high >= 0):
        return 0
    if not integer and low is not None and high is not None:
        return (low + high) / 2
    if low is not None:
        return math.ceil(low)
    assert high is not None
    return math.floor(high)


def _text(parts: Sequence[Part], placeholder: str) -> str:
    fmt = _get(parts, "format")
    least, most = _get(parts, "minLength") or 0, _get(parts, "maxLength")
    pattern = _get(parts, "pattern")
    candidates = [_FORMATS[fmt][0] if fmt in _FORMATS else placeholder, *_WORDS]
    fitted = [(word + "x" * least)[:max(least, len(word))][:most] for word in candidates]
    if pattern is None:
        return fitted[0]
    return next((word for word in fitted if re.search(pattern, word)), fitted[0])


# -- writing YAML --------------------------------------------------------------------------------


def _flow_scalar(value: Any) -> str:
    """``value`` as YAML on one line, quoted when it would otherwise read as another type (as
    JSON, which YAML reads too, when PyYAML would break it over lines)."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                          width=math.inf).removesuffix("\n...\n").rstrip("\n")
    return json.dumps(value) if "\n" in text else text


def _flow(node: Node) -> str:
    return _flow_scalar(node.example)


def _comment(text: str, indent: int) -> list[str]:
    pad = " " * indent
    return [f"{pad}# {line}" for line in textwrap.wrap(text, max(40, WIDTH - indent - 2))]


def _lines(node: Node, indent: int) -> list[str]:
    """The lines of a block node (:attr:`Node.block`) whose content starts at ``indent``."""
    pad = " " * indent
    lines: list[str] = []
    if node.kind == "object":
        for field in node.fields:
            lines += _comment(" · ".join((field.label, *field.node.notes)), indent)
            key = _flow_scalar(field.key)
            if field.node.block:
                lines += [f"{pad}{key}:", *_lines(field.node, indent + 2)]
            else:
                lines.append(f"{pad}{key}: {_flow(field.node)}")
        return lines
    assert node.item is not None
    for _ in range(node.count):
        item = _lines(node.item, indent + 2) if node.item.block \
            else [f"{pad}  {_flow(node.item)}"]
        first = next(n for n, line in enumerate(item) if not line.lstrip().startswith("#"))
        lines += [line.replace("  ", "", 1) for line in item[:first]]
        lines.append(f"{pad}- {item[first][indent + 2:]}")
        lines += item[first + 1:]
    return lines


"""JSON Schema (Draft 2020-12) without the network.

Methodologies and rubrics carry JSON Schemas. kamcore compiles them against a
:class:`referencing.Registry` that knows only two kinds of target: references inside the schema
itself (``#/$defs/...``) and the core's section shapes (``urn:kamcore:shape:objective``,
``...:action``, ``...:risk``, ``...:whitespace_cell``, ``...:signoff``). Any other ``$ref`` is
refused when the schema is loaded -- nothing is ever fetched.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from . import cache

if TYPE_CHECKING:  # imported when a schema is first checked or used: not at start-up
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError, ValidationError
    from referencing import Registry, Resource

SHAPE_URI_PREFIX = "urn:kamcore:shape:"
#: A single unexpected key in an additional/unevaluated properties error.
_UNEXPECTED = re.compile(r"\(((?:'[^']*'(?:, )?)+) (?:was|were) unexpected\)")
_QUOTED = re.compile(r"'([^']*)'")
#: JSON Schema's type names, for a ``type:`` that is none of them (``int``, ``str``, ``list``).
JSON_TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")
_TYPE_ALIASES = {"int": "integer", "float": "number", "str": "string", "list": "array",
                 "dict": "object", "bool": "boolean", "none": "null", "mapping": "object"}
#: Hints for fields put where a similar one belongs: (parent key, field) -> hint.
_MISPLACED = {
    ("steps", "tighten"): "gates are tightened with steps.update.KEY.gate (a step's gate is "
                          "replaced whole); 'tighten' is for sections",
}
_CLOSED = frozenset({"additionalProperties", "unevaluatedProperties"})
_MAX_MESSAGE = 200


def _refuse_retrieval(uri: str) -> Resource[Any]:
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


@functools.cache
def shape_registry() -> Registry[Any]:
    """The registry of the core's shapes; retrieving anything else fails, offline."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    from .model import SHAPES

    resources = [
        (SHAPE_URI_PREFIX + name,
         Resource.from_contents(cls.model_json_schema(), default_specification=DRAFT202012))
        for name, cls in SHAPES.items()
    ]
    registry: Registry[Any] = Registry(retrieve=_refuse_retrieval)  # type: ignore[call-arg]
    return registry.with_resources(resources)


Path = tuple[str | int, ...]


def _refs(schema: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    if isinstance(schema, Mapping):
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str):
                yield (*path, key), value
            elif key not in ("const", "enum", "default", "examples"):
                yield from _refs(value, (*path, key))
    elif isinstance(schema, list):
        for index, item in enumerate(schema):
            yield from _refs(item, (*path, index))


def schema_problems(schema: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """Why ``schema`` is not a usable Draft 2020-12 schema here, as (path, reason) pairs.

    Checks it against the meta-schema and resolves every ``$ref`` offline. A schema found
    usable is remembered in the on-disk cache (:mod:`kamcore.cache`) by its content, so the
    same schema is not checked again by the next process.
    """
    return cache.known_good("json-schema", schema, lambda: _check_schema(schema))


def _check_schema(schema: Any) -> list[tuple[tuple[str | int, ...], str]]:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError
    from referencing.exceptions import Unresolvable
    from referencing.jsonschema import DRAFT202012

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        if _bad_type_name(exc):
            return [(tuple(exc.path), _type_hint(str(exc.instance)))]
        return [(tuple(exc.path), _short(exc.message))]
    problems = []
    resolver = shape_registry().with_contents(
        [("urn:kamcore:schema-under-check", schema)], default_specification=DRAFT202012
    ).resolver("urn:kamcore:schema-under-check")
    for path, ref in _refs(schema):
        try:
            resolver.lookup(ref)
        except Unresolvable:
            problems.append(
                (path, f"$ref {ref!r} cannot be resolved: only refs inside the document and "
                       f"{SHAPE_URI_PREFIX}* are allowed; remote schemas are never fetched")
            )
    return problems


def _short(message: str) -> str:
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 3] + "..."


def _most_specific(error: ValidationError) -> ValidationError:
    """For anyOf/oneOf failures, the branch error that reached deepest into the instance."""
    while error.context:
        error = max(
            error.context,
            key=lambda sub: (len(sub.absolute_path), sub.validator != "type"),
        )
    return error


@attrs.frozen
class CompiledSchema:
    """A checked schema that validates instances into (path, message) pairs.

    The validator is built on first use (the first :meth:`errors` call), so loading a
    methodology does not import jsonschema until a plan is actually validated.
    """

    schema: Mapping[str, Any]

    @classmethod
    def compile(cls, schema: Mapping[str, Any]) -> CompiledSchema:
        """Prepare a schema already checked with :func:`schema_problems`."""
        return cls(schema)

    @functools.cached_property
    def _validator(self) -> Draft202012Validator:
        from jsonschema import Draft202012Validator

        return Draft202012Validator(
            self.schema,
            registry=shape_registry(),
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )

    def errors(self, instance: Any) -> list[tuple[tuple[str | int, ...], str]]:
        """Every way ``instance`` fails the schema, sorted by path; empty when it is valid."""
        found: list[tuple[Path, str]] = []
        for error in self._validator.iter_errors(instance):
            specific = _most_specific(error)
            path: Path = tuple(specific.absolute_path)
            unexpected = _UNEXPECTED.search(specific.message)
            if specific.validator in _CLOSED and unexpected:
                found.extend(_unknown_fields(specific, path, unexpected.group(1), self.schema))
            elif _bad_type_name(specific):
                found.append((path, _type_hint(str(specific.instance))))
            else:
                found.append((path, _short(_in_document_terms(specific))))
        return sorted(found, key=lambda item: [str(part) for part in item[0]])


def _unknown_fields(error: ValidationError, path: Path, listed: str,
                    root: Mapping[str, Any]) -> Iterator[tuple[Path, str]]:
    """One message per unknown field of a closed object, with a "did you mean" among the fields
    the schema knows; the fields it knows are not reported (``unevaluatedProperties`` lists every
    field as unexpected when any of them fails)."""
    from .errors import close_matches

    known = _fields(error.schema, root)
    keys = _QUOTED.findall(listed)
    for key in [key for key in keys if key not in known] or keys:
        message = f"unknown field {key!r} (not allowed here)"
        hint = _MISPLACED.get((str(path[-1]) if path else "", key))
        guesses = close_matches(key, sorted(known))
        if hint:
            message += f": {hint}"
        elif guesses:
            message += f"; did you mean {guesses[0]!r}?"
        yield (*path, key), message


def _in_document_terms(error: ValidationError) -> str:
    """``error``'s message with the reason first and the value in YAML terms, not as a Python
    repr that the 200-character cut would leave without its reason (``[{'role': 'kam', ...``).
    """
    value, limit, kind = error.instance, error.validator_value, error.validator
    if kind == "contains" and isinstance(value, list):
        return f"no item of the list ({_count(value)}) matches {flow_yaml(limit)}"
    if kind in ("minItems", "maxItems") and isinstance(value, list):
        word = "at least" if kind == "minItems" else "at most"
        return f"the list has {_count(value)}; {word} {limit} needed"
    if isinstance(value, (list, dict)) and repr(value) in error.message:
        shown = flow_yaml(value)
        if len(shown) > 60:
            shown = (f"the list ({_count(value)})" if isinstance(value, list)
                     else f"the mapping with {', '.join(map(str, list(value)[:6]))}"
                          + (", ..." if len(value) > 6 else ""))
        return error.message.replace(repr(value), shown)
    return error.message


def _count(items: Sequence[Any]) -> str:
    return "1 item" if len(items) == 1 else f"{len(items)} items"


def flow_yaml(value: Any) -> str:
    """``value`` as one line of YAML flow style (``{required: [counterpart]}``).

    Values that are plain JSON (what a schema's limits and most instances are) are rendered
    once per process and remembered: a portfolio check meets the same gate's limit on every
    plan, and the YAML emitter costs far more than the lookup."""
    import json

    try:
        key = json.dumps(value)
    except (TypeError, ValueError):
        return _flow_yaml(value)
    if json.loads(key) != value:  # not plain JSON (a tuple, a non-string key): not shared
        return _flow_yaml(value)
    return _flow_yaml_of_json(key)


@functools.lru_cache(maxsize=1024)
def _flow_yaml_of_json(text: str) -> str:
    import json

    return _flow_yaml(json.loads(text))


def _flow_yaml(value: Any) -> str:
    import yaml

    return str(yaml.safe_dump(value, default_flow_style=True, width=10_000,
                              allow_unicode=True, sort_keys=False)).strip().removesuffix("...")\
        .strip()


def _fields(schema: Any, root: Mapping[str, Any], depth: int = 0) -> set[str]:
    """The property names ``schema`` declares, through local ``$ref`` and ``allOf``."""
    if not isinstance(schema, Mapping) or depth > 8:
        return set()
    names = set(schema.get("properties", {}))
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, Mapping) else {}
        names |= _fields(target, root, depth + 1)
    for sub in schema.get("allOf", ()):
        names |= _fields(sub, root, depth + 1)
    return names


def _bad_type_name(error: ValidationError | SchemaError) -> bool:
    """True for ``type: NAME`` in a schema where NAME is no JSON Schema type."""
    path = tuple(error.absolute_path)
    instance = error.instance
    return bool(path) and path[-1] == "type" and isinstance(instance, str) \
        and instance not in JSON_TYPES


def _type_hint(name: str) -> str:
    """``'int' is not a JSON Schema type; use one of ...``, with the likely meant type."""
    from .errors import close_matches

    meant = _TYPE_ALIASES.get(name.lower()) or next(iter(close_matches(name, JSON_TYPES)), None)
    guess = f" (did you mean {meant!r}?)" if meant else ""
    return f"{name!r} is not a JSON Schema type{guess}; use one of {', '.join(JSON_TYPES)}"


def join_path(prefix: Sequence[str | int], path: Sequence[str | int]) -> tuple[str | int, ...]:
    """``prefix + path`` as a tuple."""
    return (*prefix, *path)

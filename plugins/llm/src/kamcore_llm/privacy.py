"""What never leaves for a model: the parts of a plan a methodology marks private, and the
stakeholder fields that identify or reach a person outside kamcore.

A methodology marks a part of a section private with ``x-kam-private: true`` on its schema: on
the section's root schema (the whole section stays home), on a property (that field, wherever
the section holds it) or on an array's ``items`` schema. Marks are read through ``properties``,
``additionalProperties`` and ``items``; a section the methodology does not define is left out
whole, since nothing says what in it is private. Stakeholders never send their
:data:`PRIVATE_STAKEHOLDER_FIELDS`.

:func:`redacted` removes private parts before anything is worded for a model;
:func:`with_private_kept` puts them back into what a model drafted, so a draft can neither
see nor overwrite them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kamcore.methodology import Methodology
from kamcore.model import Plan, Stakeholder

#: The annotation that marks a schema node private.
PRIVATE = "x-kam-private"
#: Stakeholder fields never sent to a model.
PRIVATE_STAKEHOLDER_FIELDS = ("email", "external_ids")

_GONE: Any = object()


def is_private(schema: Any) -> bool:
    """Whether ``schema`` carries the private mark."""
    return isinstance(schema, Mapping) and schema.get(PRIVATE) is True


def _property_schema(schema: Any, key: str) -> Any:
    if not isinstance(schema, Mapping):
        return None
    properties = schema.get("properties")
    if isinstance(properties, Mapping) and key in properties:
        return properties[key]
    return schema.get("additionalProperties")


def _redact(data: Any, schema: Any) -> Any:
    if is_private(schema):
        return _GONE
    if isinstance(data, Mapping):
        kept = {}
        for key, value in data.items():
            clean = _redact(value, _property_schema(schema, str(key)))
            if clean is not _GONE:
                kept[key] = clean
        return kept
    if isinstance(data, list):
        items = schema.get("items") if isinstance(schema, Mapping) else None
        return [clean for clean in (_redact(item, items) for item in data) if clean is not _GONE]
    return data


def redacted_section(methodology: Methodology, key: str, data: Any) -> Any | None:
    """Section ``key``'s data without its private parts; None when the whole section is
    private or the methodology does not define it."""
    known = {section.key: section for section in methodology.sections}
    if key not in known:
        return None
    clean = _redact(data, known[key].schema.schema)
    return None if clean is _GONE else clean


def redacted(plan: Plan, methodology: Methodology) -> Plan:
    """``plan`` without what its methodology marks private (see the module docstring)."""
    sections = {}
    for key, data in plan.sections.items():
        clean = redacted_section(methodology, key, data)
        if clean is not None:
            sections[key] = clean
    return plan.model_copy(update={"sections": sections})


def redacted_stakeholder(person: Stakeholder) -> Stakeholder:
    """``person`` without :data:`PRIVATE_STAKEHOLDER_FIELDS`."""
    return person.model_copy(update={"email": None, "external_ids": {}})


def with_private_kept(new: Any, old: Any, schema: Any) -> Any:
    """``new`` (drafted without the private parts) with the private parts of ``old`` put
    back where they were, and any private value the draft made up dropped. List items are
    matched by ``id`` when they have one, else by position."""
    if isinstance(new, Mapping):
        before = old if isinstance(old, Mapping) else {}
        result = {}
        keys = [*new, *(k for k in before if k not in new)]
        for key in keys:
            sub = _property_schema(schema, str(key))
            if is_private(sub):
                if key in before:
                    result[key] = before[key]
            elif key in new:
                result[key] = with_private_kept(new[key], before.get(key), sub)
        return result
    if isinstance(new, list):
        items = schema.get("items") if isinstance(schema, Mapping) else None
        previous = old if isinstance(old, list) else []
        by_id = {item["id"]: item for item in previous
                 if isinstance(item, Mapping) and "id" in item}
        merged = []
        for index, item in enumerate(new):
            match = by_id.get(item.get("id")) if isinstance(item, Mapping) and "id" in item \
                else (previous[index] if index < len(previous) else None)
            merged.append(with_private_kept(item, match, items))
        return merged
    return new

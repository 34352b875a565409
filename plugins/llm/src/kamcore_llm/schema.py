"""The schema a model is asked to fill: a section's JSON Schema made self-contained and
without the private parts.

Section schemas may point at kamcore's shapes (``$ref: urn:kamcore:shape:objective``); a model
cannot follow that, so the shapes are written in place (with their own ``#/$defs/...``
references). Properties marked private (:mod:`.privacy`) are taken out, and out of
``required``: the model neither sees nor writes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kamcore.schemas import SHAPE_URI_PREFIX, shape_registry

from .privacy import is_private


def _inlined(node: Any, defs: Mapping[str, Any]) -> Any:
    if isinstance(node, list):
        return [_inlined(item, defs) for item in node]
    if not isinstance(node, Mapping):
        return node
    ref = node.get("$ref")
    rest = {key: value for key, value in node.items() if key != "$ref"}
    if isinstance(ref, str) and ref.startswith(SHAPE_URI_PREFIX):
        shape = dict(shape_registry().contents(ref))
        inner = shape.pop("$defs", {})
        return {**_inlined(shape, inner), **_inlined(rest, defs)}
    if isinstance(ref, str) and ref.startswith("#/$defs/") and ref[8:] in defs:
        return {**_inlined(defs[ref[8:]], defs), **_inlined(rest, defs)}
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties" and isinstance(value, Mapping):
            kept = {name: _inlined(sub, defs) for name, sub in value.items()
                    if not is_private(sub)}
            result[key] = kept
        else:
            result[key] = _inlined(value, defs)
    if isinstance(result.get("required"), list) and isinstance(node.get("properties"), Mapping):
        hidden = {name for name, sub in node["properties"].items() if is_private(sub)}
        result["required"] = [name for name in result["required"] if name not in hidden]
    return result


def model_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` self-contained (shape references written in place) and without private
    properties, for a model to fill."""
    defs = schema.get("$defs", {})
    inlined = _inlined({k: v for k, v in schema.items() if k != "$defs"},
                       defs if isinstance(defs, Mapping) else {})
    return dict(inlined)

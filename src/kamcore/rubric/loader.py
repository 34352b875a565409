"""Turn rubric documents into checked :class:`Rubric` objects."""

from __future__ import annotations

import functools
import json
from importlib.resources import files
from typing import Any

from .. import cache
from ..documents import Document
from ..errors import InvalidInputError, Problem
from ..schemas import CompiledSchema
from .model import Band, Criterion, Points, Rubric, Scale

_WEIGHT_TOLERANCE = 1e-6


@functools.cache
def document_schema() -> dict[str, Any]:
    """The JSON Schema every rubric document must satisfy."""
    text = files("kamcore.rubric").joinpath("rubric.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def _validator() -> CompiledSchema:
    return CompiledSchema.compile(document_schema())


def _scale(data: dict[str, Any]) -> Scale:
    return Scale(float(data["min"]), float(data["max"]),
                 float(data["step"]) if "step" in data else None)


def build_rubric(doc: Document) -> Rubric:
    """Check ``doc`` and build its rubric; :class:`InvalidInputError` lists every problem."""
    if not isinstance(doc.data, dict):
        raise InvalidInputError(f"{doc.source}: not a valid rubric",
                                [doc.problem((), "a rubric document must be a mapping")])
    # a document that passed the rubric schema is remembered in the on-disk cache
    problems: list[Problem] = cache.known_good("rubric-document", doc.data, lambda: [
        doc.problem(p, m) for p, m in _validator().errors(doc.data)])
    if problems:
        raise InvalidInputError(f"{doc.source}: not a valid rubric", problems)
    data = doc.data
    scales = [(("scale",), data["scale"])] + [
        (("criteria", i, "scale"), c["scale"])
        for i, c in enumerate(data["criteria"]) if "scale" in c
    ]
    for path, scale in scales:
        if scale["min"] >= scale["max"]:
            problems.append(doc.problem(path, "scale min must be below max"))
    keys: set[str] = set()
    for i, criterion in enumerate(data["criteria"]):
        if criterion["key"] in keys:
            problems.append(doc.problem(("criteria", i, "key"),
                                        f"criterion {criterion['key']!r} is used twice"))
        keys.add(criterion["key"])
    for i, criterion in enumerate(data["criteria"]):
        if "points" in criterion and "signal" not in criterion:
            problems.append(doc.problem(("criteria", i, "points"),
                                        "points only apply to a criterion computed by a signal"))
        scale = _scale(criterion.get("scale", data["scale"]))
        for j, row in enumerate(criterion.get("points", [])):
            off = scale.problem(float(row["value"]))
            if off:
                problems.append(doc.problem(("criteria", i, "points", j, "value"), off))
        for key in criterion.get("anchors", {}):
            off = scale.problem(float(key))
            if off:
                problems.append(doc.problem(("criteria", i, "anchors", key), off))
    total_weight = sum(c["weight"] for c in data["criteria"])
    if abs(total_weight - 1) > _WEIGHT_TOLERANCE:
        problems.append(doc.problem(("criteria",),
                                    f"weights must sum to 1, they sum to {total_weight:g}"))
    names = [band["name"] for band in data.get("bands", [])]
    if len(set(names)) != len(names):
        problems.append(doc.problem(("bands",), "band names must be unique"))
    if problems:
        raise InvalidInputError(f"{doc.source}: not a valid rubric", problems)
    default_scale = _scale(data["scale"])
    return Rubric(
        name=data["name"],
        version=data["version"],
        title=data["title"],
        description=data.get("description", ""),
        criteria=tuple(
            Criterion(
                key=c["key"], title=c["title"], weight=float(c["weight"]),
                scale=_scale(c["scale"]) if "scale" in c else default_scale,
                signal=c.get("signal"), description=c.get("description", ""),
                points=tuple(sorted((Points(float(p["min"]), float(p["value"]),
                                            p.get("label", "")) for p in c.get("points", [])),
                                    key=lambda p: -p.min)),
                target=c.get("target", ""),
                anchors=tuple(sorted(((float(k), v) for k, v in c.get("anchors", {}).items()),
                                     key=lambda anchor: -anchor[0])),
            )
            for c in data["criteria"]
        ),
        bands=tuple(sorted(
            (Band(b["name"], float(b["min"]), b.get("description", ""),
                  bool(b.get("qualifies", False)))
             for b in data.get("bands", [])),
            key=lambda band: -band.min,
        )),
        rescore_every=data.get("rescore_every"),
        source=doc.source,
        document=data,
    )

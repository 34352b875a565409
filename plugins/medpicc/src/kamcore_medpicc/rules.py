"""The qualification rules of a medpicc-family methodology, read from its ``settings``.

``settings`` holds (see ``medpicc.yaml``):

``elements``       ``[{key, title}]``: the scored elements, each 0..3
``validated_score`` the score from which an element counts as validated (default 2)
``stage_order``    ``[{stage, aliases?, closed?}]``: the pipeline in order, with the CRM names
                   that map onto each stage
``stages``         ``[{stage, min_total, must_validate}]``: what each open stage requires
``red_flags``      ``[{code, element, message, from_stage?}]``: warn while ``element`` is
                   unknown (0), always or from ``from_stage`` on

:meth:`QualificationRules.from_methodology` checks all of it: the JSON shape, and that every
element, stage and ``from_stage`` named exists. It raises :class:`SettingsError` with every
problem found. Derived methodologies override whole keys, e.g. ``elements`` and ``stages``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

import attrs

from kamcore.errors import format_path
from kamcore.methodology import Methodology
from kamcore.schemas import CompiledSchema

#: The top of the scale: 0 unknown, 1 identified, 2 validated, 3 leveraged.
MAX_SCORE = 3
LEVELS: tuple[str, ...] = ("unknown", "identified", "validated", "leveraged")

_KEY = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
_NAME = {"type": "string", "minLength": 1}
SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["elements", "stage_order", "stages"],
    "properties": {
        "validated_score": {"type": "integer", "minimum": 1, "maximum": MAX_SCORE},
        "elements": {
            "type": "array", "minItems": 1,
            "items": {"type": "object", "additionalProperties": False, "required": ["key"],
                      "properties": {"key": _KEY, "title": _NAME}},
        },
        "stage_order": {
            "type": "array", "minItems": 1,
            "items": {"type": "object", "additionalProperties": False, "required": ["stage"],
                      "properties": {"stage": _NAME, "closed": {"type": "boolean"},
                                     "aliases": {"type": "array", "items": _NAME}}},
        },
        "stages": {
            "type": "array",
            "items": {"type": "object", "additionalProperties": False,
                      "required": ["stage", "min_total"],
                      "properties": {"stage": _NAME,
                                     "min_total": {"type": "integer", "minimum": 0},
                                     "must_validate": {"type": "array", "items": _KEY,
                                                       "uniqueItems": True}}},
        },
        "red_flags": {
            "type": "array",
            "items": {"type": "object", "additionalProperties": False,
                      "required": ["code", "element", "message"],
                      "properties": {"code": {"type": "string",
                                              "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                                     "element": _KEY, "message": _NAME,
                                     "from_stage": _NAME}},
        },
    },
}


class SettingsError(ValueError):
    """The methodology's settings cannot be used to qualify opportunities."""


def normalize_stage(name: str) -> str:
    """Stage name for matching: lower case, runs of anything but letters/digits as one space."""
    return " ".join(re.findall(r"[a-z0-9]+", name.lower()))


@functools.cache
def _settings_schema() -> CompiledSchema:
    return CompiledSchema.compile(SETTINGS_SCHEMA)


@attrs.frozen
class Element:
    """One scored element."""

    key: str
    title: str


@attrs.frozen
class Stage:
    """One stage of the pipeline and what an opportunity at it must show.

    ``index`` is its position in ``stage_order``; ``names`` the normalized stage name and
    aliases; ``min_total``/``must_validate`` are unused for closed stages.
    """

    name: str
    index: int
    names: frozenset[str]
    closed: bool = False
    min_total: int = 0
    must_validate: tuple[str, ...] = ()


@attrs.frozen
class RedFlagRule:
    """Warn with ``code`` while ``element`` scores 0, from stage index ``from_index`` on."""

    code: str
    element: str
    message: str
    from_stage: str | None = None
    from_index: int = 0


@attrs.frozen
class QualificationRules:
    """The elements, stage table and red flags of one methodology."""

    methodology: str
    elements: tuple[Element, ...]
    stages: tuple[Stage, ...]
    red_flags: tuple[RedFlagRule, ...]
    validated_score: int = 2

    @property
    def element_keys(self) -> tuple[str, ...]:
        """The element keys, in order."""
        return tuple(element.key for element in self.elements)

    @property
    def max_total(self) -> int:
        """The best possible total: 3 per element."""
        return MAX_SCORE * len(self.elements)

    def stage(self, crm_stage: str | None) -> Stage | None:
        """The stage a CRM stage name maps to (case and punctuation ignored), or None."""
        if crm_stage is None:
            return None
        wanted = normalize_stage(crm_stage)
        return next((stage for stage in self.stages if wanted in stage.names), None)

    @classmethod
    def from_methodology(cls, methodology: Methodology) -> QualificationRules:
        """Read and check ``methodology.settings``; :class:`SettingsError` lists each problem."""
        return _parse(methodology.name, methodology.settings)


def _parse(name: str, settings: Mapping[str, Any]) -> QualificationRules:
    problems = [f"settings.{format_path(path)}: {message}" if path else f"settings: {message}"
                for path, message in _settings_schema().errors(dict(settings))]
    if problems:
        raise SettingsError(f"{name}: " + "; ".join(problems))

    def fail(where: str, message: str) -> None:
        problems.append(f"settings.{where}: {message}")

    elements = tuple(Element(e["key"], e.get("title", e["key"])) for e in settings["elements"])
    keys = [element.key for element in elements]
    if len(set(keys)) != len(keys):
        fail("elements", "an element is listed twice")

    by_name: dict[str, int] = {}
    for index, entry in enumerate(settings["stage_order"]):
        for alias in (entry["stage"], *entry.get("aliases", ())):
            normal = normalize_stage(alias)
            if normal in by_name and by_name[normal] != index:
                fail(f"stage_order[{index}]", f"{alias!r} already names another stage")
            by_name.setdefault(normal, index)

    requirements: dict[int, Mapping[str, Any]] = {}
    for index, entry in enumerate(settings["stages"]):
        position = by_name.get(normalize_stage(entry["stage"]))
        if position is None:
            fail(f"stages[{index}].stage", f"{entry['stage']!r} is not in stage_order")
            continue
        if position in requirements:
            fail(f"stages[{index}].stage", f"{entry['stage']!r} is listed twice")
        requirements[position] = entry
        for j, element in enumerate(entry.get("must_validate", ())):
            if element not in keys:
                fail(f"stages[{index}].must_validate[{j}]",
                     f"{element!r} is not an element of {name} ({', '.join(keys)})")
        if entry["min_total"] > MAX_SCORE * len(keys):
            fail(f"stages[{index}].min_total",
                 f"{entry['min_total']} is more than the maximum {MAX_SCORE * len(keys)}")

    stages = []
    for index, entry in enumerate(settings["stage_order"]):
        closed = bool(entry.get("closed", False))
        names = frozenset(normalize_stage(n) for n in (entry["stage"], *entry.get("aliases", ())))
        requirement = requirements.get(index)
        if requirement is None and not closed:
            fail("stages", f"no requirement for open stage {entry['stage']!r}")
        stages.append(Stage(
            entry["stage"], index, names, closed,
            min_total=requirement["min_total"] if requirement else 0,
            must_validate=tuple(requirement.get("must_validate", ())) if requirement else (),
        ))

    red_flags = []
    for index, entry in enumerate(settings.get("red_flags", ())):
        if entry["element"] not in keys:
            # A variant that drops an element drops its red flag with it.
            continue
        from_stage = entry.get("from_stage")
        from_index = by_name.get(normalize_stage(from_stage)) if from_stage else 0
        if from_index is None:
            fail(f"red_flags[{index}].from_stage", f"{from_stage!r} is not in stage_order")
            continue
        red_flags.append(RedFlagRule(entry["code"], entry["element"], entry["message"],
                                     from_stage, from_index))

    if problems:
        raise SettingsError(f"{name}: " + "; ".join(problems))
    return QualificationRules(name, elements, tuple(stages), tuple(red_flags),
                              settings.get("validated_score", 2))

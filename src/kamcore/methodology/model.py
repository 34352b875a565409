"""The runtime form of a methodology: steps, sections, gates and cadence, all validated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ..cadence import Cadence
from ..errors import NotFoundError
from ..schemas import CompiledSchema


@attrs.frozen
class Gate:
    """What the plan's sections must satisfy before the plan may leave a step."""

    message: str
    schema: CompiledSchema


@attrs.frozen
class Step:
    """One step of the methodology, in order; ``sections`` are the ones worked on in it."""

    key: str
    title: str
    purpose: str = ""
    sections: tuple[str, ...] = ()
    gate: Gate | None = None


@attrs.frozen
class Section:
    """One section of a plan and the JSON Schema its data must satisfy; ``customer_facing``
    sections are shown to the customer through a share link (the rest is internal)."""

    key: str
    title: str
    description: str = ""
    schema: CompiledSchema = attrs.field(kw_only=True)
    customer_facing: bool = attrs.field(default=False, kw_only=True)


@attrs.frozen
class Methodology:
    """A loaded, checked methodology.

    ``lineage`` is this methodology's name followed by the names of the ones it extends,
    nearest first (``("sama7-lite", "sama7")``): a Python check written for ``sama7`` applies to
    every methodology whose lineage contains ``"sama7"``. ``aliases`` are other names it is
    found by (``meddpicc`` for ``medpicc``; a derived methodology does not inherit them).
    ``document`` is the fully resolved document (after ``extends``), as plain data.
    """

    name: str
    version: str
    title: str
    description: str
    steps: tuple[Step, ...]
    sections: tuple[Section, ...]
    roles: tuple[str, ...] = ()
    cadence: tuple[Cadence, ...] = ()
    settings: Mapping[str, Any] = attrs.field(factory=dict)
    lineage: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    source: str = ""
    document: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    def derives_from(self, name: str) -> bool:
        """True if this methodology is ``name`` or extends it (directly or not)."""
        return name in self.lineage

    @property
    def first_step(self) -> Step:
        """The step a new plan starts at."""
        return self.steps[0]

    def step(self, key: str) -> Step:
        """The step ``key``; :class:`NotFoundError` lists the steps there are."""
        for step in self.steps:
            if step.key == key:
                return step
        raise NotFoundError(f"step of {self.name}", key, [s.key for s in self.steps])

    def step_index(self, key: str) -> int:
        """0-based position of step ``key``."""
        return self.steps.index(self.step(key))

    def section(self, key: str) -> Section:
        """The section ``key``; :class:`NotFoundError` lists the sections there are."""
        for section in self.sections:
            if section.key == key:
                return section
        raise NotFoundError(f"section of {self.name}", key, [s.key for s in self.sections])

    def warnings(self) -> list[str]:
        """What is allowed but probably a mistake: a step with no section (a plan at that step
        has nothing to fill in; in a variant, the sections it had were usually dropped)."""
        derived = len(self.lineage) > 1
        return [f"step {step.key!r} has no section"
                + (" (did extends drop the sections it had? drop the step too, or give it "
                   "sections with steps.update)" if derived else "")
                for step in self.steps if not step.sections]

    def summary(self) -> dict[str, Any]:
        """A JSON-ready description for listings."""
        return {
            "name": self.name,
            "version": self.version,
            "title": self.title,
            "extends": self.lineage[1] if len(self.lineage) > 1 else None,
            "steps": [step.key for step in self.steps],
            "sections": [section.key for section in self.sections],
            "source": self.source,
        }

"""The portfolio roll-up of the plans' multi-year revenue scenarios: per year, the base and
stretch cases summed over the programme accounts' current plans.

A plan's scenario is its ``revenue_scenario`` section (simple_plan and sama7 name it so): a
mapping with ``years``, each a ``scenario_year`` (``year``, ``base``, ``stretch``). Years are
added up as written (``FY2027`` and ``2027`` are different years); plans in other currencies
are added up too, so keep a portfolio in one currency.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from ..model import Plan

#: The section holding a plan's scenario.
SCENARIO_SECTION = "revenue_scenario"


@attrs.frozen
class ScenarioYear:
    """One year of the roll-up: the summed base and stretch cases, and how many plans."""

    year: str
    base: float
    stretch: float
    plans: int

    def as_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return attrs.asdict(self)


def scenario_rollup(plans: Iterable[Plan]) -> tuple[ScenarioYear, ...]:
    """The years of every plan's scenario, summed, in year order."""
    sums: dict[str, list[float]] = {}
    for plan in plans:
        section = plan.sections.get(SCENARIO_SECTION)
        years = section.get("years") if isinstance(section, dict) else None
        for item in years if isinstance(years, list) else ():
            if not isinstance(item, dict) or not isinstance(item.get("year"), str):
                continue
            base, stretch = item.get("base"), item.get("stretch")
            if isinstance(base, (int, float)) and isinstance(stretch, (int, float)):
                total = sums.setdefault(item["year"], [0.0, 0.0, 0])
                total[0] += base
                total[1] += stretch
                total[2] += 1
    return tuple(ScenarioYear(year, b, s, int(n)) for year, (b, s, n) in sorted(sums.items()))

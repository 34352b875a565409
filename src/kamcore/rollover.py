"""Rolling a plan over into the next period: "annual reviews refresh the plan from scratch --
new objectives, refreshed SWOT, recalibrated stakeholder map".

The next period's plan starts at the methodology's first step and carries forward only what
is still live: open actions (not done or cancelled), objectives in progress (not achieved or
dropped) and the stakeholder picture (stakeholder-map entries). Everything else -- the SWOT,
the summary, the scenario, closed items -- is written afresh. Lists are recognised by their
shape (:mod:`kamcore.shapes`); a carried section the schema refuses once filtered is left out
and named.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .shapes import action_open, shaped_lists

if TYPE_CHECKING:
    from .methodology import Methodology
    from .model import Plan

#: Objective states that are over: such objectives stay with the old plan.
CLOSED_OBJECTIVE_STATES = frozenset({"achieved", "dropped"})


@attrs.frozen
class Carried:
    """What a rollover takes forward: sections by key, and the sections left out (and why)."""

    sections: Mapping[str, Any]
    left_out: tuple[tuple[str, str], ...] = ()


def _live(shape: str, item: Mapping[str, Any]) -> bool:
    if shape == "action":
        return action_open(item)
    if shape == "objective":
        return item.get("status") not in CLOSED_OBJECTIVE_STATES
    return shape == "stakeholder_entry"


def carried_sections(plan: Plan, methodology: Methodology) -> Carried:
    """The sections of ``plan`` the next period's plan starts with: each recognised list of
    actions, objectives or stakeholder-map entries with its live items, at the same place (a
    list inside another list is not carried)."""
    from .planning import section_problems

    sections: dict[str, Any] = {}
    for shape, path, items in shaped_lists(plan, methodology):
        keys = path[1:]
        live = [item for item in items if _live(shape, item)]
        if not live or not all(isinstance(key, str) for key in keys):
            continue
        if len(keys) == 1:
            sections[str(keys[0])] = live
            continue
        node = sections.setdefault(str(keys[0]), {})
        for key in keys[1:-1]:
            node = node.setdefault(str(key), {})
        node[str(keys[-1])] = live
    left_out = []
    for key in sorted(sections):
        problems = section_problems(methodology, key, sections[key])
        if problems:
            left_out.append((key, problems[0].message))
            del sections[key]
    return Carried(sections, tuple(left_out))

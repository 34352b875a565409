"""Comparing two states of a plan: every change in plain words, stakeholders first, then the
plan record (:mod:`kamcore.changes.plan_record`), then scores.

Pure: the states are given (see :mod:`kamcore.changes.past`), nothing is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .plan_record import plan_record_changes
from .wording import PlainChange, movement, number, signed_number, text_of

if TYPE_CHECKING:
    from ..methodology import Methodology
    from ..model import ScoreCard, Stakeholder
    from .past import PlanState

#: Stakeholder fields whose change is worth a line (support, influence, roles have their own).
_STAKEHOLDER_FIELDS = ("name", "title", "business_unit", "seniority", "relationship_strength",
                       "decision_authority", "seller_owner")


def plan_changes(before: PlanState, after: PlanState,
                 methodology: Methodology | None = None) -> list[PlainChange]:
    """Every change from ``before`` to ``after`` in plain words: stakeholders first, then the
    plan (step, sections), then scores."""
    names = {**{k: s.name for k, s in before.stakeholders.items()},
             **{k: s.name for k, s in after.stakeholders.items()}}
    return [
        *stakeholder_changes(before.stakeholders, after.stakeholders),
        *plan_record_changes(before, after, methodology, names),
        *score_changes(before.score_cards, after.score_cards),
    ]


def stakeholder_changes(before: Mapping[str, Stakeholder],
                        after: Mapping[str, Stakeholder]) -> list[PlainChange]:
    """Stakeholders added or removed; support, influence, roles and other fields moved."""
    out: list[PlainChange] = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old is None and new is not None:
            details = [f"roles {', '.join(sorted(new.roles))}"] if new.roles else []
            if new.influence is not None:
                details.append(f"influence {new.influence}")
            if new.support is not None:
                details.append(f"support {signed_number(new.support)}")
            title = f" ({new.title})" if new.title else ""
            out.append(PlainChange(
                "stakeholder-added",
                f"stakeholder {new.name}{title} added" + (f": {', '.join(details)}"
                                                          if details else ""), key))
            continue
        if new is None:
            assert old is not None
            out.append(PlainChange("stakeholder-removed", f"stakeholder {old.name} removed", key))
            continue
        assert old is not None
        if old.support != new.support:
            out.append(PlainChange("support-moved", f"{new.name}: support "
                                   f"{movement(old.support, new.support, signed=True)}", key))
        if old.influence != new.influence:
            out.append(PlainChange("influence-moved", f"{new.name}: influence "
                                   f"{movement(old.influence, new.influence)}", key))
        for role in sorted(new.roles - old.roles):
            out.append(PlainChange("role-added", f"{new.name} is now {role}", key))
        for role in sorted(old.roles - new.roles):
            out.append(PlainChange("role-removed", f"{new.name} is no longer {role}", key))
        for field in _STAKEHOLDER_FIELDS:
            was, now = getattr(old, field), getattr(new, field)
            if was != now:
                out.append(PlainChange(
                    "stakeholder-changed",
                    f"{new.name}: {field.replace('_', ' ')} {text_of(was)} -> {text_of(now)}",
                    key))
    return out


def score_changes(before: Mapping[str, ScoreCard],
                  after: Mapping[str, ScoreCard]) -> list[PlainChange]:
    """Per rubric: first scored, no longer scored, or total, band or criteria changed."""
    out: list[PlainChange] = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old is None and new is not None:
            band = f" ({new.band})" if new.band else ""
            out.append(PlainChange("score-added", f"score {name}: first scored "
                                   f"{number(new.total)}{band}", name))
        elif new is None and old is not None:
            out.append(PlainChange("score-removed", f"score {name}: no score any more (was "
                                   f"{number(old.total)})", name))
        elif old is not None and new is not None:
            parts = []
            if round(old.total, 6) != round(new.total, 6):
                parts.append(f"{number(old.total)} -> {number(new.total)}")
            if old.band != new.band:
                parts.append(f"band {old.band or 'none'} -> {new.band or 'none'}")
            if old.rubric.version != new.rubric.version:
                parts.append(f"rubric version {old.rubric.version} -> {new.rubric.version}")
            criteria = [f"{key} {number(old.values.get(key))} -> {number(new.values.get(key))}"
                        for key in sorted(set(old.values) | set(new.values))
                        if old.values.get(key) != new.values.get(key)]
            if parts or criteria:
                text = ", ".join(parts) if parts else f"{number(new.total)} (unchanged)"
                if criteria:
                    text += f"; {', '.join(criteria)}"
                out.append(PlainChange("score-changed", f"score {name}: {text}", name))
    return out

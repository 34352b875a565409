"""Scoring one opportunity: pure functions, no workspace, no plugin host.

:func:`qualify` adds up an opportunity's element scores, compares them with what its stage
requires (minimum total, elements that must be validated) and lists the red flags. The elements
and the stage table come from the methodology (see :mod:`kamcore_medpicc.rules`), so MEDDIC
scores out of 18, MEDDICC out of 21 and MEDDPICC out of 24.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from kamcore.methodology import Methodology

from .rules import MAX_SCORE, QualificationRules, Stage

if TYPE_CHECKING:
    from kamcore.model import Opportunity


@attrs.frozen
class RedFlag:
    """A warning about one element of one opportunity (``code`` e.g. ``no-champion``)."""

    code: str
    element: str
    message: str


@attrs.frozen
class Qualification:
    """How one opportunity scores against what its stage requires.

    ``stage`` is the stage-table name its CRM stage maps to (None when it maps to none);
    ``qualified`` is True when the total reaches ``min_total`` and every element the stage
    requires validated is; ``missing`` lists the required elements that are not validated;
    ``reasons`` say in words why it is not qualified (empty when it is).
    """

    opportunity_id: str
    stage: str | None
    scores: Mapping[str, int]
    total: int
    max_total: int
    min_total: int | None
    qualified: bool
    missing: tuple[str, ...] = ()
    red_flags: tuple[RedFlag, ...] = ()
    reasons: tuple[str, ...] = ()

    @property
    def score(self) -> str:
        """``"14/24"``."""
        return f"{self.total}/{self.max_total}"


def element_scores(data: Mapping[str, Any] | None, rules: QualificationRules) -> dict[str, int]:
    """Each element's score from section data (``{element: {score, evidence}}``).

    Elements without a usable 0..3 integer score count as 0 (unknown).
    """
    scores: dict[str, int] = {}
    for key in rules.element_keys:
        entry = (data or {}).get(key)
        value = entry.get("score") if isinstance(entry, Mapping) else None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SCORE:
            value = 0
        scores[key] = value
    return scores


def _red_flags(scores: Mapping[str, int], stage: Stage | None,
               rules: QualificationRules) -> tuple[RedFlag, ...]:
    flags = []
    for rule in rules.red_flags:
        if scores[rule.element] != 0:
            continue
        if rule.from_stage is not None and (stage is None or stage.index < rule.from_index):
            continue
        flags.append(RedFlag(rule.code, rule.element, rule.message))
    return tuple(flags)


def qualify(opportunity: Opportunity, scores: Mapping[str, Any] | None,
            methodology: Methodology, rules: QualificationRules | None = None) -> Qualification:
    """Score ``opportunity`` from its section data ``scores`` under ``methodology``.

    :param scores: ``{element: {"score": 0..3, "evidence": ...}}`` for this opportunity, or
        None when it has none (all elements then count as unknown).
    :param rules: the methodology's rules if already read (they are read from it otherwise).
    :raises kamcore_medpicc.rules.SettingsError: the methodology's settings are unusable.

    An opportunity whose stage is unknown, or maps to no stage of the table, is not qualified.
    An opportunity at a closed stage is not qualified either, because there is nothing left to
    qualify. Red flags with a ``from_stage`` only fire once the stage is known to be at or past
    it.
    """
    rules = rules or QualificationRules.from_methodology(methodology)
    values = element_scores(scores, rules)
    total = sum(values.values())
    stage = rules.stage(opportunity.stage)
    flags = _red_flags(values, stage, rules)
    if stage is None:
        known = ", ".join(s.name for s in rules.stages)
        why = (f"stage {opportunity.stage!r} is not in the stage table of {rules.methodology} "
               f"({known})" if opportunity.stage else "the opportunity has no stage")
        return Qualification(opportunity.id, None, values, total, rules.max_total, None, False,
                             red_flags=flags, reasons=(why,))
    if stage.closed:
        return Qualification(opportunity.id, stage.name, values, total, rules.max_total, None,
                             False, reasons=(f"stage {stage.name} is closed",))
    reasons = []
    if total < stage.min_total:
        reasons.append(f"total {total} is below the {stage.min_total} needed at {stage.name}")
    missing = tuple(key for key in stage.must_validate if values[key] < rules.validated_score)
    if missing:
        listed = ", ".join(f"{key} ({values[key]})" for key in missing)
        reasons.append(f"not validated (score < {rules.validated_score}) at {stage.name}: "
                       f"{listed}")
    return Qualification(opportunity.id, stage.name, values, total, rules.max_total,
                         stage.min_total, not reasons, missing, flags, tuple(reasons))

"""Each programme metric of one account in one quarter, as a numerator and a denominator.

A metric's value is ``numerator / denominator``; the programme's value is the sum of the
accounts' numerators over the sum of their denominators, so revenue ratios are weighted by
revenue and per-account figures (coverage, health) are averaged. A metric with no data for an
account (no revenue facts in the window, no closed deals...) has no part and is left out of
the roll-up.

The *window* of quarter ``q`` is the trailing year: ``q`` and the three quarters before it;
the *year before* is the four quarters before that. What each formula reads is in
``docs/metrics.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING

import attrs

from ..coverage import executive_relationships
from ..qbr import QBR_RUBRIC, qbr_kind
from ..quarters import Quarter

if TYPE_CHECKING:
    from ..methodology import Methodology
    from ..model import Plan, RevenueFact
    from ..snapshot import AccountSnapshot

#: The rubric whose cards give the account health score (scored at each QBR).
HEALTH_RUBRIC = QBR_RUBRIC


@attrs.frozen
class Part:
    """An account's contribution to a metric: ``numerator / denominator`` is its value."""

    numerator: float
    denominator: float

    @property
    def value(self) -> float | None:
        """The ratio, or None for a zero denominator."""
        return self.numerator / self.denominator if self.denominator else None


@attrs.frozen
class AccountQuarter:
    """What a metric reads: the account's records, the quarter, the day judged (the quarter's
    last day, or ``as_of`` if earlier) and the installed methodologies by name."""

    snapshot: AccountSnapshot
    quarter: Quarter
    as_of: date
    methodologies: Mapping[str, Methodology]

    @property
    def day(self) -> date:
        """The day the quarter is judged on."""
        return min(self.quarter.last_day, self.as_of)

    def facts(self, quarters: Iterable[Quarter]) -> list[RevenueFact]:
        """The account's revenue facts of ``quarters``."""
        wanted = {str(q) for q in quarters}
        return [fact for fact in self.snapshot.revenue if fact.period in wanted]

    @property
    def window(self) -> tuple[Quarter, ...]:
        """The trailing year ending with the quarter."""
        return self.quarter.trailing_year()

    @property
    def year_before(self) -> tuple[Quarter, ...]:
        """The four quarters before the window."""
        return self.quarter.shifted(-4).trailing_year()

    def current_plan(self) -> Plan | None:
        """The account's most recently changed plan whose methodology is installed, leaving
        out plans rolled over into another."""
        plans = [p for p in self.snapshot.plans
                 if p.methodology.name in self.methodologies and p.superseded_by is None]
        return max(plans, key=lambda p: (p.updated_at is not None, p.updated_at, p.id),
                   default=None)


def net_revenue_retention(data: AccountQuarter) -> Part | None:
    """(booked in the year before + expansion - churn in the window) / booked the year before."""
    before = sum(f.booked for f in data.facts(data.year_before))
    window = data.facts(data.window)
    if not before or not window:
        return None
    return Part(before + sum(f.expansion for f in window) - sum(f.churn for f in window), before)


def expansion_share(data: AccountQuarter) -> Part | None:
    """Expansion over all booked revenue in the window."""
    window = data.facts(data.window)
    booked = sum(f.booked for f in window)
    return Part(sum(f.expansion for f in window), booked) if booked else None


def growth_rate(data: AccountQuarter) -> Part | None:
    """Booked in the window over booked the year before, minus one."""
    before = sum(f.booked for f in data.facts(data.year_before))
    window = data.facts(data.window)
    if not before or not window:
        return None
    return Part(sum(f.booked for f in window) - before, before)


def share_of_wallet(data: AccountQuarter) -> Part | None:
    """Booked over the customer's addressable spend, in the window's quarters that state it."""
    known = [f for f in data.facts(data.window) if f.wallet]
    return Part(sum(f.booked for f in known), sum(f.wallet or 0 for f in known)) if known else None


def competitive_displacement(data: AccountQuarter) -> Part | None:
    """1 when a competitor entered the account in the window (0 when facts say none did)."""
    window = data.facts(data.window)
    if not window:
        return None
    return Part(1.0 if any(f.competitor_entered for f in window) else 0.0, 1.0)


def executive_coverage(data: AccountQuarter) -> Part:
    """Active C-level relationships on the day judged (:mod:`kamcore.coverage`)."""
    return Part(float(len(executive_relationships(data.snapshot.stakeholders, data.day))), 1.0)


def account_health(data: AccountQuarter) -> Part | None:
    """The total of the latest ``qbr-health`` card scored by the end of the quarter, if that
    card was scored within the quarter."""
    cards = [c for c in data.snapshot.score_cards if c.rubric.name == HEALTH_RUBRIC
             and c.scored_at.date() <= data.day]
    if not cards or not data.quarter.contains(cards[-1].scored_at.date()):
        return None
    return Part(cards[-1].total, 1.0)


def objective_completion(data: AccountQuarter) -> Part | None:
    """Objectives of the current plan with status ``achieved`` over those not ``dropped``."""
    from ..shapes import shaped_items

    plan = data.current_plan()
    if plan is None:
        return None
    objectives = [s.item for s in shaped_items(plan, data.methodologies[plan.methodology.name],
                                               ("objective",))
                  if s.item.get("status") != "dropped"]
    if not objectives:
        return None
    return Part(float(sum(1 for o in objectives if o.get("status") == "achieved")),
                float(len(objectives)))


def _closed_in_window(data: AccountQuarter, status: str) -> list[float]:
    first, last = data.window[0].first_day, data.day
    return [deal.amount or 0.0 for deal in data.snapshot.opportunities
            if deal.status == status and deal.close_date is not None
            and first <= deal.close_date <= last]


def win_rate(data: AccountQuarter) -> Part | None:
    """Deals won over deals won or lost, closing in the window."""
    won, lost = len(_closed_in_window(data, "won")), len(_closed_in_window(data, "lost"))
    return Part(float(won), float(won + lost)) if won + lost else None


def deal_size(data: AccountQuarter) -> Part | None:
    """The average amount of the deals won in the window."""
    won = _closed_in_window(data, "won")
    return Part(sum(won), float(len(won))) if won else None


def plan_completion(data: AccountQuarter) -> Part | None:
    """Sections of the current plan that hold data, over its methodology's sections."""
    plan = data.current_plan()
    if plan is None:
        return None
    methodology = data.methodologies[plan.methodology.name]
    keys = [section.key for section in methodology.sections]
    if not keys:
        return None
    return Part(float(sum(1 for key in keys if plan.sections.get(key))), float(len(keys)))


def qbr_adherence(data: AccountQuarter) -> Part | None:
    """QBRs held in the window over those the current plan's cadence called for (reviews
    beyond the cadence don't count twice)."""
    from ..reviews import plan_cadence, plan_start

    plan = data.current_plan()
    if plan is None:
        return None
    methodology = data.methodologies[plan.methodology.name]
    kind = qbr_kind(methodology)
    cadence = next((c for c in plan_cadence(plan, methodology) if c.kind == kind), None)
    if cadence is None:
        return None
    start = max(data.window[0].first_day, plan_start(plan, data.day))
    due, called_for = cadence.next_due(start), 0
    while due <= data.day:
        called_for += 1
        due = cadence.next_due(due)
    if not called_for:
        return None
    held = sum(1 for r in data.snapshot.reviews_of(plan.id)
               if r.review_kind == kind and start <= r.date <= data.day)
    return Part(float(min(held, called_for)), float(called_for))


#: The function computing each metric's part, by metric key.
PARTS: dict[str, Callable[[AccountQuarter], Part | None]] = {
    "net_revenue_retention": net_revenue_retention,
    "expansion_share": expansion_share,
    "executive_coverage": executive_coverage,
    "competitive_displacement": competitive_displacement,
    "account_health": account_health,
    "growth_rate": growth_rate,
    "share_of_wallet": share_of_wallet,
    "objective_completion": objective_completion,
    "win_rate": win_rate,
    "deal_size": deal_size,
    "plan_completion": plan_completion,
    "qbr_adherence": qbr_adherence,
}

"""What each programme metric is: its name, unit, stated target and where the target comes from.

The values are computed by :mod:`kamcore.metrics.parts` (per account) and rolled up by
:mod:`kamcore.metrics.programme`; this module only describes them and judges a value against
its target band.
"""

from __future__ import annotations

from typing import Literal

import attrs

Unit = Literal["percent", "count", "money", "score"]
#: How a value stands against its target.
Status = Literal["on target", "below target", "above target", ""]


@attrs.frozen
class Target:
    """A target band: ``low``..``high`` (either end open), or "improving quarter over quarter"
    (``improving``); ``text`` is how the source states it."""

    text: str
    low: float | None = None
    high: float | None = None
    improving: bool = False

    def status(self, value: float | None, change: float | None) -> Status:
        """``value`` (and its ``change`` since the quarter before) against the target."""
        if self.improving:
            if change is None:
                return ""
            return "on target" if change > 0 else "below target"
        if value is None:
            return ""
        if self.low is not None and value < self.low - 1e-9:
            return "below target"
        if self.high is not None and value > self.high + 1e-9:
            return "above target"
        return "on target"


@attrs.frozen
class Metric:
    """One programme metric: ``key`` (stable, used in JSON), ``title``, ``unit`` and
    ``target`` (None when the sources state none)."""

    key: str
    title: str
    unit: Unit
    target: Target | None = None

    def format(self, value: float | None) -> str:
        """``value`` as people read it (``118%``, ``2.5``, ``1,250,000``, ``3.40``), or ``-``."""
        if value is None:
            return "-"
        if self.unit == "percent":
            return f"{value:.0%}"
        if self.unit == "money":
            return f"{value:,.0f}"
        if self.unit == "count":
            return f"{value:.1f}"
        return f"{value:.2f}"


#: The programme metrics, in the order they are shown.
METRICS: tuple[Metric, ...] = (
    Metric("net_revenue_retention", "Net revenue retention", "percent",
           Target("115-130%", 1.15, 1.30)),
    Metric("expansion_share", "Expansion revenue as % of total", "percent",
           Target("30-40%", 0.30, 0.40)),
    Metric("executive_coverage", "Executive relationship coverage", "count",
           Target("2+ per account", 2.0)),
    Metric("competitive_displacement", "Competitive displacement rate", "percent",
           Target("< 5% annually", None, 0.05)),
    Metric("account_health", "Account health score", "score",
           Target("improving quarter-over-quarter", improving=True)),
    Metric("growth_rate", "Account growth rate", "percent"),
    Metric("share_of_wallet", "Share of wallet", "percent"),
    Metric("objective_completion", "Joint-objective completion", "percent"),
    Metric("win_rate", "Win rate", "percent"),
    Metric("deal_size", "Average deal size", "money"),
    Metric("plan_completion", "Plan completion", "percent"),
    Metric("qbr_adherence", "QBR cadence adherence", "percent",
           Target("every QBR the cadence calls for", 1.0)),
)

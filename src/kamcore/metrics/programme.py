"""The programme metrics of a quarter: each metric per account, rolled up over the programme
with its value the quarter before, its trend and its target band, plus portfolio sizing
findings and the roll-up of the current plans' revenue scenarios. Accounts are read one
snapshot at a time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Literal

import attrs

from ..quarters import Quarter
from .definitions import METRICS, Metric, Status
from .parts import PARTS, AccountQuarter, Part
from .scenario import ScenarioYear, scenario_rollup
from .sizing import Carried, sizing_findings

if TYPE_CHECKING:
    from ..methodology import Methodology
    from ..model import Finding, Plan
    from ..snapshot import AccountSnapshot

Trend = Literal["up", "down", "flat", ""]


@attrs.frozen
class MetricValue:
    """A metric's value in the quarter and the quarter before (None: no data)."""

    metric: Metric
    value: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        """The value minus the previous one, when both are known."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def trend(self) -> Trend:
        """``up``, ``down`` or ``flat`` since the quarter before; ``''`` when unknown."""
        change = self.change
        if change is None:
            return ""
        return "flat" if abs(change) < 1e-9 else ("up" if change > 0 else "down")

    @property
    def status(self) -> Status:
        """How the value stands against the metric's target (``''``: no target or no data)."""
        target = self.metric.target
        return target.status(self.value, self.change) if target else ""

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: key, title, unit, value, previous, trend, target, status."""
        target = self.metric.target
        return {"key": self.metric.key, "title": self.metric.title, "unit": self.metric.unit,
                "value": self.value, "previous": self.previous, "trend": self.trend,
                "target": target.text if target else None, "status": self.status}


@attrs.frozen
class AccountMetrics:
    """One programme account's metrics in the quarter."""

    account_id: str
    name: str
    tier: str | None
    values: tuple[MetricValue, ...]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: the account and each metric's value."""
        return {"account_id": self.account_id, "name": self.name, "tier": self.tier,
                "metrics": [value.as_dict() for value in self.values]}


@attrs.frozen
class ProgrammeMetrics:
    """The quarter's metrics for the programme as a whole and for each of its accounts."""

    period: Quarter
    programme_tiers: tuple[str, ...]
    programme: tuple[MetricValue, ...]
    accounts: tuple[AccountMetrics, ...]
    findings: tuple[Finding, ...]
    scenario: tuple[ScenarioYear, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form, as ``kam metrics --json`` prints it."""
        return {"period": str(self.period), "programme_tiers": list(self.programme_tiers),
                "programme": [value.as_dict() for value in self.programme],
                "accounts": [account.as_dict() for account in self.accounts],
                "scenario": [year.as_dict() for year in self.scenario],
                "findings": [f.model_dump(mode="json") for f in self.findings]}


class _Sums:
    """Numerators and denominators summed per metric."""

    def __init__(self) -> None:
        self.sums: dict[str, list[float]] = {}

    def add(self, key: str, part: Part | None) -> None:
        if part is not None:
            total = self.sums.setdefault(key, [0.0, 0.0])
            total[0] += part.numerator
            total[1] += part.denominator

    def value(self, key: str) -> float | None:
        total = self.sums.get(key)
        return Part(total[0], total[1]).value if total else None


def programme_metrics(snapshots: Iterable[AccountSnapshot], quarter: Quarter, as_of: date,
                      methodologies: Mapping[str, Methodology], *,
                      programme_tiers: tuple[str, ...] = ("strategic", "key"),
                      account_ids: frozenset[str] = frozenset()) -> ProgrammeMetrics:
    """Every metric of :data:`~kamcore.metrics.definitions.METRICS` for ``quarter`` (and the
    quarter before, for the trend), judged on ``as_of`` at the latest.

    :param programme_tiers: the account tiers that make up the programme.
    :param account_ids: when given, these accounts (whatever their tier) instead.
    """
    now, before = _Sums(), _Sums()
    accounts: list[AccountMetrics] = []
    carried: list[Carried] = []
    current_plans: list[Plan] = []
    for snapshot in snapshots:
        account = snapshot.account
        inside = (account.id in account_ids if account_ids
                  else (account.tier or "") in programme_tiers)
        if not inside:
            continue
        this = AccountQuarter(snapshot, quarter, as_of, methodologies)
        last = AccountQuarter(snapshot, quarter.shifted(-1), as_of, methodologies)
        values = []
        for metric in METRICS:
            part, previous = PARTS[metric.key](this), PARTS[metric.key](last)
            now.add(metric.key, part)
            before.add(metric.key, previous)
            values.append(MetricValue(metric, part.value if part else None,
                                      previous.value if previous else None))
        accounts.append(AccountMetrics(account.id, account.name, account.tier, tuple(values)))
        plan = this.current_plan()
        if plan is not None:
            current_plans.append(plan)
        window = this.facts(this.window)
        carried.append(Carried(account.id, account.owner,
                               sum(f.booked for f in window) if window else None))
    programme = tuple(MetricValue(m, now.value(m.key), before.value(m.key)) for m in METRICS)
    return ProgrammeMetrics(quarter, programme_tiers, programme, tuple(accounts),
                            tuple(sizing_findings(carried)), scenario_rollup(current_plans))


def account_metrics(snapshot: AccountSnapshot, methodology: Methodology | None,
                    as_of: date) -> tuple[Quarter, tuple[MetricValue, ...]]:
    """One account's metrics in the quarter of ``as_of``, as exporters show them: every
    metric with a value this quarter or the quarter before (``methodology``: the plan's, for
    the plan-based metrics)."""
    quarter = Quarter.of(as_of)
    methodologies = {methodology.name: methodology} if methodology is not None else {}
    result = programme_metrics([snapshot], quarter, as_of, methodologies,
                               account_ids=frozenset({snapshot.account.id}))
    return quarter, tuple(v for account in result.accounts for v in account.values
                          if v.value is not None or v.previous is not None)

"""Programme metrics: the outcome measures a key-account programme is run on (net revenue
retention, expansion share, executive coverage, competitive displacement, account health,
growth, share of wallet, objective completion, win rate, deal size, plan completion, QBR
cadence adherence), per account and for the programme, per quarter, with trend and target.

:mod:`.definitions` says what each metric is and its target, :mod:`.parts` computes an
account's share of each, :mod:`.programme` rolls them up and :mod:`.sizing` adds the portfolio
sizing findings.
"""

from __future__ import annotations

from .definitions import METRICS, Metric, Target
from .programme import (
    AccountMetrics,
    MetricValue,
    ProgrammeMetrics,
    account_metrics,
    programme_metrics,
)

__all__ = [
    "METRICS",
    "AccountMetrics",
    "Metric",
    "MetricValue",
    "ProgrammeMetrics",
    "Target",
    "account_metrics",
    "programme_metrics",
]

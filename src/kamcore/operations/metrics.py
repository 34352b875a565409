"""Programme metrics: the quarter's outcome measures for the programme and its accounts."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from ..metrics import ProgrammeMetrics
from ..model import Account
from ..plugin.registry import Registry
from ..store import Workspace
from .installed import installed


def programme_metrics(workspace: Workspace, *, period: str | None = None,
                      as_of: date | None = None,
                      programme_tiers: Collection[str] = ("strategic", "key"),
                      account_ids: Collection[str] = (),
                      registry: Registry | None = None) -> ProgrammeMetrics:
    """Every programme metric for the quarter ``period`` (``2026-Q4``; default: the quarter of
    ``as_of``), per account and rolled up, with the quarter before, trend, target band and
    portfolio sizing findings (see :mod:`kamcore.metrics` and docs/metrics.md).

    :param as_of: the day judged (default today); a quarter not over yet is judged on it.
    :param programme_tiers: account tiers that make up the programme.
    :param account_ids: these accounts instead of the programme tiers.
    :raises InvalidInputError: ``period`` is not a quarter.
    :raises NotFoundError: an account of ``account_ids`` does not exist.
    """
    from ..metrics import programme_metrics as compute
    from ..quarters import Quarter

    today = as_of or date.today()
    quarter = Quarter.parse(period, "--period") if period else Quarter.of(today)
    for account_id in account_ids:
        workspace.get(Account, account_id)
    plugins = installed(registry)
    return compute(workspace.snapshots(), quarter, today, plugins.methodologies,
                   programme_tiers=tuple(programme_tiers), account_ids=frozenset(account_ids))

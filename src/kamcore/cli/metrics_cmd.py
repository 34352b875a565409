"""``kam metrics``: the programme metrics of a quarter, per account and for the programme."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ._common import json_option, open_workspace, print_json, print_table, show_findings

if TYPE_CHECKING:
    from ..metrics import ProgrammeMetrics

#: The metrics shown per account in the table (all of them are in --json).
ACCOUNT_COLUMNS = ("net_revenue_retention", "expansion_share", "executive_coverage",
                   "account_health", "objective_completion", "qbr_adherence")


@click.command()
@click.option("--period", metavar="QUARTER", help="The quarter, e.g. 2026-Q4 (default: this one).")
@click.option("--account", "account_ids", multiple=True, metavar="ID",
              help="Only these accounts (repeatable) instead of the programme tiers.")
@click.option("--programme-tier", "tiers", multiple=True, default=("strategic", "key"),
              show_default=True, help="Account tiers that make up the programme.")
@json_option
@click.pass_context
def metrics(ctx: click.Context, period: str | None, account_ids: tuple[str, ...],
            tiers: tuple[str, ...], as_json: bool) -> None:
    """The programme metrics of a quarter: each with the quarter before, its trend and its
    target band, for the programme and per account; portfolio sizing findings."""
    from ..operations import programme_metrics

    result = programme_metrics(open_workspace(ctx), period=period, programme_tiers=tiers,
                               account_ids=account_ids)
    if as_json:
        print_json(result.as_dict())
        return
    show_metrics(result)


def show_metrics(result: ProgrammeMetrics) -> None:
    """Print the programme table, the accounts table, the scenario roll-up and the findings."""
    print_table(f"programme metrics {result.period} ({len(result.accounts)} accounts)",
                ["metric", "value", "previous quarter", "trend", "target", "status"],
                [[v.metric.title, v.metric.format(v.value), v.metric.format(v.previous),
                  v.trend, v.metric.target.text if v.metric.target else "", v.status]
                 for v in result.programme])
    titles = {v.metric.key: v.metric.title for v in result.programme}
    rows = []
    for account in result.accounts:
        values = {v.metric.key: v for v in account.values}
        rows.append([account.account_id, account.tier,
                     *(values[key].metric.format(values[key].value) for key in ACCOUNT_COLUMNS)])
    print_table(f"accounts {result.period}",
                ["account", "tier", *(titles[key] for key in ACCOUNT_COLUMNS)], rows)
    if result.scenario:
        print_table("revenue scenario of the current plans", ["year", "base", "stretch", "plans"],
                    [[y.year, f"{y.base:,.0f}", f"{y.stretch:,.0f}", y.plans]
                     for y in result.scenario])
    show_findings(result.findings, "portfolio findings")

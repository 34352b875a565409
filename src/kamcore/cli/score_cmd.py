"""``kam score`` and ``kam segment``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ._common import (
    actor,
    findings_json,
    json_option,
    key_values,
    open_workspace,
    print_json,
    print_table,
    registry,
    show_findings,
)

if TYPE_CHECKING:
    from ..operations import Actor
    from ..portfolio import PortfolioRow
    from ..rubric import Rubric
    from ..store import Workspace


@click.command()
@click.argument("account_id", required=False)
@click.option("--rubric", "-r", "rubric_name", required=True, help="Rubric name.")
@click.option("--set", "values", multiple=True, metavar="KEY=VALUE",
              help="Value of a criterion entered by a person; repeatable.")
@click.option("--plan", "plan_id", help="Plan the score card belongs to.")
@click.option("--all", "all_accounts", is_flag=True, help="Rank the whole portfolio.")
@click.option("--save", is_flag=True, help="With --all and a computed rubric: store the cards.")
@click.option("--history", is_flag=True, help="Show the account's score cards over time.")
@json_option
@click.pass_context
def score(ctx: click.Context, account_id: str | None, rubric_name: str, values: tuple[str, ...],
          plan_id: str | None, all_accounts: bool, save: bool, history: bool,
          as_json: bool) -> None:
    """Score ACCOUNT with a rubric (stored as a score card), or rank --all accounts."""
    from ..operations import score_account

    if all_accounts == (account_id is not None):
        raise click.UsageError("give either ACCOUNT or --all")
    if save and not all_accounts:
        raise click.UsageError("--save goes with --all (a single account's card is always saved)")
    if history and (values or plan_id):
        raise click.UsageError("--history shows stored cards; it takes no --set or --plan")
    rubric = registry().rubric(rubric_name)
    workspace = open_workspace(ctx)
    if all_accounts:
        _portfolio(workspace, rubric, save, as_json, actor(ctx))
        return
    assert account_id is not None
    if history:
        _history(workspace, account_id, rubric_name, as_json)
        return
    card = score_account(workspace, actor(ctx), account_id, rubric_name,
                         key_values(values, "--set"), plan_id=plan_id)
    if as_json:
        print_json(card.model_dump(mode="json"))
        return
    click.echo(f"{account_id}: {card.rubric.name} {card.rubric.version} = {card.total:.2f}"
               + (f" ({card.band})" if card.band else ""))
    for line in card.explanation:
        click.echo(f"  {line}")


def _history(workspace: Workspace, account_id: str, rubric_name: str, as_json: bool) -> None:
    from ..model import ScoreCard

    cards = sorted((c for c in workspace.iter(ScoreCard, account_id=account_id)
                    if c.rubric.name == rubric_name), key=lambda c: c.scored_at)
    if as_json:
        print_json([c.model_dump(mode="json") for c in cards])
        return
    print_table(f"{rubric_name} history of {account_id}",
                ["scored at", "rubric version", "total", "band"],
                [[f"{c.scored_at:%Y-%m-%d %H:%M}", c.rubric.version, f"{c.total:.2f}", c.band]
                 for c in cards])


def _portfolio(workspace: Workspace, rubric: Rubric, save: bool, as_json: bool,
               by: Actor) -> None:
    from ..operations import score_portfolio

    rows = score_portfolio(workspace, by, rubric.name, save=save)
    if as_json:
        print_json([{"rank": i, **_row_dict(r)} for i, r in enumerate(rows, start=1)])
        return
    print_table(f"portfolio by {rubric.name} {rubric.version}",
                ["#", "account", "name", "tier", "total", "band", "note"],
                [[i, r.account_id, r.name, r.tier, "" if r.total is None else f"{r.total:.2f}",
                  r.band, r.note] for i, r in enumerate(rows, start=1)])


def _row_dict(row: PortfolioRow) -> dict[str, Any]:
    import attrs

    return attrs.asdict(row)


@click.command()
@click.option("--rubric", "-r", "rubric_name", default="account-tiering", show_default=True)
@click.option("--share", type=float, default=0.2, show_default=True,
              help="Largest usual share of the scored portfolio in the programme (0.1-0.2); "
                   "the cut itself for a rubric without a qualifying band.")
@click.option("--programme-tier", "tiers", multiple=True, default=("strategic", "key"),
              show_default=True, help="Account tiers that mean 'in the programme today'.")
@json_option
@click.pass_context
def segment(ctx: click.Context, rubric_name: str, share: float, tiers: tuple[str, ...],
            as_json: bool) -> None:
    """Which accounts belong in the key-account programme (those in the rubric's qualifying
    band), which are in it today without the scores to support it (scope inflation), and
    findings on the programme's size."""
    from ..operations import segment_portfolio

    rubric = registry().rubric(rubric_name)
    result = segment_portfolio(open_workspace(ctx), rubric.name, share=share,
                               programme_tiers=tiers)
    if as_json:
        print_json({"rubric": rubric.name, "rubric_version": rubric.version, "share": share,
                    "rule": result.rule, "members": [_row_dict(r) for r in result.members],
                    "scope_inflation": [_row_dict(r) for r in result.inflated],
                    "findings": findings_json(result.findings)})
        return
    print_table(f"programme ({result.rule}, {rubric.name} {rubric.version})",
                ["account", "name", "tier", "total", "band"],
                [[r.account_id, r.name, r.tier, f"{r.total:.2f}", r.band]
                 for r in result.members])
    if result.inflated:
        print_table("scope inflation: in the programme today, not supported by the scores",
                    ["account", "name", "tier", "total"],
                    [[r.account_id, r.name, r.tier,
                      "not scored" if r.total is None else f"{r.total:.2f}"]
                     for r in result.inflated])
    else:
        click.echo("no scope inflation")
    if result.findings:
        show_findings(result.findings, "programme findings")

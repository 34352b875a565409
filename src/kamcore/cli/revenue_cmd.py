"""``kam revenue set|list``: an account's revenue facts, one per quarter."""

from __future__ import annotations

import click

from ._common import actor, json_option, open_workspace
from ._editing import given, list_of_account, show_saved


@click.group()
def revenue() -> None:
    """Record and list revenue facts (booked, expansion, churn per account and quarter)."""


@revenue.command("set")
@click.argument("account_id")
@click.option("--period", required=True, metavar="QUARTER", help="The quarter, e.g. 2026-Q4.")
@click.option("--booked", type=float, required=True, help="Revenue booked in the quarter.")
@click.option("--expansion", type=float, help="Of which new business with the customer.")
@click.option("--churn", type=float, help="Revenue lost in the quarter.")
@click.option("--wallet", type=float, help="The customer's addressable spend in the quarter.")
@click.option("--competitor-entered", is_flag=True,
              help="A competitor won business in the account this quarter.")
@click.option("--currency", help="ISO code, e.g. USD.")
@click.option("--base-revision", type=int,
              help="The revision of the quarter's fact you saw (0: none yet); refused if it "
                   "moved on.")
@json_option
@click.pass_context
def set_(ctx: click.Context, account_id: str, period: str, booked: float,
         expansion: float | None, churn: float | None, wallet: float | None,
         competitor_entered: bool, currency: str | None, base_revision: int | None,
         as_json: bool) -> None:
    """Record ACCOUNT's revenue for one quarter (replaces that quarter's figures)."""
    from ..operations import record_revenue

    saved = record_revenue(open_workspace(ctx), actor(ctx), account_id, period,
                           base_revision=base_revision, booked=booked,
                           competitor_entered=competitor_entered,
                           **given(expansion=expansion, churn=churn, wallet=wallet,
                                   currency=currency))
    show_saved(saved, "recorded", as_json)


@revenue.command("list")
@click.argument("account_id")
@json_option
@click.pass_context
def list_(ctx: click.Context, account_id: str, as_json: bool) -> None:
    """List ACCOUNT's revenue facts by quarter."""
    from ..model import RevenueFact

    def money(value: float | None) -> str:
        return "" if value is None else f"{value:,.0f}"

    list_of_account(ctx, RevenueFact, account_id, as_json, f"revenue of {account_id}", {
        "period": lambda f: f.period, "booked": lambda f: money(f.booked),
        "expansion": lambda f: money(f.expansion), "churn": lambda f: money(f.churn),
        "wallet": lambda f: money(f.wallet),
        "competitor entered": lambda f: "yes" if f.competitor_entered else "",
    })

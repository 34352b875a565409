"""``kam opportunity add|set|list|show|rm``: the deals in an account's pipeline."""

from __future__ import annotations

from typing import Any

import click

from ._common import (
    actor,
    json_option,
    key_values,
    open_workspace,
    parse_date,
    print_json,
)
from ._editing import (
    base_revision_option,
    clear_option,
    cleared,
    given,
    list_of_account,
    options,
    show_fields,
    show_removed,
    show_saved,
)

#: option name -> Opportunity field, for ``--clear``.
FIELDS = {"amount": "amount", "currency": "currency", "stage": "stage",
          "close-date": "close_date", "probability": "probability",
          "product-line": "product_line", "business-unit": "business_unit",
          "contact": "contact_roles"}

deal_options = options(
    click.option("--amount", type=float, help="Value of the deal."),
    click.option("--currency", help="ISO code, e.g. EUR."),
    click.option("--stage", help="Sales stage, in your CRM's words."),
    click.option("--close-date", metavar="DATE", help="Expected close, YYYY-MM-DD."),
    click.option("--probability", type=float, help="Percent, 0-100."),
    click.option("--product-line"),
    click.option("--business-unit"),
    click.option("--contact", "contacts", multiple=True, metavar="ID=ROLE",
                 help="A stakeholder and their role on the deal; repeatable (set: replaces "
                      "them)."),
)


def _fields(amount: float | None, currency: str | None, stage: str | None,
            close_date: str | None, probability: float | None, product_line: str | None,
            business_unit: str | None, contacts: tuple[str, ...]) -> dict[str, Any]:
    """The Opportunity fields the options give."""
    return given(amount=amount, currency=currency, stage=stage,
                 close_date=parse_date(close_date, "--close-date"), probability=probability,
                 product_line=product_line, business_unit=business_unit,
                 contact_roles=key_values(contacts, "--contact") or None)


@click.group()
def opportunity() -> None:
    """Add, change, list and remove opportunities."""


@opportunity.command("add")
@click.argument("account_id")
@click.argument("name")
@click.option("--id", "opportunity_id", help="Opportunity id (default: ACCOUNT.name-in-dashes).")
@deal_options
@json_option
@click.pass_context
def add(ctx: click.Context, /, account_id: str, name: str, opportunity_id: str | None,
        as_json: bool, **values: Any) -> None:
    """Add a deal called NAME to ACCOUNT."""
    from ..operations import add_opportunity

    saved = add_opportunity(open_workspace(ctx), actor(ctx), account_id, name,
                            opportunity_id=opportunity_id, **_fields(**values))
    show_saved(saved, "added", as_json)


@opportunity.command("set")
@click.argument("opportunity_id")
@click.option("--name")
@click.option("--status", type=click.Choice(["open", "won", "lost"]))
@deal_options
@clear_option(FIELDS)
@base_revision_option
@json_option
@click.pass_context
def set_(ctx: click.Context, /, opportunity_id: str, name: str | None, status: str | None,
         clear: tuple[str, ...], base_revision: int | None, as_json: bool,
         **values: Any) -> None:
    """Change fields of an opportunity (what is not given stays as it is)."""
    from ..operations import edit_opportunity

    saved = edit_opportunity(open_workspace(ctx), actor(ctx), opportunity_id,
                             {**given(name=name, status=status), **_fields(**values)},
                             clear=cleared(clear, FIELDS), base_revision=base_revision)
    show_saved(saved, "saved", as_json)


@opportunity.command("list")
@click.argument("account_id")
@json_option
@click.pass_context
def list_opportunities(ctx: click.Context, account_id: str, as_json: bool) -> None:
    """List the opportunities of ACCOUNT."""
    from ..model import Opportunity
    from ..rendering import full_number

    list_of_account(ctx, Opportunity, account_id, as_json, f"opportunities of {account_id}", {
        "id": lambda o: o.id, "name": lambda o: o.name, "stage": lambda o: o.stage,
        "status": lambda o: o.status, "amount": lambda o: full_number(o.amount),
        "close date": lambda o: o.close_date, "probability": lambda o: o.probability})


@opportunity.command("show")
@click.argument("opportunity_id")
@json_option
@click.pass_context
def show(ctx: click.Context, opportunity_id: str, as_json: bool) -> None:
    """Show an opportunity."""
    from ..model import Opportunity

    found = open_workspace(ctx).get(Opportunity, opportunity_id)
    if as_json:
        print_json(found.model_dump(mode="json"))
        return
    show_fields(found, f"{found.name} ({found.id}), account {found.account_id}, "
                       f"revision {found.revision}")


@opportunity.command("rm")
@click.argument("opportunity_id")
@base_revision_option
@json_option
@click.pass_context
def rm(ctx: click.Context, opportunity_id: str, base_revision: int | None,
       as_json: bool) -> None:
    """Remove an opportunity (its history stays)."""
    from ..operations import remove_opportunity

    show_removed(remove_opportunity(open_workspace(ctx), actor(ctx), opportunity_id,
                                    base_revision=base_revision), as_json)

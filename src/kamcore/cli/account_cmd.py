"""``kam account add|set|list|show|movements``."""

from __future__ import annotations

import click

from ._common import (
    actor,
    json_option,
    key_values,
    open_workspace,
    parse_date,
    print_json,
    print_table,
)
from ._editing import base_revision_option, clear_option, cleared, given, show_saved

#: option name -> Account field, for ``kam account set --clear``.
FIELDS = {"industry": "industry", "revenue": "annual_revenue", "owner": "owner", "tier": "tier",
          "parent": "parent_id", "business-unit": "business_units",
          "external-id": "external_ids"}


@click.group()
def account() -> None:
    """Add, change, list and show accounts; what moved at them."""


@account.command("add")
@click.argument("name")
@click.option("--id", "account_id", help="Account id (default: the name in lower-case-dashes).")
@click.option("--industry")
@click.option("--revenue", type=float, help="The customer's annual revenue.")
@click.option("--owner", help="Key account manager on our side.")
@click.option("--tier")
@click.option("--parent", "parent_id", help="Id of the parent account.")
@click.option("--business-unit", "business_units", multiple=True, help="Repeat for several.")
@click.option("--external-id", "external_ids", multiple=True, metavar="SYSTEM=ID",
              help="Id in another system, e.g. salesforce=001...; repeatable.")
@json_option
@click.pass_context
def add(ctx: click.Context, name: str, account_id: str | None, industry: str | None,
        revenue: float | None, owner: str | None, tier: str | None, parent_id: str | None,
        business_units: tuple[str, ...], external_ids: tuple[str, ...], as_json: bool) -> None:
    """Add an account called NAME."""
    from ..operations import add_account

    saved = add_account(
        open_workspace(ctx), actor(ctx), name, account_id=account_id, industry=industry,
        annual_revenue=revenue, owner=owner, tier=tier, parent_id=parent_id,
        business_units=business_units, external_ids=key_values(external_ids, "--external-id"))
    if as_json:
        print_json(saved.model_dump(mode="json"))
    else:
        click.echo(f"added account {saved.id}")


@account.command("set")
@click.argument("account_id")
@click.option("--name")
@click.option("--industry")
@click.option("--revenue", type=float, help="The customer's annual revenue.")
@click.option("--owner", help="Key account manager on our side.")
@click.option("--tier")
@click.option("--tier-from", "rubric", metavar="RUBRIC",
              help="Set the tier to the band of the account's latest score card of RUBRIC "
                   "(alone: no other change with it).")
@click.option("--parent", "parent_id", help="Id of the parent account.")
@click.option("--business-unit", "business_units", multiple=True,
              help="Repeat for several; replaces them.")
@click.option("--external-id", "external_ids", multiple=True, metavar="SYSTEM=ID",
              help="Id in another system; repeatable; replaces them.")
@clear_option(FIELDS)
@base_revision_option
@json_option
@click.pass_context
def set_(ctx: click.Context, account_id: str, name: str | None, industry: str | None,
         revenue: float | None, owner: str | None, tier: str | None, rubric: str | None,
         parent_id: str | None, business_units: tuple[str, ...], external_ids: tuple[str, ...],
         clear: tuple[str, ...], base_revision: int | None, as_json: bool) -> None:
    """Change fields of an account (what is not given stays as it is)."""
    from ..operations import edit_account, set_tier_from_rubric

    changes = given(name=name, industry=industry, annual_revenue=revenue, owner=owner,
                    tier=tier, parent_id=parent_id,
                    business_units=frozenset(business_units) if business_units else None,
                    external_ids=key_values(external_ids, "--external-id") or None)
    fields = cleared(clear, FIELDS)
    workspace = open_workspace(ctx)
    if rubric is None:
        saved = edit_account(workspace, actor(ctx), account_id, changes, clear=fields,
                             base_revision=base_revision)
        show_saved(saved, "saved", as_json)
        return
    if changes or fields:
        raise click.UsageError("--tier-from sets the tier alone: give other changes in "
                               "another `kam account set`")
    saved, card = set_tier_from_rubric(workspace, actor(ctx), account_id, rubric,
                                       base_revision=base_revision)
    if as_json:
        print_json({"account": saved.model_dump(mode="json"), "score_card": card.id})
    else:
        click.echo(f"account {saved.id}: tier {saved.tier} (band of score card {card.id}, "
                   f"revision {saved.revision})")


@account.command("list")
@json_option
@click.pass_context
def list_accounts(ctx: click.Context, as_json: bool) -> None:
    """List accounts."""
    from ..model import Account

    accounts = open_workspace(ctx).iter(Account)
    if as_json:
        print_json([a.model_dump(mode="json") for a in accounts])
        return
    print_table("accounts", ["id", "name", "industry", "tier", "owner"],
                [[a.id, a.name, a.industry, a.tier, a.owner] for a in accounts])


@account.command("show")
@click.argument("account_id")
@json_option
@click.pass_context
def show(ctx: click.Context, account_id: str, as_json: bool) -> None:
    """Show an account with its stakeholders, opportunities and plans."""
    snapshot = open_workspace(ctx).snapshot(account_id)
    if as_json:
        print_json({
            "account": snapshot.account.model_dump(mode="json"),
            "stakeholders": [s.model_dump(mode="json") for s in snapshot.stakeholders],
            "relationships": [r.model_dump(mode="json") for r in snapshot.relationships],
            "opportunities": [o.model_dump(mode="json") for o in snapshot.opportunities],
            "plans": [p.model_dump(mode="json") for p in snapshot.plans],
        })
        return
    a = snapshot.account
    click.echo(f"{a.name} ({a.id}) industry={a.industry or '-'} tier={a.tier or '-'} "
               f"owner={a.owner or '-'}")
    print_table("stakeholders", ["id", "name", "title", "roles", "influence", "support"], [
        [s.id, s.name, s.title, ", ".join(sorted(s.roles)), s.influence, s.support]
        for s in snapshot.stakeholders])
    print_table("opportunities", ["id", "name", "stage", "amount", "close date"], [
        [o.id, o.name, o.stage, o.amount, o.close_date] for o in snapshot.opportunities])
    print_table("plans", ["id", "methodology", "step", "revision"], [
        [p.id, f"{p.methodology.name} {p.methodology.version}", p.step, p.revision]
        for p in snapshot.plans])


@account.command("movements")
@click.argument("account_id")
@click.option("--since", help="Count from this day (YYYY-MM-DD, UTC; default: when the plan's "
                              "last review was recorded, else when the plan was created).")
@click.option("--plan", "plan_id", help="The plan judged for (default: the account's current "
                                        "plan).")
@json_option
@click.pass_context
def movements(ctx: click.Context, account_id: str, since: str | None, plan_id: str | None,
              as_json: bool) -> None:
    """What moved at ACCOUNT since its plan's last review: new economic buyers and C-level
    contacts, champions or sponsors who left, title changes of key stakeholders, new
    competitors on open opportunities; each with the revision and source (e.g.
    sync:salesforce) that brought it."""
    from datetime import UTC, datetime, time

    from ..operations import account_movements

    day = parse_date(since, "--since")
    start = datetime.combine(day, time(), tzinfo=UTC) if day is not None else None
    found = account_movements(open_workspace(ctx), account_id, since=start, plan_id=plan_id)
    if as_json:
        print_json(found.as_dict())
        return
    title = f"movements of {account_id} since {found.since:%Y-%m-%d %H:%M} UTC" + (
        f" (plan {found.plan_id})" if found.plan_id else "")
    if not found.movements:
        click.echo(f"no {title}")
        return
    print_table(title, ["when (UTC)", "movement", "what", "revision", "by", "CRM ids"], [
        [f"{m.evidence.at:%Y-%m-%d %H:%M}", m.finding.code.removeprefix("movement-"),
         m.text, m.evidence.revision,
         m.evidence.by, ", ".join(f"{k}={v}" for k, v in sorted(m.evidence.external_ids.items()))]
        for m in found.movements])

"""``kam stakeholder add|set|list|show|rm|touch``: the people on the stakeholder map."""

from __future__ import annotations

from typing import Any

import click

from ._common import actor, json_option, open_workspace, parse_date, print_json, print_table
from ._editing import (
    base_revision_option,
    clear_option,
    cleared,
    given,
    list_of_account,
    options,
    show_fields,
    show_saved,
)

#: option name -> Stakeholder field, for ``--clear`` (``reports-to`` is the manager line).
FIELDS = {"title": "title", "business-unit": "business_unit", "seniority": "seniority",
          "role": "roles",
          "influence": "influence", "support": "support", "strength": "relationship_strength",
          "authority": "decision_authority", "owner": "seller_owner",
          "last-contact": "last_contact", "placeholder": "placeholder", "reports-to": "reports_to",
          "left-on": "left_on"}

person_options = options(
    click.option("--title"),
    click.option("--business-unit"),
    click.option("--seniority", help="c_level, vp, director, manager or individual (C-level "
                                     "people count as executive relationships)."),
    click.option("--role", "roles", multiple=True,
                 help="A role from the methodology (economic_buyer, champion, ...); repeat for "
                      "several (set: replaces them)."),
    click.option("--influence", type=int, help="Influence on the decision, 1-5."),
    click.option("--support", type=int, help="Support for us, -2 (opposes) to 2 (sponsors)."),
    click.option("--strength", type=int, help="Strength of our relationship, 0-5."),
    click.option("--authority", help="Decision authority: none, influences, recommends, "
                                     "approves or decides."),
    click.option("--owner", help="Who on our side holds the relationship."),
    click.option("--last-contact", metavar="DATE", help="Last contact, YYYY-MM-DD."),
    click.option("--reports-to", metavar="ID", help="Id of their manager (a stakeholder)."),
    click.option("--placeholder/--no-placeholder", default=None,
                 help="Stands for a person not known yet in a known role (\"the CFO\")."),
    click.option("--left-on", metavar="DATE", help="The day they left the customer, "
                                                   "YYYY-MM-DD (an account movement)."),
)


def _fields(title: str | None, business_unit: str | None, seniority: str | None,
            roles: tuple[str, ...],
            influence: int | None, support: int | None, strength: int | None,
            authority: str | None, owner: str | None, last_contact: str | None,
            placeholder: bool | None, left_on: str | None) -> dict[str, Any]:
    """The Stakeholder fields the options give."""
    return given(title=title, business_unit=business_unit, seniority=seniority,
                 roles=frozenset(roles) if roles else None, influence=influence,
                 support=support, relationship_strength=strength, decision_authority=authority,
                 seller_owner=owner, last_contact=parse_date(last_contact, "--last-contact"),
                 placeholder=placeholder, left_on=parse_date(left_on, "--left-on"))


@click.group()
def stakeholder() -> None:
    """Add, change, list and remove stakeholders."""


@stakeholder.command("add")
@click.argument("account_id")
@click.argument("name")
@click.option("--id", "stakeholder_id", help="Stakeholder id (default: ACCOUNT.name-in-dashes).")
@person_options
@json_option
@click.pass_context
def add(ctx: click.Context, /, account_id: str, name: str, stakeholder_id: str | None,
        reports_to: str | None, as_json: bool, **values: Any) -> None:
    """Add NAME, a person at ACCOUNT (with --placeholder: a role whose holder is not known
    yet, e.g. NAME "CFO")."""
    from ..operations import add_stakeholder

    saved = add_stakeholder(open_workspace(ctx), actor(ctx), account_id, name,
                            stakeholder_id=stakeholder_id, reports_to=reports_to,
                            **_fields(**values))
    show_saved(saved, "added", as_json)


@stakeholder.command("set")
@click.argument("stakeholder_id")
@click.option("--name")
@person_options
@clear_option(FIELDS)
@base_revision_option
@json_option
@click.pass_context
def set_(ctx: click.Context, /, stakeholder_id: str, name: str | None, reports_to: str | None,
         clear: tuple[str, ...], base_revision: int | None, as_json: bool,
         **values: Any) -> None:
    """Change fields of a stakeholder (what is not given stays as it is)."""
    from ..operations import edit_stakeholder

    fields = cleared(clear, FIELDS)
    changes = {**given(name=name), **_fields(**values)}
    saved = edit_stakeholder(
        open_workspace(ctx), actor(ctx), stakeholder_id, changes,
        clear=[field for field in fields if field != "reports_to"], reports_to=reports_to,
        clear_reports_to="reports_to" in fields, base_revision=base_revision)
    show_saved(saved, "saved", as_json)


@stakeholder.command("list")
@click.argument("account_id")
@json_option
@click.pass_context
def list_stakeholders(ctx: click.Context, account_id: str, as_json: bool) -> None:
    """List the stakeholders of ACCOUNT (placeholders as ``NAME: unknown``)."""
    from ..model import Stakeholder
    from ..rendering import person, signed

    list_of_account(ctx, Stakeholder, account_id, as_json, f"stakeholders of {account_id}", {
        "id": lambda p: p.id, "name": person, "title": lambda p: p.title,
        "roles": lambda p: ", ".join(sorted(p.roles)), "influence": lambda p: p.influence,
        "support": lambda p: signed(p.support), "strength": lambda p: p.relationship_strength,
        "owner": lambda p: p.seller_owner, "last contact": lambda p: p.last_contact})


@stakeholder.command("show")
@click.argument("stakeholder_id")
@json_option
@click.pass_context
def show(ctx: click.Context, stakeholder_id: str, as_json: bool) -> None:
    """Show a stakeholder with their relationships."""
    from ..model import Relationship, Stakeholder
    from ..rendering import person

    workspace = open_workspace(ctx)
    found = workspace.get(Stakeholder, stakeholder_id)
    lines = [r for r in workspace.iter(Relationship, account_id=found.account_id)
             if stakeholder_id in (r.source_id, r.target_id)]
    if as_json:
        print_json({"stakeholder": found.model_dump(mode="json"),
                    "relationships": [r.model_dump(mode="json") for r in lines]})
        return
    show_fields(found, f"{person(found)} ({found.id}), account {found.account_id}, "
                       f"revision {found.revision}")
    print_table("relationships", ["id", "from", "kind", "to", "note"],
                [[r.id, r.source_id, r.type, r.target_id, r.note] for r in lines])


@stakeholder.command("rm")
@click.argument("stakeholder_id")
@click.option("--cascade", is_flag=True,
              help="Also remove their relationships and drop them from opportunities' "
                   "contacts; plan entries naming them are kept and listed.")
@base_revision_option
@json_option
@click.pass_context
def rm(ctx: click.Context, stakeholder_id: str, cascade: bool, base_revision: int | None,
       as_json: bool) -> None:
    """Remove a stakeholder (their history stays). Refused, listing the references, while a
    relationship, an opportunity or a plan names them, unless --cascade."""
    from ..operations import remove_stakeholder

    done = remove_stakeholder(open_workspace(ctx), actor(ctx), stakeholder_id, cascade=cascade,
                              base_revision=base_revision)
    if as_json:
        print_json({"removed": done.stakeholder.model_dump(mode="json"),
                    "relationships_removed": [r.id for r in done.relationships],
                    "opportunities_changed": [o.id for o in done.opportunities],
                    "plan_entries_kept": [{"plan": e.plan_id, "path": e.path}
                                          for e in done.plan_entries]})
        return
    click.echo(f"removed stakeholder {done.stakeholder.id}")
    for rel in done.relationships:
        click.echo(f"removed relationship {rel.id}")
    for deal in done.opportunities:
        click.echo(f"removed them from the contacts of opportunity {deal.id} "
                   f"(revision {deal.revision})")
    for entry in done.plan_entries:
        click.echo(f"kept: plan {entry.plan_id} still names them at {entry.path}; edit the "
                   "plan to change it")


@stakeholder.command("touch")
@click.argument("stakeholder_id")
@click.option("--date", "on", metavar="DATE", help="When you were in contact (default: today).")
@base_revision_option
@json_option
@click.pass_context
def touch(ctx: click.Context, stakeholder_id: str, on: str | None, base_revision: int | None,
          as_json: bool) -> None:
    """Record a contact with a stakeholder: the cheapest way to keep the map fresh."""
    from ..operations import touch_stakeholder

    saved = touch_stakeholder(open_workspace(ctx), actor(ctx), stakeholder_id,
                              on=parse_date(on, "--date"), base_revision=base_revision)
    if as_json:
        print_json(saved.model_dump(mode="json"))
    else:
        click.echo(f"last contact with {saved.id}: {saved.last_contact} "
                   f"(revision {saved.revision})")

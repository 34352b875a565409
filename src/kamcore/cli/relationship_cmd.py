"""``kam relationship add|set|rm|list``: the lines between stakeholders."""

from __future__ import annotations

import click

from ._common import actor, json_option, open_workspace
from ._editing import (
    base_revision_option,
    clear_option,
    cleared,
    given,
    list_of_account,
    show_removed,
    show_saved,
)

#: The kinds of relationship (as :data:`kamcore.model.stakeholder.RelationshipType`).
KINDS = ("reports_to", "dotted_line", "influences", "conflicts", "informal")


@click.group()
def relationship() -> None:
    """Add, change, list and remove relationships between stakeholders."""


@relationship.command("add")
@click.argument("source_id", metavar="FROM")
@click.argument("target_id", metavar="TO")
@click.option("--kind", required=True, type=click.Choice(KINDS),
              help="FROM reports_to TO, has a dotted_line (matrix) to TO, influences TO, "
                   "conflicts with TO, or has an informal link to TO.")
@click.option("--note")
@click.option("--id", "relationship_id", help="Relationship id (default: FROM.KIND.TO).")
@json_option
@click.pass_context
def add(ctx: click.Context, source_id: str, target_id: str, kind: str, note: str | None,
        relationship_id: str | None, as_json: bool) -> None:
    """Link stakeholder FROM to stakeholder TO (a reports_to cycle is refused)."""
    from ..operations import add_relationship

    saved = add_relationship(open_workspace(ctx), actor(ctx), source_id, kind, target_id,
                             relationship_id=relationship_id, note=note)
    show_saved(saved, "added", as_json)


@relationship.command("set")
@click.argument("relationship_id")
@click.option("--kind", type=click.Choice(KINDS), help="The new kind of relationship.")
@click.option("--note")
@clear_option({"note": "note"})
@base_revision_option
@json_option
@click.pass_context
def set_(ctx: click.Context, relationship_id: str, kind: str | None, note: str | None,
         clear: tuple[str, ...], base_revision: int | None, as_json: bool) -> None:
    """Change a relationship's kind or note (a reports_to cycle is refused)."""
    from ..operations import edit_relationship

    saved = edit_relationship(open_workspace(ctx), actor(ctx), relationship_id,
                              given(type=kind, note=note),
                              clear=cleared(clear, {"note": "note"}),
                              base_revision=base_revision)
    show_saved(saved, "saved", as_json)


@relationship.command("rm")
@click.argument("relationship_id")
@base_revision_option
@json_option
@click.pass_context
def rm(ctx: click.Context, relationship_id: str, base_revision: int | None,
       as_json: bool) -> None:
    """Remove a relationship (its history stays)."""
    from ..operations import remove_relationship

    show_removed(remove_relationship(open_workspace(ctx), actor(ctx), relationship_id,
                                     base_revision=base_revision), as_json)


@relationship.command("list")
@click.argument("account_id")
@json_option
@click.pass_context
def list_relationships(ctx: click.Context, account_id: str, as_json: bool) -> None:
    """List the relationships between ACCOUNT's stakeholders."""
    from ..model import Relationship

    list_of_account(ctx, Relationship, account_id, as_json, f"relationships of {account_id}", {
        "id": lambda r: r.id, "from": lambda r: r.source_id, "kind": lambda r: r.type,
        "to": lambda r: r.target_id, "note": lambda r: r.note})

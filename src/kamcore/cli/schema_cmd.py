"""``kam schema RECORD``."""

from __future__ import annotations

import click

from ._common import print_json

DOCUMENTS = ("methodology", "rubric")


@click.command()
@click.argument("record", required=False)
@click.option("--list", "list_names", is_flag=True, help="List the names schema accepts.")
def schema(record: str | None, list_names: bool) -> None:
    """Print the JSON Schema of RECORD (account, plan, action, ... methodology, rubric)."""
    from ..model import SCHEMA_TYPES

    names = [*SCHEMA_TYPES, *DOCUMENTS]
    if list_names or record is None:
        click.echo("\n".join(names))
        return
    if record == "methodology":
        from ..methodology import document_schema

        print_json(document_schema())
    elif record == "rubric":
        from ..rubric import document_schema as rubric_schema

        print_json(rubric_schema())
    elif record in SCHEMA_TYPES:
        print_json(SCHEMA_TYPES[record].model_json_schema())
    else:
        raise click.BadParameter(f"unknown record {record!r}; choose from: {', '.join(names)}",
                                 param_hint="RECORD")

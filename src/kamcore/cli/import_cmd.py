"""``kam import ADAPTER PATH``."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import actor, json_option, open_workspace, print_json, print_table, registry


@click.command("import")
@click.argument("adapter_name", metavar="ADAPTER")
@click.argument("path", type=click.Path(exists=True))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@json_option
@click.pass_context
def import_(ctx: click.Context, adapter_name: str, path: str, dry_run: bool,
            as_json: bool) -> None:
    """Import records from PATH with ADAPTER, in one transaction (all or nothing)."""
    from ..importing import import_records

    reg = registry()
    adapter = reg.adapter(adapter_name)
    summary = import_records(open_workspace(ctx), adapter.read(Path(path)), dry_run=dry_run,
                             by=actor(ctx), registry=reg)
    if as_json:
        print_json({"dry_run": dry_run, "kinds": summary.rows(),
                    **{o: summary.total(o) for o in ("created", "updated", "unchanged")}})
        return
    title = "import (dry run: nothing written)" if dry_run else "import"
    print_table(title, ["kind", "created", "updated", "unchanged"],
                [[r["kind"], r["created"], r["updated"], r["unchanged"]] for r in summary.rows()])

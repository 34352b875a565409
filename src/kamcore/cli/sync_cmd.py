"""``kam sync pull SOURCE``: what changed in a CRM since the last pull. Plugins add the other
directions under ``kam sync`` (the Salesforce plugin's ``kam sync push``)."""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._common import json_option, open_workspace, print_json
from .collector import bulk_records

if TYPE_CHECKING:
    from ..store import Workspace


@click.group("sync")
def sync() -> None:
    """Pull what changed in a CRM since the last pull; push plans to a CRM (plugins)."""


@sync.command("pull")
@click.argument("source")
@click.option("--connection", type=click.Path(exists=True, dir_okay=False),
              help="The live adapter's connection file (default: $KAM_<SOURCE>_CONNECTION, "
                   "e.g. $KAM_SALESFORCE_CONNECTION).")
@click.option("--dry-run", is_flag=True,
              help="Show what would change; write nothing, keep the watermark.")
@json_option
@click.pass_context
def pull(ctx: click.Context, source: str, connection: str | None, dry_run: bool,
         as_json: bool) -> None:
    """Read what changed in SOURCE (salesforce, hubspot) since the last pull and save it as new
    revisions, by sync:SOURCE. The first pull reads everything. The watermark (the highest
    modification stamp read) advances only when the pull succeeded; a failed pull writes
    nothing.
    """
    from ..operations import sync_pull
    from .import_cmd import print_summary, progress

    variable = f"KAM_{source.upper()}_CONNECTION"
    path = connection or os.environ.get(variable)
    if not path:
        raise click.UsageError(f"give --connection FILE (or set {variable})")
    if not Path(path).is_file():
        raise click.BadParameter(f"{variable}={path!r}: no such file",
                                 param_hint="--connection")
    workspace = open_workspace(ctx)
    with ExitStack() as stack:
        stack.enter_context(bulk_records())
        result = sync_pull(workspace, source, Path(path), dry_run=dry_run,
                           observe=progress(stack, as_json))
    moved = [] if dry_run else _moved_plans(workspace)
    if as_json:
        print_json({**result.as_dict(), "ad_hoc_refresh": moved})
        return
    print_summary(result.summary, f"sync pull {source}")
    since = result.previous or "none: everything was read"
    if result.watermark == result.previous:
        click.echo(f"watermark: {since} (unchanged)")
    else:
        verb = "would move" if dry_run else "moved"
        click.echo(f"watermark {verb} to {result.watermark} (from {since})")
    if moved:
        click.echo(f"{len(moved)} plan(s) need an ad-hoc refresh, their account moved since "
                   f"their last review ({', '.join(moved)}): see kam review due")


def _moved_plans(workspace: Workspace) -> list[str]:
    """The plans whose account moved since their last review (an ad-hoc refresh is due)."""
    from datetime import date

    from ..operations import reviews_due
    from ..reviews import AdHocRefresh

    return sorted({plan.id for plan, due in reviews_due(workspace, date.today())
                   if isinstance(due, AdHocRefresh)})

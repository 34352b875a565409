"""``kam export``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ._common import open_workspace, registry, write_atomically


@click.command()
@click.argument("plan_id")
@click.option("--format", "-f", "format_name", default="markdown", show_default=True,
              help="Exporter name (see `kam plugins`).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="File to write ('-' for stdout); written whole or not at all.")
@click.pass_context
def export(ctx: click.Context, plan_id: str, format_name: str, output: str) -> None:
    """Export a plan with an exporter."""
    from ..exporting import render_plan
    from ..model import Plan

    workspace = open_workspace(ctx)
    content = render_plan(workspace, registry(), workspace.get(Plan, plan_id), format_name)
    if output == "-":
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
        else:
            click.echo(content, nl=False)
        return
    write_atomically(Path(output), content)
    click.echo(f"wrote {output}", err=True)

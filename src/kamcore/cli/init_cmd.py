"""``kam init``."""

from __future__ import annotations

import click

from ._common import open_workspace, workspace_target


@click.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the workspace (an SQLite file by default); safe to run again."""
    from ..store.engine import display_url

    open_workspace(ctx, create=True)
    click.echo(f"workspace ready: {display_url(workspace_target(ctx))}")

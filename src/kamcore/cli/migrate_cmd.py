"""``kam migrate``."""

from __future__ import annotations

import click

from ._common import json_option, print_json, workspace_target


@click.command()
@json_option
@click.pass_context
def migrate(ctx: click.Context, as_json: bool) -> None:
    """Upgrade the workspace's schema to this kamcore's version; safe to run again.

    Every record and revision is kept; the upgrade commits whole or not at all. A workspace
    that is already current is left as it is (exit 0). A workspace created by a newer kamcore
    is refused and left untouched (exit 2).
    """
    from ..store import migrate_workspace

    report = migrate_workspace(workspace_target(ctx))
    if as_json:
        print_json(report.as_dict())
    elif report.migrated:
        click.echo(f"migrated {report.workspace}: schema version {report.from_version} -> "
                   f"{report.to_version}")
        for step in report.steps:
            click.echo(f"  {step}")
    else:
        click.echo(f"{report.workspace} is already at schema version {report.to_version} "
                   f"({report.from_version} -> {report.to_version}); nothing to do")

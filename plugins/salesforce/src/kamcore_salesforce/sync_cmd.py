"""``kam sync push PLAN --to salesforce``: the CLI front door of :func:`push.push_plan`, added
under kamcore's own ``kam sync`` group (which has ``pull``)."""

from __future__ import annotations

from pathlib import Path

import click

from kamcore.cli._common import json_option, open_workspace, print_json


@click.command("push")
@click.argument("plan_id", metavar="PLAN")
@click.option("--to", "target", type=click.Choice(["salesforce"]), required=True,
              help="The CRM to push to.")
@click.option("--connection", type=click.Path(exists=True, dir_okay=False),
              envvar="KAM_SALESFORCE_CONNECTION", required=True,
              help="The salesforce-api connection file (also $KAM_SALESFORCE_CONNECTION).")
@click.option("--dry-run", is_flag=True, help="Show the change per field; write nothing.")
@json_option
@click.pass_context
def push(ctx: click.Context, plan_id: str, target: str, connection: str, dry_run: bool,
         as_json: bool) -> None:
    """Upsert PLAN's SWOT, vision, objectives and measures into Salesforce's Account Plan
    objects, by the external id field Kam_Id__c. A record changed in Salesforce since the last
    push is not overwritten: the conflict is shown, nothing is written, and the exit code is 1.
    """
    from .push import push_plan

    result = push_plan(open_workspace(ctx), plan_id, Path(connection), dry_run=dry_run)
    if as_json:
        print_json(result.as_dict())
        return
    for change in result.changes:
        verb = "create" if change.new else "update"
        click.echo(f"{verb} {change.sobject} {change.kam_id} {change.field}: "
                   f"{change.theirs!r} -> {change.ours!r}")
    done = "would be written (dry run: nothing written)" if dry_run else "written"
    click.echo(f"{result.records} record(s) {done}" if result.records
               else "Salesforce already holds the plan: nothing to write")

"""``kam plan rollover``: start next period's plan from this one."""

from __future__ import annotations

import click

from ._common import actor, json_option, open_workspace, print_json


@click.command("rollover")
@click.argument("plan_id")
@click.option("--period", required=True, help="The next planning period, e.g. FY2028.")
@click.option("--id", "new_plan_id",
              help="The new plan's id (default: ACCOUNT-METHODOLOGY-PERIOD).")
@click.option("--base-revision", type=int,
              help="The revision of PLAN you saw; refused if it moved on.")
@json_option
@click.pass_context
def rollover(ctx: click.Context, plan_id: str, period: str, new_plan_id: str | None,
             base_revision: int | None, as_json: bool) -> None:
    """Refresh PLAN from scratch for the next period: a new plan at the first step carrying
    open actions, objectives in progress and the stakeholder map forward."""
    from ..operations import rollover_plan

    result = rollover_plan(open_workspace(ctx), actor(ctx), plan_id, period,
                           new_plan_id=new_plan_id, base_revision=base_revision)
    if as_json:
        print_json({"plan": result.plan.model_dump(mode="json"), "previous": result.previous.id,
                    "carried": list(result.carried),
                    "left_out": [{"section": key, "reason": why}
                                 for key, why in result.left_out]})
        return
    click.echo(f"rolled {result.previous.id} over into {result.plan.id} ({period}) at step "
               f"{result.plan.step}; carried: {', '.join(result.carried) or 'nothing'}")
    for key, why in result.left_out:
        click.echo(f"  left out {key}: {why}")

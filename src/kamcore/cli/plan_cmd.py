"""``kam plan new|list|show|set|check|advance|history|restore|diff`` (and ``rollover``, from
:mod:`.rollover_cmd`)."""

from __future__ import annotations

import sys

import click

from ._common import (
    actor,
    findings_json,
    json_option,
    open_workspace,
    parse_date,
    print_json,
    print_table,
    registry,
    show_findings,
)
from .rollover_cmd import rollover


@click.group()
def plan() -> None:
    """Create, edit, check and advance plans."""


@plan.command("new")
@click.argument("account_id")
@click.option("--methodology", "-m", "methodology_name", required=True,
              help="Name of an installed methodology (see `kam methodologies`).")
@click.option("--period", help="Planning period, e.g. FY2027.")
@click.option("--id", "plan_id", help="Plan id (default: ACCOUNT-METHODOLOGY[-PERIOD]).")
@click.option("--cadence-profile", metavar="NAME",
              help="Review on this profile's cadence (sam: weekly internal, bi-weekly customer "
                   "check-in, quarterly QBR, annual review).")
@json_option
@click.pass_context
def new(ctx: click.Context, account_id: str, methodology_name: str, period: str | None,
        plan_id: str | None, cadence_profile: str | None, as_json: bool) -> None:
    """Start a plan for ACCOUNT at the methodology's first step."""
    from ..operations import new_plan

    created = new_plan(open_workspace(ctx), actor(ctx), account_id, methodology_name,
                       period=period, plan_id=plan_id, cadence_profile=cadence_profile)
    if as_json:
        print_json(created.model_dump(mode="json"))
    else:
        click.echo(f"created plan {created.id} ({created.methodology.name} "
                   f"{created.methodology.version}) at step {created.step}")


@plan.command("list")
@click.option("--account", "account_id", help="Only this account's plans.")
@json_option
@click.pass_context
def list_plans(ctx: click.Context, account_id: str | None, as_json: bool) -> None:
    """List plans."""
    from ..model import Plan

    plans = open_workspace(ctx).iter(Plan, account_id=account_id)
    if as_json:
        print_json([p.model_dump(mode="json") for p in plans])
        return
    print_table("plans", ["id", "account", "methodology", "period", "step", "revision"], [
        [p.id, p.account_id, f"{p.methodology.name} {p.methodology.version}", p.period, p.step,
         p.revision] for p in plans])


#: The points ``--revision`` takes (as ``kam plan diff`` does).
POINT_HELP = ("a revision number, review:N (the revision the N-th review of the plan, by date, "
              "looked at), review:last or review:ID")


@plan.command("show")
@click.argument("plan_id")
@click.option("--revision", metavar="REV|review:N", help=f"Show an earlier point: {POINT_HELP}.")
@json_option
@click.pass_context
def show(ctx: click.Context, plan_id: str, revision: str | None, as_json: bool) -> None:
    """Show a plan (as Markdown, or JSON with --json)."""
    from ..changes import record_at, resolve_point
    from ..exporting import export_context
    from ..model import Plan

    workspace = open_workspace(ctx)
    record = workspace.get(Plan, plan_id)
    if revision is not None:
        record = record_at(workspace, record,
                           resolve_point(workspace, record, revision, "--revision"))
    if as_json:
        print_json(record.model_dump(mode="json"))
        return
    reg = registry()
    click.echo(reg.exporter("markdown").render(export_context(workspace, reg, record)))


@plan.command("set")
@click.argument("plan_id")
@click.argument("section")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--base-revision", type=int,
              help="Refuse the change if the plan moved past this revision.")
@json_option
@click.pass_context
def set_section(ctx: click.Context, plan_id: str, section: str, file: str,
                base_revision: int | None, as_json: bool) -> None:
    """Set SECTION of a plan from a YAML/JSON FILE ('-' for stdin), validated by its schema."""
    from ..documents import load_document, parse_document, read_stream
    from ..operations import set_section as apply_section

    workspace = open_workspace(ctx)
    document = (parse_document(read_stream(sys.stdin, "<stdin>"), "<stdin>") if file == "-"
                else load_document(file))
    saved = apply_section(workspace, actor(ctx), plan_id, section, document.data,
                          base_revision=base_revision, document=document)
    if as_json:
        print_json(saved.model_dump(mode="json"))
    else:
        click.echo(f"plan {saved.id}: section {section} saved as revision {saved.revision}")


@plan.command("check")
@click.argument("plan_id")
@click.option("--as-of", help="Judge due dates against this date (YYYY-MM-DD).")
@json_option
@click.pass_context
def check(ctx: click.Context, plan_id: str, as_of: str | None, as_json: bool) -> int:
    """Check a plan; exit 1 if any finding is an error."""
    from ..operations import check as check_plan
    from ..operations import plan_words

    workspace = open_workspace(ctx)
    record, findings = check_plan(workspace, plan_id, as_of=parse_date(as_of, "--as-of"))
    if as_json:
        print_json({"plan": record.id, "revision": record.revision,
                    "findings": findings_json(findings)})
    else:
        show_findings(findings, f"plan {record.id} (revision {record.revision})",
                      plan_words(workspace, plan_id))
    return 1 if any(f.severity == "error" for f in findings) else 0


@plan.command("advance")
@click.argument("plan_id")
@click.option("--to", "to_step", help="Advance to this later step (every gate on the way).")
@json_option
@click.pass_context
def advance(ctx: click.Context, plan_id: str, to_step: str | None, as_json: bool) -> int:
    """Move a plan to its next step if the current step's gate is met; exit 1 if refused."""
    from ..model import Plan
    from ..operations import advance as advance_plan
    from ..operations import plan_words
    from ..planning import AdvanceRefused

    workspace = open_workspace(ctx)
    record = workspace.get(Plan, plan_id)
    try:
        moved = advance_plan(workspace, actor(ctx), plan_id, to=to_step,
                             base_revision=record.revision)
    except AdvanceRefused as refused:
        if as_json:
            print_json({"plan": record.id, "advanced": False, "step": record.step,
                        "findings": findings_json(refused.findings)})
        else:
            click.echo(f"plan {record.id} stays at step {record.step}:", err=True)
            show_findings(refused.findings, "what blocks it", plan_words(workspace, plan_id))
        return 1
    if as_json:
        print_json({"plan": moved.id, "advanced": True, "from": record.step, "step": moved.step,
                    "revision": moved.revision})
    else:
        click.echo(f"plan {moved.id}: {record.step} -> {moved.step} (revision {moved.revision})")
    return 0


@plan.command("history")
@click.argument("plan_id")
@json_option
@click.pass_context
def history(ctx: click.Context, plan_id: str, as_json: bool) -> None:
    """List a plan's revisions."""
    from ..model import Plan

    entries = open_workspace(ctx).history(Plan, plan_id)
    if as_json:
        print_json([{"revision": e.revision, "saved_at": e.saved_at, "saved_by": e.saved_by}
                    for e in entries])
        return
    print_table(f"history of {plan_id}", ["revision", "saved at", "by"],
                [[e.revision, e.saved_at, e.saved_by] for e in entries])


@plan.command("restore")
@click.argument("plan_id")
@click.option("--revision", "reference", required=True, metavar="REV|review:N",
              help=f"The point to restore: {POINT_HELP}.")
@click.option("--base-revision", type=int,
              help="Refuse the restore if the plan moved past this revision.")
@json_option
@click.pass_context
def restore(ctx: click.Context, plan_id: str, reference: str, base_revision: int | None,
            as_json: bool) -> None:
    """Save a new revision of a plan equal to an earlier one (its step, sections and every
    other field); the history keeps every revision. A plan that already has that content is
    left as it is."""
    from ..operations import restore_plan

    done = restore_plan(open_workspace(ctx), actor(ctx), plan_id, reference,
                        base_revision=base_revision)
    if as_json:
        print_json({"plan": done.plan.id, "restored": done.point.as_dict(), "saved": done.saved,
                    "revision": done.plan.revision, "step": done.plan.step})
    elif done.saved:
        click.echo(f"plan {done.plan.id}: {done.point.label} restored as revision "
                   f"{done.plan.revision} (step {done.plan.step})")
    else:
        click.echo(f"plan {done.plan.id} is already as it was at {done.point.label}: nothing "
                   "written")


@plan.command("diff")
@click.argument("plan_id")
@click.option("--from", "from_ref", metavar="REV|review:N",
              help="Older point: a revision, review:N (the N-th review of the plan, by date), "
                   "review:last, review:ID or now (default: the revision before --to).")
@click.option("--to", "to_ref", metavar="REV|review:N",
              help="Newer point, as --from (default: now, the current revision).")
@click.option("--raw", is_flag=True,
              help="The field-level diff of the plan record (internal paths) instead of words.")
@json_option
@click.pass_context
def diff(ctx: click.Context, plan_id: str, from_ref: str | None, to_ref: str | None, raw: bool,
         as_json: bool) -> None:
    """Show what changed in a plan between two revisions or reviews, in plain words.

    Besides the plan's own fields this names stakeholders added or removed, support and
    influence moved, objectives signed, actions done or now overdue, whitespace cells that
    changed state and score changes, from the account's records as they were at each point.
    --json gives both: "summary" (plain words) and "changes" (field by field).
    """
    from ..changes import compare
    from ..model import Plan

    workspace = open_workspace(ctx)
    plan_record = workspace.get(Plan, plan_id)
    methodology = registry().methodologies.get(plan_record.methodology.name)
    result = compare(workspace, plan_id, from_ref, to_ref, methodology)
    if as_json:
        print_json(result.as_dict())
        return
    click.echo(f"plan {plan_id}: {result.before.label} -> {result.after.label}")
    if not raw:
        for change in result.changes:
            click.echo(f"  {change.text}")
        if not result.changes:
            click.echo("  no changes")
        return
    for field in result.fields:
        click.echo(f"  {field.describe()}")
    if not result.fields:
        click.echo("  no changes")


@plan.command("template")
@click.argument("methodology_name", metavar="METHODOLOGY")
@click.argument("section")
@click.option("--json", "as_json", is_flag=True,
              help="Print the example value as JSON instead of the commented YAML.")
def template(methodology_name: str, section: str, as_json: bool) -> None:
    """Print a commented YAML skeleton of SECTION of METHODOLOGY, from its schema.

    Each field shows an example value and a comment: required or optional, the kind of value
    (text, date, whole number from 1 to 5, one of a few values) and its description. The
    output passes the section's schema as it is, so it can be filled in and given to
    `kam plan set PLAN SECTION FILE`.
    """
    from ..errors import format_path
    from ..templates import section_template

    made = section_template(registry().methodology(methodology_name), section)
    if as_json:
        print_json(made.example)
    else:
        click.echo(made.text, nl=False)
    for path, message in made.problems():
        click.echo(f"warning: the example fails the schema at {format_path(path)}: {message} "
                   "(edit it before `kam plan set`)", err=True)


plan.add_command(rollover)

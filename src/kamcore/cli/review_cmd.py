"""``kam review record|list|due``: keeping plans alive with reviews on the methodology's cadence."""

from __future__ import annotations

from datetime import date

import click

from ._common import (
    actor,
    json_option,
    key_values,
    open_workspace,
    parse_date,
    print_json,
    print_table,
)


@click.group()
def review() -> None:
    """Record plan reviews and see which are due."""


@review.command("record")
@click.argument("plan_id")
@click.option("--kind", "-k", required=True, help="Review kind from the cadence, e.g. customer.")
@click.option("--date", "-d", "held_on", required=True, help="Date held (YYYY-MM-DD).")
@click.option("--attendee", "attendees", multiple=True, help="Repeat for each attendee.")
@click.option("--decision", "decisions", multiple=True, help="Repeat for each decision.")
@click.option("--notes")
@click.option("--score", "scores", multiple=True, metavar="KEY=VALUE",
              help="A qbr-health criterion of the QBR (relationship_depth, pipeline_coverage, "
                   "plan_currency; 1-5); repeatable.")
@json_option
@click.pass_context
def record(ctx: click.Context, plan_id: str, kind: str, held_on: str,
           attendees: tuple[str, ...], decisions: tuple[str, ...], notes: str | None,
           scores: tuple[str, ...], as_json: bool) -> None:
    """Record a review of PLAN, snapshotting the plan revision, the current score cards and who
    holds the economic buyer role (so a later leadership change is noticed). The QBR (the
    customer review, unless the methodology names another kind) is scored with qbr-health."""
    from ..operations import record_review

    when = parse_date(held_on, "--date")
    assert when is not None
    saved = record_review(open_workspace(ctx), actor(ctx), plan_id, kind, when,
                          attendees=attendees, decisions=decisions, notes=notes,
                          scores=key_values(scores, "--score"))
    if as_json:
        print_json(saved.model_dump(mode="json"))
    else:
        click.echo(f"recorded {kind} review of {saved.plan_id} on {when} (plan revision "
                   f"{saved.plan_revision}, {len(saved.score_cards)} score cards)")


@review.command("list")
@click.argument("plan_id")
@json_option
@click.pass_context
def list_reviews(ctx: click.Context, plan_id: str, as_json: bool) -> None:
    """List the reviews of PLAN in date order, numbered as `kam plan diff --from review:N`
    counts them."""
    from ..operations import list_reviews

    reviews = list_reviews(open_workspace(ctx), plan_id)
    if as_json:
        print_json([{"number": n, "id": r.id, "kind": r.review_kind, "date": r.date,
                     "plan_revision": r.plan_revision, "attendees": r.attendees,
                     "decisions": r.decisions, "economic_buyers": r.economic_buyers}
                    for n, r in enumerate(reviews, start=1)])
        return
    print_table(f"reviews of {plan_id}", ["ref", "kind", "date", "plan revision", "attendees",
                                          "decisions"],
                [[f"review:{n}", r.review_kind, r.date, r.plan_revision, ", ".join(r.attendees),
                  "; ".join(r.decisions)] for n, r in enumerate(reviews, start=1)])


@review.command("due")
@click.option("--as-of", help="Judge against this date (default today).")
@click.option("--overdue", "only_overdue", is_flag=True, help="Only overdue reviews.")
@json_option
@click.pass_context
def due(ctx: click.Context, as_of: str | None, only_overdue: bool, as_json: bool) -> None:
    """Each plan's next review of each kind, overdue ones first; and the plans needing an
    ad-hoc refresh because their account moved since their last review (new economic buyer
    or executive, a champion or sponsor gone, a key title change, a new competitor), with the
    movements as the reason."""
    from ..operations import reviews_due
    from ..reviews import AdHocRefresh

    when = parse_date(as_of, "--as-of") or date.today()
    rows = reviews_due(open_workspace(ctx), when, only_overdue=only_overdue)
    if as_json:
        print_json([d.as_dict(p) for p, d in rows])
        return
    print_table(f"reviews due as of {when}", ["plan", "kind", "every", "last", "due", "status"],
                [[p.id, d.label, "-", d.last or "never", d.due,
                  f"{len(d.movements)} movement(s) since {d.since:%Y-%m-%d}"]
                 if isinstance(d, AdHocRefresh) else
                 [p.id, d.kind, d.cadence.every, d.last or "never", d.due,
                  f"overdue {d.days_overdue} days" if d.overdue else "upcoming"]
                 for p, d in rows])
    for p, d in rows:
        if isinstance(d, AdHocRefresh):
            click.echo(f"{p.id} needs an ad-hoc refresh:")
            for movement in d.movements:
                click.echo(f"  - {movement.finding.message}")

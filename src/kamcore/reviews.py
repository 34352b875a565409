"""When each kind of review of a plan is next due, from the methodology's cadence."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs

from .cadence import Cadence
from .methodology import Methodology
from .model import Finding, Plan, Review


@attrs.frozen
class DueReview:
    """The next review of one kind: the last one held (if any) and when the next is due.

    Without a review of that kind, the cadence runs from the day the plan was created.
    """

    kind: str
    cadence: Cadence
    last: date | None
    due: date
    as_of: date

    @property
    def overdue(self) -> bool:
        """True when the due date has passed."""
        return self.due < self.as_of

    @property
    def days_overdue(self) -> int:
        """Days past the due date (0 when not overdue)."""
        return max(0, (self.as_of - self.due).days)


def plan_start(plan: Plan, fallback: date) -> date:
    """The day the plan was created (``fallback`` for a plan never saved)."""
    return plan.created_at.date() if plan.created_at else fallback


def plan_cadence(plan: Plan, methodology: Methodology) -> list[Cadence]:
    """The methodology's cadence with the plan's overrides applied (a bad override is a
    :class:`ValueError` naming it)."""
    cadences = {c.kind: c for c in methodology.cadence}
    for kind, every in plan.cadence.items():
        base = cadences.get(kind)
        cadences[kind] = Cadence.parse(kind, every, base.title if base else None)
    return list(cadences.values())


def due_reviews(plan: Plan, methodology: Methodology, reviews: Iterable[Review],
                as_of: date) -> list[DueReview]:
    """For each cadence kind of the methodology, when the next review of the plan is due.

    Only reviews of ``plan`` held on or before ``as_of`` count. Overdue ones come first.
    """
    held: dict[str, date] = {}
    for review in reviews:
        if review.plan_id == plan.id and review.date <= as_of:
            held[review.review_kind] = max(review.date, held.get(review.review_kind, review.date))
    start = plan_start(plan, as_of)
    result = []
    for cadence in plan_cadence(plan, methodology):
        last = held.get(cadence.kind)
        result.append(DueReview(cadence.kind, cadence, last,
                                cadence.next_due(last or start), as_of))
    return sorted(result, key=lambda d: (not d.overdue, d.due, d.kind))


def overdue_review_findings(plan: Plan, methodology: Methodology, reviews: Iterable[Review],
                            as_of: date, *, source: str, lead: str = "") -> list[Finding]:
    """A ``review-overdue`` warning for each cadence kind whose next review is past due.

    :param source: the plugin reporting it; ``lead`` is put before each message (e.g.
        ``"governance is not running: "``).
    """
    findings = []
    for due in due_reviews(plan, methodology, reviews, as_of):
        if not due.overdue:
            continue
        title = due.cadence.title or f"{due.kind} review"
        last = f"last held {due.last.isoformat()}" if due.last else "never held"
        findings.append(Finding(
            severity="warning", code="review-overdue", source=source, subject=plan.id,
            message=f"{lead}{title} overdue since {due.due.isoformat()} ({due.days_overdue} "
                    f"days; every {due.cadence.every}), {last}",
        ))
    return findings

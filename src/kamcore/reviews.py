"""Reviews of a plan: when each kind is next due (from the methodology's cadence), a plan
needing an ad-hoc refresh because its account moved (:class:`AdHocRefresh`), and which review
a reference such as ``review:2`` or ``review:last`` names."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

import attrs

from .cadence import Cadence
from .errors import InvalidInputError

if TYPE_CHECKING:
    from .methodology import Methodology
    from .model import Finding, Plan, Review
    from .movements import Movement


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

    def as_dict(self, plan: Plan) -> dict[str, object]:
        """This due review of ``plan`` as plain data (``kam review due --json``, the API)."""
        return {"plan": plan.id, "account": plan.account_id, "kind": self.kind,
                "every": self.cadence.every, "last": self.last, "due": self.due,
                "overdue": self.overdue, "days_overdue": self.days_overdue}


@attrs.frozen
class AdHocRefresh:
    """A plan that needs a refresh now, outside its cadence: its account moved since its last
    review (``since``: when that review was recorded, else when the plan was created; ``last``:
    the review's date). The ``movements`` (:mod:`kamcore.movements`) are the reason; recording
    a review clears them. Listed with the due reviews: due on ``as_of``, never overdue.
    """

    #: The kind it is listed as (no cadence kind is called so).
    kind: ClassVar[str] = "ad-hoc"
    #: How it is labelled.
    label: ClassVar[str] = "ad-hoc refresh"

    movements: tuple[Movement, ...]
    since: datetime
    last: date | None
    as_of: date

    @property
    def due(self) -> date:
        """Due now: on ``as_of``."""
        return self.as_of

    @property
    def overdue(self) -> bool:
        """Never overdue: it is due on the day it is judged."""
        return False

    @property
    def days_overdue(self) -> int:
        """Always 0."""
        return 0

    def as_dict(self, plan: Plan) -> dict[str, object]:
        """As :meth:`DueReview.as_dict` (``every`` None), with ``since`` and the
        ``movements``."""
        return {"plan": plan.id, "account": plan.account_id, "kind": self.kind, "every": None,
                "last": self.last, "due": self.due, "overdue": False, "days_overdue": 0,
                "since": self.since.isoformat(),
                "movements": [movement.as_dict() for movement in self.movements]}


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
    from .model import Finding

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


def plan_reviews(reviews: Iterable[Review], plan_id: str) -> list[Review]:
    """The reviews of one plan, oldest first (by date; on one day, by the plan revision each
    reviewed, so the one recorded first comes first; then id): ``review:1`` is the first."""
    return sorted((r for r in reviews if r.plan_id == plan_id),
                  key=lambda r: (r.date, r.plan_revision, r.id))


def last_review(reviews: Iterable[Review], plan_id: str,
                as_of: date | None = None) -> Review | None:
    """The latest review of ``plan_id`` held on or before ``as_of`` (any date if None)."""
    held = [r for r in plan_reviews(reviews, plan_id) if as_of is None or r.date <= as_of]
    return held[-1] if held else None


def find_review(reviews: Iterable[Review], plan_id: str, reference: str) -> Review:
    """The review of ``plan_id`` that ``reference`` names.

    ``reference`` is a 1-based number in date order (``"1"`` is the first review of the plan),
    ``"last"`` (the latest), or a review id. Anything else is an :class:`InvalidInputError`
    that says which reviews the plan has.
    """
    ordered = plan_reviews(reviews, plan_id)
    text = reference.strip()
    listing = "; ".join(f"review:{n} = {r.review_kind} {r.date.isoformat()} ({r.id})"
                        for n, r in enumerate(ordered, start=1)) or "none recorded yet"
    if not ordered:
        raise InvalidInputError(f"plan {plan_id!r} has no reviews, so 'review:{text}' names "
                                "nothing; record one with `kam review record`")
    if text == "last":
        return ordered[-1]
    if text.lstrip("-").isdigit():
        number = int(text)
        if 1 <= number <= len(ordered):
            return ordered[number - 1]
        raise InvalidInputError(f"plan {plan_id!r} has {len(ordered)} review(s), so "
                                f"'review:{text}' names none (reviews count from 1 in date "
                                f"order): {listing}")
    for review in ordered:
        if review.id == text:
            return review
    raise InvalidInputError(f"'review:{text}' is neither a review number, 'last' nor the id of a "
                            f"review of plan {plan_id!r}: {listing}")

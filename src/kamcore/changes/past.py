"""Reading a plan's past: the points of its life and the records as they were at each.

A point (:class:`PlanPoint`) is named by a reference (:func:`resolve_point`); its state
(:class:`PlanState`) is the plan revision, the account's stakeholders and the score cards at
that moment (:func:`state_at`). See :mod:`kamcore.changes` for what a moment is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import attrs

from ..dates import as_utc
from ..errors import InvalidInputError
from ..model import Plan, Review, ScoreCard, Stakeholder
from ..reviews import find_review, plan_reviews
from ..snapshot import latest_by_rubric

if TYPE_CHECKING:
    from ..store import Workspace

#: A revision number as typed (a sign is read, so that ``-1`` is refused as a revision).
_NUMBER = re.compile(r"[+-]?[0-9]+")


@attrs.frozen
class PlanPoint:
    """A point in a plan's life: a revision, the revision a review looked at, or now.

    ``at`` is the moment (None for now), ``as_of`` the date overdue items are judged against.
    """

    reference: str
    revision: int
    at: datetime | None
    as_of: date
    review: Review | None = None
    review_number: int | None = None

    @property
    def label(self) -> str:
        """``revision 3 (2026-05-01)``, ``review:1 (customer review on 2026-05-01, plan
        revision 3)`` or ``now (revision 5)``."""
        if self.review is not None:
            return (f"review:{self.review_number} ({self.review.review_kind} review on "
                    f"{self.review.date.isoformat()}, plan revision {self.revision})")
        if self.at is None:
            return f"now (revision {self.revision})"
        return f"revision {self.revision} ({self.at.date().isoformat()})"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "reference": self.reference, "revision": self.revision, "label": self.label,
            "at": self.at.isoformat() if self.at else None, "as_of": self.as_of.isoformat(),
            "review": self.review.id if self.review else None,
        }


@attrs.frozen
class PlanState:
    """A plan as it stood at a point, with the account's stakeholders and score cards then."""

    plan: Plan
    stakeholders: Mapping[str, Stakeholder] = attrs.field(factory=dict)
    score_cards: Mapping[str, ScoreCard] = attrs.field(factory=dict)
    as_of: date = attrs.field(factory=date.today)


def _saved_at(text: str) -> datetime:
    return as_utc(datetime.fromisoformat(text))


def current_point(plan: Plan) -> PlanPoint:
    """``now``: the plan's current revision, the account as it is today."""
    return PlanPoint("now", plan.revision, None, date.today())


def revision_point(workspace: Workspace, plan: Plan, revision: int,
                   reference: str | None = None, option: str = "--from") -> PlanPoint:
    """Revision ``revision`` of ``plan``, at the moment it was saved.

    :raises InvalidInputError: the plan has no such revision (0, negative, not yet saved);
        the message, headed by ``option``, says which it has.
    """
    saved = {info.revision: info.saved_at for info in workspace.history(Plan, plan.id)}
    if revision not in saved:
        raise InvalidInputError(f"{option}: no revision of plan {plan.id!r} is numbered "
                                f"{revision}; it has {_revisions(sorted(saved))}")
    at = _saved_at(saved[revision]) if saved[revision] else None
    return PlanPoint(reference or str(revision), revision, at,
                     at.date() if at else date.today())


def _revisions(numbers: list[int]) -> str:
    """``revisions 1 to 8`` (``revision 1``; ``revisions 1, 2, 5`` when some are missing)."""
    if len(numbers) == 1:
        return f"revision {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"revisions {numbers[0]} to {numbers[-1]}"
    return "revisions " + ", ".join(str(number) for number in numbers)


def review_point(workspace: Workspace, plan: Plan, review: Review, number: int,
                 reference: str | None = None) -> PlanPoint:
    """The revision ``review`` looked at, at the moment the review was recorded."""
    at = as_utc(review.created_at) if review.created_at else None
    if at is None:
        at = revision_point(workspace, plan, review.plan_revision).at
    return PlanPoint(reference or f"review:{number}", review.plan_revision, at, review.date,
                     review, number)


def last_review_point(workspace: Workspace, plan: Plan, as_of: date) -> PlanPoint:
    """Where a review pack counts changes from: the revision the plan's latest review held on
    or before ``as_of`` looked at (``review:N``), or revision 1 when there is none."""
    reviews = plan_reviews(workspace.iter(Review, account_id=plan.account_id), plan.id)
    held = [r for r in reviews if r.date <= as_of]
    if held:
        return review_point(workspace, plan, held[-1], len(held))
    return revision_point(workspace, plan, 1)


def resolve_point(workspace: Workspace, plan: Plan, reference: str,
                  option: str = "--from") -> PlanPoint:
    """The point ``reference`` names: a revision number, ``review:N`` (1-based, date order),
    ``review:last``, ``review:ID`` or ``now``.

    :param option: the option the reference was given with, to head error messages.
    :raises InvalidInputError: an unreadable reference, or a revision or review the plan does
        not have (the message says which it has).
    """
    text = reference.strip()
    if text in ("now", "current"):
        return current_point(plan)
    if _NUMBER.fullmatch(text):
        return revision_point(workspace, plan, int(text), text, option)
    if text.startswith("review:"):
        reviews = sorted(workspace.iter(Review, account_id=plan.account_id),
                         key=lambda r: (r.date, r.id))
        try:
            review = find_review(reviews, plan.id, text.removeprefix("review:"))
        except InvalidInputError as exc:
            raise InvalidInputError(f"{option}: {exc.summary}", exc.problems) from None
        ordered = [r.id for r in reviews if r.plan_id == plan.id]
        return review_point(workspace, plan, review, ordered.index(review.id) + 1, text)
    raise InvalidInputError(f"{option}: {reference!r} is not a plan revision (a number), "
                            "review:N (the N-th review of the plan), review:last, review:ID or "
                            "now")


def stakeholders_at(workspace: Workspace, account_id: str,
                    at: datetime | None) -> dict[str, Stakeholder]:
    """The account's stakeholders as they were at ``at`` (as they are now if None)."""
    current = list(workspace.iter(Stakeholder, account_id=account_id))
    result: dict[str, Stakeholder] = {}
    for person in current:
        if at is None or (person.updated_at is not None and as_utc(person.updated_at) <= at):
            result[person.id] = person
            continue
        if person.created_at is not None and as_utc(person.created_at) > at:
            continue
        revisions = [info for info in workspace.history(Stakeholder, person.id)
                     if info.saved_at and _saved_at(info.saved_at) <= at]
        if revisions:
            then = workspace.at_revision(Stakeholder, person.id, revisions[-1].revision)
            if then.account_id == account_id:
                result[person.id] = then
    return result


def record_at(workspace: Workspace, plan: Plan, point: PlanPoint) -> Plan:
    """The plan record as it was at ``point`` (``plan``, the current one, at its revision)."""
    if point.revision == plan.revision:
        return plan
    return workspace.at_revision(Plan, plan.id, point.revision)


def state_at(workspace: Workspace, plan: Plan, point: PlanPoint) -> PlanState:
    """The plan, its account's stakeholders and its score cards at ``point``."""
    record = record_at(workspace, plan, point)
    if point.review is not None:
        cards = latest_by_rubric(point.review.score_cards)
    else:
        cards = latest_by_rubric(workspace.iter(ScoreCard, account_id=plan.account_id),
                                 at=point.at)
    return PlanState(record, stakeholders_at(workspace, plan.account_id, point.at), cards,
                     point.as_of)

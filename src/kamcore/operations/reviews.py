"""Reviews: recording that a plan was reviewed, and what it looked like then; listing a
plan's reviews; the reviews due across the portfolio."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from ..errors import InvalidInputError, Problem
from ..methodology.staleness import economic_buyer_role
from ..model import Plan, Review, ScoreCard
from ..plugin.registry import Registry
from ..qbr import QBR_RUBRIC, qbr_kind, qbr_scored
from ..reviews import plan_cadence, plan_reviews
from ..snapshot import latest_by_rubric
from ..store import Workspace
from .actor import Actor
from .installed import installed
from .records import build, create

if TYPE_CHECKING:
    from ..methodology import Methodology
    from ..reviews import AdHocRefresh, DueReview
    from ..snapshot import AccountSnapshot


def record_review(workspace: Workspace, actor: Actor, plan_id: str, kind: str, held_on: date, *,
                  attendees: Sequence[str] = (), decisions: Sequence[str] = (),
                  notes: str | None = None, scores: Mapping[str, str | float] | None = None,
                  today: date | None = None, registry: Registry | None = None) -> Review:
    """Record a review of a plan held on ``held_on``.

    The methodology's QBR (see :mod:`kamcore.qbr`) is scored: ``scores`` are the values of
    the ``qbr-health`` criteria, stored as a score card of the plan together with the review
    (both or neither); they are required unless the methodology sets ``qbr_scored: false``.

    The review notes the plan revision it looked at, the account's latest score card of each
    rubric and who holds the economic buyer role, placeholders left out (so a later leadership
    change, or the person found for a placeholder, is noticed).
    Its id is ``PLAN.KIND.DATE``.

    :param kind: a review kind of the plan's cadence (methodology cadence with the plan's
        overrides), e.g. ``customer``.
    :param today: the date ``held_on`` may not be after (default: today).
    :raises InvalidInputError: the date is in the future, the kind is not in the cadence, a
        review of that kind on that day is recorded already, a QBR without its scores (or a
        score off the scale), or scores for a review that is not the QBR.
    :raises NotFoundError: no such plan, or its methodology is not installed.
    """
    if held_on > (today or date.today()):
        raise InvalidInputError(f"review of {plan_id} refused: {held_on} is in the future",
                                [Problem("in the future", path=("date",))])
    plan = workspace.get(Plan, plan_id)
    methodology = installed(registry).methodology(plan.methodology.name)
    kinds = [cadence.kind for cadence in plan_cadence(plan, methodology)]
    if kind not in kinds:
        raise InvalidInputError(f"unknown review kind {kind!r} for {methodology.name}; "
                                f"kinds: {', '.join(kinds) or 'none (no cadence)'}")
    review_id = f"{plan.id}.{kind}.{held_on.isoformat()}"
    if workspace.find(Review, review_id) is not None:
        raise InvalidInputError(f"a {kind} review of {plan.id} on {held_on} is already recorded")
    snapshot = workspace.snapshot(plan.account_id)
    card = _qbr_card(plan, methodology, kind, scores, snapshot, installed(registry), held_on)
    role = economic_buyer_role(methodology)
    with workspace.transaction():
        cards = latest_by_rubric(snapshot.score_cards)
        if card is not None:
            cards[card.rubric.name] = create(workspace, actor, card)
        return create(workspace, actor, build(Review, {
            "id": review_id, "plan_id": plan.id, "account_id": plan.account_id,
            "review_kind": kind, "date": held_on, "attendees": list(attendees),
            "plan_revision": plan.revision,
            "score_cards": [cards[name] for name in sorted(cards)],
            "decisions": list(decisions), "notes": notes,
            "economic_buyers": sorted(s.id for s in snapshot.stakeholders
                                      if role in s.roles and not s.placeholder),
        }))


def _qbr_card(plan: Plan, methodology: Methodology, kind: str,
              scores: Mapping[str, str | float] | None, snapshot: AccountSnapshot,
              registry: Registry, held_on: date) -> ScoreCard | None:
    """The QBR's ``qbr-health`` card (not saved yet), scored as of the day the review was held
    (noon UTC, or now for a review held today); None for a review that is not scored."""
    from ..rubric import parse_inputs, score_account

    if kind != qbr_kind(methodology):
        if scores:
            raise InvalidInputError(f"scores go with the QBR ({qbr_kind(methodology)} review) "
                                    f"of {methodology.name}, not a {kind} review")
        return None
    if not scores:
        if not qbr_scored(methodology):
            return None
        rubric = registry.rubric(QBR_RUBRIC)
        raise InvalidInputError(
            f"the {kind} review is the QBR of {methodology.name}: score it with {QBR_RUBRIC}", [
                Problem(f"needs a value ({c.scale.min:g}..{c.scale.max:g}): --score {c.key}=N"
                        + (f" ({c.anchor_text()})" if c.anchors else ""), path=(c.key,))
                for c in rubric.criteria])
    values = parse_inputs({key: str(value) for key, value in scores.items()})
    when = datetime.now(UTC)
    if held_on < when.date():
        when = datetime.combine(held_on, time(12), tzinfo=UTC)
    return score_account(registry.rubric(QBR_RUBRIC), snapshot, values, registry.signals,
                         plan_id=plan.id, scored_at=when)


def list_reviews(workspace: Workspace, plan_id: str) -> list[Review]:
    """The reviews of a plan, oldest first: the N-th is what ``review:N`` names.

    :raises NotFoundError: no such plan.
    """
    plan = workspace.get(Plan, plan_id)
    return plan_reviews(workspace.iter(Review, account_id=plan.account_id), plan.id)


def reviews_due(workspace: Workspace, as_of: date, *, only_overdue: bool = False,
                plan_ids: Collection[str] | None = None,
                registry: Registry | None = None,
                movements: bool = True) -> list[tuple[Plan, DueReview | AdHocRefresh]]:
    """Each plan's next review of each kind of its cadence on ``as_of``, overdue ones first
    (then by due date, plan and kind); plans whose methodology is not installed are left out.
    With ``movements``, plans whose account moved since their last review are listed as
    needing an ad-hoc refresh (:class:`~kamcore.reviews.AdHocRefresh`, the movements as the
    reason; see :func:`kamcore.portfolio.reviews_due`).

    :param only_overdue: keep only the reviews past due on ``as_of`` (no ad-hoc refresh).
    :param plan_ids: only these plans (unknown ids are ignored); None: every plan, read one at
        a time.
    """
    from ..portfolio import reviews_due as due

    plans = workspace.iter(Plan, among=plan_ids)
    return due(workspace, installed(registry), as_of, only_overdue=only_overdue, plans=plans,
               movements=movements)


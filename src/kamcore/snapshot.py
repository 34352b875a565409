"""AccountSnapshot: an account with everything recorded about it, read in one go."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from .dates import as_utc

if TYPE_CHECKING:
    from .model import (
        Account,
        Opportunity,
        Plan,
        Relationship,
        RevenueFact,
        Review,
        ScoreCard,
        Stakeholder,
    )


@attrs.frozen
class AccountSnapshot:
    """The account and its stakeholders, relationships, opportunities, plans, reviews, cards and
    revenue facts.

    Checks, signals and exporters receive one of these so they never query the workspace
    themselves. Lists are in id order (revenue facts: by quarter); reviews and score cards
    oldest first.
    """

    account: Account
    stakeholders: tuple[Stakeholder, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    opportunities: tuple[Opportunity, ...] = ()
    plans: tuple[Plan, ...] = ()
    reviews: tuple[Review, ...] = ()
    score_cards: tuple[ScoreCard, ...] = ()
    revenue: tuple[RevenueFact, ...] = ()

    def stakeholder(self, stakeholder_id: str) -> Stakeholder | None:
        """The stakeholder with this id, if the account has it."""
        return next((s for s in self.stakeholders if s.id == stakeholder_id), None)

    def reviews_of(self, plan_id: str) -> tuple[Review, ...]:
        """The reviews recorded for one plan, oldest first."""
        return tuple(r for r in self.reviews if r.plan_id == plan_id)


def cards_by_rubric(cards: Iterable[ScoreCard], *, plan_id: str | None = None,
                    at: datetime | None = None) -> dict[str, tuple[ScoreCard, ...]]:
    """Score cards grouped by rubric name (names in order), each group oldest first, so
    ``group[-1]`` is a rubric's latest card and ``group[-2]`` the one before it.

    :param plan_id: keep only the account's own cards (no plan) and this plan's; every card when
        None.
    :param at: keep only cards scored at or before this moment; every card when None.

    Cards are ordered by when they were scored, then by id; a time without a zone counts as UTC,
    so cards saved with and without zones sort together.
    """
    limit = as_utc(at) if at is not None else None
    groups: dict[str, list[ScoreCard]] = defaultdict(list)
    for card in sorted(cards, key=lambda c: (as_utc(c.scored_at), c.id)):
        if plan_id is not None and card.plan_id not in (None, plan_id):
            continue
        if limit is None or as_utc(card.scored_at) <= limit:
            groups[card.rubric.name].append(card)
    return {name: tuple(groups[name]) for name in sorted(groups)}


def latest_by_rubric(cards: Iterable[ScoreCard], *, plan_id: str | None = None,
                     at: datetime | None = None) -> dict[str, ScoreCard]:
    """The latest card of each rubric (names in order), as :func:`cards_by_rubric` picks them."""
    return {name: group[-1]
            for name, group in cards_by_rubric(cards, plan_id=plan_id, at=at).items()}

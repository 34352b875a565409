"""AccountSnapshot: an account with everything recorded about it, read in one go."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from .model import Account, Opportunity, Plan, Relationship, Review, ScoreCard, Stakeholder


@attrs.frozen
class AccountSnapshot:
    """The account and its stakeholders, relationships, opportunities, plans, reviews and cards.

    Checks, signals and exporters receive one of these so they never query the workspace
    themselves. Lists are in id order; reviews and score cards oldest first.
    """

    account: Account
    stakeholders: tuple[Stakeholder, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    opportunities: tuple[Opportunity, ...] = ()
    plans: tuple[Plan, ...] = ()
    reviews: tuple[Review, ...] = ()
    score_cards: tuple[ScoreCard, ...] = ()

    def stakeholder(self, stakeholder_id: str) -> Stakeholder | None:
        """The stakeholder with this id, if the account has it."""
        return next((s for s in self.stakeholders if s.id == stakeholder_id), None)

    def reviews_of(self, plan_id: str) -> tuple[Review, ...]:
        """The reviews recorded for one plan, oldest first."""
        return tuple(r for r in self.reviews if r.plan_id == plan_id)

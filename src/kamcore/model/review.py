"""Review: a plan review held on a date, and the plan revision it looked at."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field

from ._base import Record, RecordId
from .scorecard import ScoreCard


class Review(Record):
    """A recorded review of a plan (``kind`` comes from the methodology's cadence)."""

    kind: ClassVar[str] = "review"

    plan_id: RecordId
    account_id: RecordId
    review_kind: str = Field(min_length=1, description="internal, customer, annual...")
    date: date
    attendees: list[str] = Field(default_factory=list)
    plan_revision: int = Field(ge=1, description="The plan revision that was reviewed.")
    score_cards: list[ScoreCard] = Field(default_factory=list)
    decisions: list[str] = Field(default_factory=list)
    notes: str | None = None
    economic_buyers: list[RecordId] | None = Field(
        default=None,
        description="Ids of the account's stakeholders holding the economic buyer role when the "
                    "review was recorded (None: not recorded, as in older reviews).",
    )

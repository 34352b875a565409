"""ScoreCard: the result of scoring an account with a rubric of a given version."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from ._base import Record, RecordId, Shape


class RubricRef(Shape):
    """The rubric and the exact version a score card was computed with."""

    name: str = Field(min_length=1)
    version: str = Field(min_length=1)


class ScoreCard(Record):
    """Scores per criterion, their weighted total and band, as computed at ``scored_at``.

    The rubric version is kept so an old card keeps its meaning after the rubric changes.
    """

    kind: ClassVar[str] = "scorecard"

    account_id: RecordId
    plan_id: RecordId | None = None
    rubric: RubricRef
    inputs: dict[str, float] = Field(default_factory=dict, description="Values a person entered.")
    values: dict[str, float] = Field(default_factory=dict, description="Per-criterion values.")
    total: float
    band: str | None = None
    explanation: list[str] = Field(default_factory=list)
    scored_at: datetime

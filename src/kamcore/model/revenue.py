"""RevenueFact: what an account brought in during one quarter, the data behind the programme
metrics (net revenue retention, expansion share, growth, share of wallet, displacement)."""

from __future__ import annotations

import re
from typing import ClassVar

from pydantic import Field, field_validator, model_validator

from ._base import ExternalIds, Record, RecordId

#: A quarter as written in revenue facts and ``kam metrics --period``: ``2026-Q4``.
QUARTER_PATTERN = r"^[0-9]{4}-Q[1-4]$"


class RevenueFact(Record):
    """One account's revenue in one quarter (``period``, e.g. ``2026-Q4``); its id is
    ``<account_id>.<period>``, so a quarter has one fact per account.

    ``booked`` is all revenue booked with the account in the quarter; ``expansion`` the part of
    it that is new business with the existing customer (upsell, cross-sell); ``churn`` the
    revenue lost in the quarter (products dropped, contraction). ``wallet`` is the customer's
    addressable spend in the quarter, when known (for share of wallet); ``competitor_entered``
    records that a competitor won business in the account during the quarter.
    """

    kind: ClassVar[str] = "revenue"

    account_id: RecordId
    period: str = Field(description="Quarter, e.g. 2026-Q4.",
                        json_schema_extra={"pattern": QUARTER_PATTERN})
    booked: float = Field(ge=0, description="Revenue booked with the account in the quarter.")
    expansion: float = Field(default=0, ge=0,
                             description="Of which new business with the existing customer.")
    churn: float = Field(default=0, ge=0, description="Revenue lost in the quarter.")
    wallet: float | None = Field(default=None, ge=0,
                                 description="The customer's addressable spend in the quarter.")
    competitor_entered: bool = Field(
        default=False, description="A competitor won business in the account this quarter.")
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    source: str | None = Field(default=None, description="Where the figures came from.")
    external_ids: ExternalIds = Field(default_factory=dict)

    @field_validator("period")
    @classmethod
    def _a_quarter(cls, value: str) -> str:
        if not re.match(QUARTER_PATTERN, value):
            raise ValueError(f"{value!r} is not a quarter; write e.g. 2026-Q4")
        return value

    @model_validator(mode="after")
    def _expansion_within_booked(self) -> RevenueFact:
        if self.expansion > self.booked:
            raise ValueError(f"expansion ({self.expansion:g}) cannot exceed booked "
                             f"({self.booked:g})")
        return self

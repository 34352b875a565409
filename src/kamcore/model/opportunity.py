"""Opportunity: a deal in the account's pipeline."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from ._base import ExternalIds, Record, RecordId, StringSet

OpportunityStatus = Literal["open", "won", "lost"]


class Opportunity(Record):
    """A sales opportunity; ``contact_roles`` maps stakeholder id -> role on this deal."""

    kind: ClassVar[str] = "opportunity"

    account_id: RecordId
    name: str = Field(min_length=1)
    amount: float | None = Field(default=None, ge=0)
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    stage: str | None = None
    status: OpportunityStatus = "open"
    close_date: date | None = None
    probability: float | None = Field(default=None, ge=0, le=100, description="Percent.")
    product_line: str | None = None
    business_unit: str | None = None
    contact_roles: dict[str, str] = Field(default_factory=dict)
    competitors: StringSet = Field(
        default=frozenset(),
        description="Competitors known on this deal, by name (e.g. Salesforce's "
                    "OpportunityCompetitor.CompetitorName).")
    external_ids: ExternalIds = Field(default_factory=dict)

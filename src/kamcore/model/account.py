"""Account: the customer being planned."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from ._base import ExternalIds, Record, RecordId, StringSet


class Account(Record):
    """A customer account, possibly part of a group (``parent_id``)."""

    kind: ClassVar[str] = "account"
    account_field: ClassVar[str | None] = "id"

    name: str = Field(min_length=1)
    industry: str | None = None
    annual_revenue: float | None = Field(default=None, ge=0, description="Customer's revenue.")
    parent_id: RecordId | None = Field(default=None, description="Parent account in a group.")
    owner: str | None = Field(default=None, description="Key account manager on our side.")
    tier: str | None = Field(default=None, description="Segment, e.g. strategic, key, growth.")
    business_units: StringSet = frozenset()
    external_ids: ExternalIds = Field(default_factory=dict)
    attributes: dict[str, Any] = Field(
        default_factory=dict, description="Free fields that plugins and imports may add."
    )

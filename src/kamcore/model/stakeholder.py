"""Stakeholders on the customer's side and the typed relationships between them."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from ._base import ExternalIds, Record, RecordId, StringSet

Seniority = Literal["c_level", "vp", "director", "manager", "individual"]
DecisionAuthority = Literal["none", "influences", "recommends", "approves", "decides"]
RelationshipType = Literal["reports_to", "dotted_line", "influences", "conflicts", "informal"]

#: Seniorities that count as executive (C-level) relationships.
EXECUTIVE_SENIORITIES: frozenset[str] = frozenset({"c_level"})


class Stakeholder(Record):
    """A person at the customer.

    ``roles`` take their vocabulary from the methodology (economic_buyer, champion, coach,
    blocker ...). ``support`` runs from -2 (opposes) to +2 (sponsors). A ``placeholder``
    stands for a person not known yet in a known role ("the CFO: unknown"): maps and tables
    show it as such, it is never "not contacted", and a role held only by placeholders is a
    coverage gap (see docs/stakeholder-map.md). ``left_on`` marks a person who left the
    customer while keeping their record and history (an account movement, see
    :mod:`kamcore.movements`).
    """

    kind: ClassVar[str] = "stakeholder"

    account_id: RecordId
    name: str = Field(min_length=1)
    title: str | None = None
    business_unit: str | None = None
    seniority: Seniority | None = None
    roles: StringSet = frozenset()
    influence: int | None = Field(default=None, ge=1, le=5)
    support: int | None = Field(default=None, ge=-2, le=2)
    relationship_strength: int | None = Field(default=None, ge=0, le=5)
    decision_authority: DecisionAuthority | None = None
    seller_owner: str | None = Field(
        default=None, description="Who on our side holds the relationship."
    )
    last_contact: date | None = None
    email: str | None = None
    placeholder: bool = Field(
        default=False, description="Stands for a person not known yet in a known role.")
    left_on: date | None = Field(
        default=None, description="The day the person left the customer (a CRM marking the "
                                  "contact as gone); None while they are there.")
    external_ids: ExternalIds = Field(default_factory=dict)

    @property
    def is_executive(self) -> bool:
        """True for C-level stakeholders."""
        return self.seniority in EXECUTIVE_SENIORITIES

    @property
    def has_left(self) -> bool:
        """True once ``left_on`` is set: the person left the customer."""
        return self.left_on is not None


class Relationship(Record):
    """A directed, typed edge from one stakeholder to another (``source`` reports_to ``target``).

    ``dotted_line`` is a secondary (matrix) reporting line; ``reports_to`` lines never form a
    cycle (the operations refuse one).
    """

    kind: ClassVar[str] = "relationship"

    account_id: RecordId
    source_id: RecordId
    target_id: RecordId
    type: RelationshipType
    note: str | None = None
    external_ids: ExternalIds = Field(default_factory=dict)

    @model_validator(mode="after")
    def _not_a_loop(self) -> Relationship:
        if self.source_id == self.target_id:
            raise ValueError("a relationship must join two different stakeholders")
        return self

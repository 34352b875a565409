"""Plan: an account plan under one methodology, and the common section shapes the core knows.

A plan's ``sections`` hold free JSON validated by the methodology's section schemas. The shapes
below (:class:`Objective`, :class:`Action`, :class:`Risk`, :class:`WhitespaceCell`) are the ones
most methodologies share; a methodology's schema can use them with
``$ref: "urn:kamcore:shape:objective"`` (see :mod:`kamcore.methodology.schemas`).
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from ._base import Record, RecordId, Shape

ActionStatus = Literal["open", "in_progress", "done", "blocked", "cancelled"]
WhitespaceState = Literal["owned", "pipeline", "potential", "blocked", "competitor", "n.a."]
ObjectiveStatus = Literal["not_started", "on_track", "at_risk", "achieved", "dropped"]

#: Action states that no longer need doing.
CLOSED_ACTION_STATES: frozenset[str] = frozenset({"done", "cancelled"})


class MethodologyRef(Shape):
    """The methodology (and the exact version) a plan was written under."""

    name: str = Field(min_length=1)
    version: str = Field(min_length=1)


class Signoff(Shape):
    """The customer's agreement to a joint objective."""

    name: str = Field(min_length=1, description="Who signed at the customer.")
    title: str | None = None
    date: date
    via: str | None = Field(default=None, description="How it was given, e.g. a share link's id.")


class ChangeRequest(Shape):
    """The customer's request to change a joint objective before they sign it off."""

    name: str = Field(min_length=1, description="Who asked, at the customer.")
    date: date
    comment: str = Field(min_length=1, max_length=4000)
    via: str | None = Field(default=None, description="How it was asked, e.g. a share link's id.")


class Measure(Shape):
    """A key measure of an objective: where it started, where it is and where it must get to,
    as Salesforce's Account Plan objectives carry them."""

    name: str = Field(min_length=1, description="What is measured.")
    baseline: float | None = None
    current: float | None = None
    target: float | None = None
    unit: str | None = Field(default=None, description="e.g. %, days, USD.")
    due: date | None = None


class Objective(Shape):
    """An objective of the plan; a joint objective is "signed off by both sides": the
    customer's sign-off and ours (``seller_signoff``).

    ``status`` is one of not_started / on_track / at_risk / achieved / dropped (None: not
    recorded, as in plans written before it existed); ``measures`` say how progress is measured.
    """

    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str | None = None
    measure: str | None = Field(default=None, description="How success is measured.")
    target: str | None = None
    due: date | None = None
    status: ObjectiveStatus | None = None
    measures: list[Measure] | None = None
    customer_signoff: Signoff | None = None
    seller_signoff: Signoff | None = Field(
        default=None, description="Our side's sign-off (the account team's executive sponsor).")
    change_requests: list[ChangeRequest] | None = Field(
        default=None, description="What the customer asked to change before signing off.")


class Action(Shape):
    """A commitment with an owner and a date."""

    id: str | None = None
    title: str = Field(min_length=1)
    owner: str | None = Field(default=None, description="Owner on our side.")
    customer_owner: str | None = Field(default=None, description="Owner on the customer's side.")
    due: date | None = None
    status: ActionStatus = "open"
    objective: str | None = Field(default=None, description="Id of the objective it serves.")


class Risk(Shape):
    """A threat to the account (competitor, detractor, budget...)."""

    title: str = Field(min_length=1)
    category: str | None = None
    likelihood: int = Field(ge=1, le=5)
    impact: int = Field(ge=1, le=5)
    mitigation: str | None = None
    owner: str | None = None


class WhitespaceCell(Shape):
    """One cell of the whitespace grid: a business unit x product line and where we stand."""

    business_unit: str = Field(min_length=1)
    product_line: str = Field(min_length=1)
    state: WhitespaceState
    value: float | None = Field(default=None, ge=0)
    note: str | None = None


class ScenarioYear(Shape):
    """One year of a multi-year revenue scenario ("the next 90 days of concrete actions tied
    to a multi-year revenue scenario"): the base case, the stretch case and what they assume."""

    year: str = Field(pattern=r"^(FY)?[0-9]{4}$", description="e.g. FY2027 or 2027.",
                      examples=["FY2027"])
    base: float = Field(ge=0, description="Revenue expected in the base case.")
    stretch: float = Field(ge=0, description="Revenue if the stretch case comes true.")
    assumptions: list[str] | None = Field(default=None, description="What the year assumes.")


class Plan(Record):
    """An account plan: which methodology, which step it is at, and its section data."""

    kind: ClassVar[str] = "plan"

    account_id: RecordId
    methodology: MethodologyRef
    period: str | None = Field(default=None, description="Planning period, e.g. FY2027.")
    step: str = Field(min_length=1, description="Key of the step the plan is currently at.")
    sections: dict[str, Any] = Field(default_factory=dict)
    cadence: dict[str, str] = Field(
        default_factory=dict,
        description="Per-plan review cadence overrides: kind -> '2 months', '6 weeks'...",
    )
    rolled_over_from: RecordId | None = Field(
        default=None, description="The previous period's plan this one was rolled over from.")
    superseded_by: RecordId | None = Field(
        default=None, description="The next period's plan, once this one was rolled over.")

    @field_validator("cadence")
    @classmethod
    def _cadence_readable(cls, value: dict[str, str]) -> dict[str, str]:
        from ..cadence import Cadence

        for kind, every in value.items():
            Cadence.parse(kind, every)
        return value


#: The section shapes a methodology may reference, by the name used in ``urn:kamcore:shape:``.
SHAPES: dict[str, type[Shape]] = {
    "objective": Objective,
    "action": Action,
    "risk": Risk,
    "whitespace_cell": WhitespaceCell,
    "signoff": Signoff,
    "measure": Measure,
    "scenario_year": ScenarioYear,
}

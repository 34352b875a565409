"""A kamcore plan as the Salesforce Account Plan records it is pushed as (the reverse of
:mod:`kamcore_salesforce.plans`).

Each record is keyed by the external id field :data:`KAM_ID` (a Text, External ID, Unique
field the org adds to ``AccountPlan``, ``AccountPlanObjective`` and
``AccountPlanObjectiveMeasure``): the plan's id; ``<plan id>:<objective id>`` for an
objective; ``<plan id>:<objective id>:<measure name>`` for a measure. Children name their
parent through the parent's external id (``"AccountPlan": {"Kam_Id__c": ...}``), so the
whole plan is upserted without knowing a Salesforce Id.

Only what the plan has is sent: a plan without a ``swot`` section leaves the Relationship
fields alone, an objective without ``description`` leaves ``Description`` alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from kamcore.model import Account, Plan

from .plans import KAM_ID, SWOT_FIELDS, VISION_FIELD

#: objective status -> the AccountPlanObjective Status label pushed (the first label read
#: back as that status).
STATUS_LABELS: dict[str, str] = {
    "not_started": "Not Started", "on_track": "In Progress", "at_risk": "At Risk",
    "achieved": "Completed", "dropped": "Canceled",
}


@attrs.frozen
class Outbound:
    """One record to upsert: its object, external id, the fields compared with Salesforce's
    and the parent reference (sent, never compared: Salesforce reads it back as an Id)."""

    sobject: str
    kam_id: str
    fields: Mapping[str, str | None]
    parent: tuple[str, str] | None = None  # (relationship name, parent's external id)

    def body(self) -> dict[str, Any]:
        """The record as an sObject Collections upsert takes it."""
        record: dict[str, Any] = {"attributes": {"type": self.sobject}, KAM_ID: self.kam_id,
                                  **self.fields}
        if self.parent is not None:
            record[self.parent[0]] = {KAM_ID: self.parent[1]}
        return record


def number_text(value: Any) -> str | None:
    """A measure value as the text field holds it: ``8`` for 8.0, ``12.5``; None stays None."""
    if value is None:
        return None
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def plan_records(plan: Plan, account: Account, salesforce_account: str) -> Iterator[Outbound]:
    """The plan's records, parents first: the AccountPlan, its objectives, their measures."""
    sections = plan.sections
    fields: dict[str, str | None] = {
        "Name": f"{account.name} {plan.period}" if plan.period else account.name,
        "AccountId": salesforce_account}
    swot = sections.get("swot")
    if isinstance(swot, Mapping):
        for key, field in SWOT_FIELDS.items():
            fields[field] = "\n".join(swot.get(key) or ()) or None
    summary = sections.get("executive_summary")
    if isinstance(summary, Mapping) and summary.get("summary"):
        fields[VISION_FIELD] = summary["summary"]
    yield Outbound("AccountPlan", plan.id, fields)
    objectives = (sections.get("joint_objectives") or {}).get("objectives") or ()
    for objective in objectives:
        objective_id = f"{plan.id}:{objective['id']}"
        own: dict[str, str | None] = {"Name": objective["title"]}
        for key, field in (("description", "Description"), ("due", "EndDate")):
            if key in objective:
                own[field] = objective[key]
        if objective.get("status") is not None:
            own["Status"] = STATUS_LABELS[objective["status"]]
        yield Outbound("AccountPlanObjective", objective_id, own, ("AccountPlan", plan.id))
        for measure in objective.get("measures") or ():
            yield Outbound("AccountPlanObjectiveMeasure", f"{objective_id}:{measure['name']}",
                           {"Name": measure["name"],
                            "CurrentValue": number_text(measure.get("current")),
                            "TargetValue": number_text(measure.get("target"))},
                           ("AccountPlanObjective", objective_id))

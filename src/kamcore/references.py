"""What refers to a stakeholder: the records and plan entries naming their id.

Removing a stakeholder (:func:`kamcore.operations.remove_stakeholder`) is refused while any of
these exist, unless asked to cascade.
"""

from __future__ import annotations

import attrs

from .errors import Problem
from .model import Opportunity, Relationship
from .shapes import shaped_items
from .snapshot import AccountSnapshot


@attrs.frozen
class PlanEntry:
    """An entry of a plan's stakeholder map (any section of ``stakeholder_entry`` shape)
    naming the stakeholder by id."""

    plan_id: str
    path: str


@attrs.frozen
class StakeholderReferences:
    """Everything in an account that names one stakeholder."""

    stakeholder_id: str
    relationships: tuple[Relationship, ...] = ()
    opportunities: tuple[Opportunity, ...] = ()
    plan_entries: tuple[PlanEntry, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.relationships or self.opportunities or self.plan_entries)

    def problems(self) -> list[Problem]:
        """One line per reference, for the error that refuses a removal."""
        person = self.stakeholder_id
        return [
            *(Problem(f"relationship {r.id}: {r.source_id} {r.type} {r.target_id}")
              for r in self.relationships),
            *(Problem(f"opportunity {o.id}: contact ({o.contact_roles[person]})")
              for o in self.opportunities),
            *(Problem(f"plan {e.plan_id}: stakeholder map entry at {e.path}")
              for e in self.plan_entries),
        ]


def references_to(snapshot: AccountSnapshot, stakeholder_id: str) -> StakeholderReferences:
    """The relationships from or to the stakeholder, the opportunities naming them among
    their contacts and the plan entries naming their id, each in id (and plan) order."""
    entries = [PlanEntry(plan.id, shaped.location)
               for plan in snapshot.plans
               for shaped in shaped_items(plan, None, ("stakeholder_entry",))
               if shaped.item.get("stakeholder_id") == stakeholder_id]
    return StakeholderReferences(
        stakeholder_id,
        tuple(r for r in snapshot.relationships if stakeholder_id in (r.source_id, r.target_id)),
        tuple(o for o in snapshot.opportunities if stakeholder_id in o.contact_roles),
        tuple(entries))

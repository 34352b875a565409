"""Built-in signals about an account's stakeholders, used by the stakeholder-coverage rubric.

A stakeholder is *relevant* when they have a role, an influence of 3 or more, or are a VP or
C-level; a relationship is *active* when its strength is 2 or more and the last contact was
within :data:`ACTIVE_WITHIN_DAYS` days. A placeholder (a person not known yet in a known role)
can be relevant but is never active, so it lowers the coverage, and it does not make the
economic buyer known.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ..plugin.contributions import Signal
from ..plugin.markers import hookimpl

if TYPE_CHECKING:
    from ..model import Stakeholder
    from ..snapshot import AccountSnapshot

ACTIVE_WITHIN_DAYS = 90


def _relevant(person: Stakeholder) -> bool:
    return bool(person.roles) or (person.influence or 0) >= 3 or person.seniority in {
        "c_level", "vp"}


def _active(person: Stakeholder, today: date) -> bool:
    recent = (person.last_contact is not None
              and (today - person.last_contact).days <= ACTIVE_WITHIN_DAYS)
    return (person.relationship_strength or 0) >= 2 and recent and not person.placeholder


def stakeholder_coverage(snapshot: AccountSnapshot) -> float | None:
    """Share (0-1) of relevant stakeholders with an active relationship; None if none mapped."""
    relevant = [p for p in snapshot.stakeholders if _relevant(p)]
    if not relevant:
        return None if not snapshot.stakeholders else 0.0
    today = date.today()
    return sum(1 for p in relevant if _active(p, today)) / len(relevant)


def executive_relationships(snapshot: AccountSnapshot) -> float:
    """How many C-level stakeholders we hold an active relationship with."""
    today = date.today()
    return float(sum(1 for p in snapshot.stakeholders if p.is_executive and _active(p, today)))


def single_threaded(snapshot: AccountSnapshot) -> float:
    """1 when one contact, or one person on our side, carries every active relationship."""
    today = date.today()
    active = [p for p in snapshot.stakeholders if _active(p, today)]
    owners = {p.seller_owner for p in active if p.seller_owner}
    return 1.0 if len(active) <= 1 or len(owners) <= 1 else 0.0


def economic_buyer_known(snapshot: AccountSnapshot) -> float:
    """1 when a stakeholder, not a placeholder, holds the economic_buyer role."""
    return 1.0 if any("economic_buyer" in p.roles and not p.placeholder
                      for p in snapshot.stakeholders) else 0.0


@hookimpl
def kam_signals() -> list[Signal]:
    return [
        Signal("stakeholder_coverage", "Share of relevant stakeholders with an active "
                                       "relationship (0-1).", stakeholder_coverage),
        Signal("executive_relationships", "Number of active C-level relationships.",
               executive_relationships),
        Signal("single_threaded", "1 if one contact or one seller carries the account.",
               single_threaded),
        Signal("economic_buyer_known", "1 if the economic buyer is identified.",
               economic_buyer_known),
    ]

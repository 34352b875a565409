"""Built-in signals about an account's stakeholders, used by the stakeholder-coverage rubric.

Relevant stakeholders, active relationships and executive coverage are defined once, in
:mod:`kamcore.coverage`, and judged against today's date. A placeholder (a person not known
yet in a known role) can be relevant but is never active, so it lowers the coverage, and it
does not make the economic buyer known.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ..coverage import executive_relationships as executives
from ..coverage import is_active, is_relevant
from ..plugin.contributions import Signal
from ..plugin.markers import hookimpl

if TYPE_CHECKING:
    from ..snapshot import AccountSnapshot


def stakeholder_coverage(snapshot: AccountSnapshot) -> float | None:
    """Share (0-1) of relevant stakeholders with an active relationship; None if none mapped."""
    relevant = [p for p in snapshot.stakeholders if is_relevant(p)]
    if not relevant:
        return None if not snapshot.stakeholders else 0.0
    today = date.today()
    return sum(1 for p in relevant if is_active(p, today)) / len(relevant)


def executive_relationships(snapshot: AccountSnapshot) -> float:
    """How many C-level stakeholders we hold an active relationship with."""
    return float(len(executives(snapshot.stakeholders, date.today())))


def single_threaded(snapshot: AccountSnapshot) -> float:
    """1 when one contact, or one person on our side, carries every active relationship."""
    today = date.today()
    active = [p for p in snapshot.stakeholders if is_active(p, today)]
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

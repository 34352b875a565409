"""Built-in coverage check for every plan: roles on the stakeholder map that no known person
holds.

Finding (``source="kamcore"``; stable code):

``role-held-by-placeholder``  warning: every stakeholder holding a role (economic_buyer,
                              champion, ...) is a placeholder, a person not known yet ("the
                              CFO: unknown"); subject: the placeholder (the first, if several)

A placeholder is how the map says "we know the role matters and do not know who holds it":
naming that person is the gap. Placeholders are never reported as not contacted (see
:mod:`kamcore.builtin.staleness`) and never count as an active relationship or as the known
economic buyer (see :mod:`kamcore.builtin.signals`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ..plugin.markers import hookimpl
from ..rendering import person

if TYPE_CHECKING:
    from ..model import Finding, Stakeholder
    from ..snapshot import AccountSnapshot

SOURCE = "kamcore"


def placeholder_role_findings(snapshot: AccountSnapshot) -> list[Finding]:
    """``role-held-by-placeholder`` for each role (in name order) that only placeholders
    hold."""
    from ..model import Finding

    holders: dict[str, list[Stakeholder]] = defaultdict(list)
    for someone in snapshot.stakeholders:
        for role in someone.roles:
            holders[role].append(someone)
    findings = []
    for role, people in sorted(holders.items()):
        if all(p.placeholder for p in people):
            names = ", ".join(person(p) for p in people)
            findings.append(Finding(
                severity="warning", code="role-held-by-placeholder", source=SOURCE,
                subject=people[0].id,
                message=f"no known person holds the {role.replace('_', ' ')} role, only a "
                        f"placeholder ({names}): find out who it is and name them"))
    return findings


@hookimpl
def kam_check_plan(snapshot: AccountSnapshot) -> list[Finding]:
    return placeholder_role_findings(snapshot)

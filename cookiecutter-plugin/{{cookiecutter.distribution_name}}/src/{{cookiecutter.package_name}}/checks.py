"""Plan checks: plain functions of the plan, its methodology and the account's snapshot.

``kam_check_plan`` (in ``__init__.py``) is handed an ``AccountSnapshot`` (``from kamcore import
AccountSnapshot``): the account with its stakeholders, relationships, opportunities, reviews
and score cards, read once for the check. Read what you need from it; never open the
workspace from a check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamcore.checking import finding

if TYPE_CHECKING:
    from kamcore import AccountSnapshot, Finding
    from kamcore.methodology import Methodology
    from kamcore.model import Plan

#: The ``source`` of this plugin's findings: its entry-point name.
SOURCE = "{{ cookiecutter.__entry_point }}"


def missing_economic_buyer(plan: Plan, methodology: Methodology,
                           snapshot: AccountSnapshot) -> list[Finding]:
    """A warning when the methodology knows the ``economic_buyer`` role and no stakeholder of
    the account holds it; nothing for a methodology without that role."""
    if "economic_buyer" not in methodology.roles:
        return []
    if any("economic_buyer" in person.roles for person in snapshot.stakeholders):
        return []
    return [finding(SOURCE, "no-economic-buyer",
                    f"no stakeholder of {snapshot.account.name} is marked economic_buyer: "
                    "who signs the budget?", subject=plan.account_id)]

"""The checks of simple_plan that YAML cannot express.

Each function takes what it needs and returns a list of :class:`kamcore.Finding` with
``source="simple_plan"``; :func:`check_plan` runs them all for a methodology that is
``simple_plan`` or derives from it and returns ``[]`` for any other methodology.

Sections are looked up by simple_plan's keys (``goals``, ``stakeholder_map``, ``actions``). A
derived methodology that drops or renames one of them opts out of the checks on it. Data that
is not of the expected shape is skipped here: the built-in checks already report schema errors.

Finding codes (all ``warning``):

``no-customer-goals``        no goal at all, or none that says who at the customer stated it
``no-stakeholder-map``       the stakeholder map is empty
``stakeholder-unknown``      a map entry names a stakeholder id the account does not have
``no-actions``               analysis without commitments: no action at all
``action-without-owner``     an open action has no owner
``action-without-due-date``  an open action has no due date
``review-overdue``           a review kind of the cadence (check-in, refresh) is overdue
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kamcore.checking import finding, has_section
from kamcore.methodology import Methodology
from kamcore.model import Finding, Plan
from kamcore.model.plan import CLOSED_ACTION_STATES
from kamcore.reviews import overdue_review_findings
from kamcore.snapshot import AccountSnapshot

PLUGIN = "simple_plan"
METHODOLOGY = "simple_plan"


def section_items(plan: Plan, key: str) -> list[tuple[int, dict[str, Any]]]:
    """``(index, item)`` for each mapping in the list section ``key`` (missing: empty)."""
    data = plan.sections.get(key)
    if not isinstance(data, list):
        return []
    return [(index, item) for index, item in enumerate(data) if isinstance(item, dict)]



def goal_findings(plan: Plan, methodology: Methodology) -> list[Finding]:
    """``no-customer-goals`` unless at least one goal says who at the customer stated it."""
    if not has_section(methodology, "goals"):
        return []
    goals = section_items(plan, "goals")
    if any(goal.get("stated_by") for _, goal in goals):
        return []
    if not goals:
        message = ("the plan has no customer goals: write down what the customer is trying to "
                   "achieve, in their words; a plan built from our quota is not an account plan")
    else:
        message = (f"none of the {len(goals)} goals says who at the customer stated it "
                   "(stated_by): they read like our targets, not the customer's goals")
    return [finding(PLUGIN, "no-customer-goals", message, ("sections", "goals"))]


def stakeholder_map_findings(plan: Plan, methodology: Methodology,
                             snapshot: AccountSnapshot) -> list[Finding]:
    """``no-stakeholder-map`` for an empty map; ``stakeholder-unknown`` per dangling id."""
    if not has_section(methodology, "stakeholder_map"):
        return []
    entries = section_items(plan, "stakeholder_map")
    if not entries:
        return [finding(
            PLUGIN, "no-stakeholder-map",
            "the plan has no stakeholder map: name the people who decide and influence, with "
            "their role, influence and support",
            ("sections", "stakeholder_map"),
        )]
    findings = []
    for index, entry in entries:
        stakeholder_id = entry.get("stakeholder_id")
        if isinstance(stakeholder_id, str) and snapshot.stakeholder(stakeholder_id) is None:
            findings.append(finding(
                PLUGIN, "stakeholder-unknown",
                f"stakeholder {stakeholder_id!r} is not a stakeholder of account "
                f"{snapshot.account.id!r}",
                ("sections", "stakeholder_map", index, "stakeholder_id"),
                subject=stakeholder_id,
            ))
    return findings


def action_findings(plan: Plan, methodology: Methodology) -> list[Finding]:
    """``no-actions``; and for each action not done or cancelled: no owner, no date.

    Overdue actions are reported by kamcore's built-in staleness check for every methodology.
    """
    if not has_section(methodology, "actions"):
        return []
    actions = section_items(plan, "actions")
    if not actions:
        return [finding(
            PLUGIN, "no-actions",
            "the plan has no actions: analysis without commitments changes nothing; add the "
            "next 90 days of actions with an owner and a due date",
            ("sections", "actions"),
        )]
    findings = []
    for index, action in actions:
        if action.get("status", "open") in CLOSED_ACTION_STATES:
            continue
        label = repr(action.get("title", f"#{index + 1}"))
        subject = action.get("id") if isinstance(action.get("id"), str) else None
        if not action.get("owner"):
            findings.append(finding(
                PLUGIN, "action-without-owner", f"action {label} has no owner",
                ("sections", "actions", index, "owner"), subject))
        if action.get("due") is None:
            findings.append(finding(
                PLUGIN, "action-without-due-date", f"action {label} has no due date",
                ("sections", "actions", index, "due"), subject))
    return findings


def check_plan(plan: Plan, methodology: Methodology, snapshot: AccountSnapshot,
               as_of: date) -> list[Finding]:
    """Every simple_plan finding about ``plan``; ``[]`` unless the methodology derives from it."""
    if not methodology.derives_from(METHODOLOGY):
        return []
    return [
        *goal_findings(plan, methodology),
        *stakeholder_map_findings(plan, methodology, snapshot),
        *action_findings(plan, methodology),
        *overdue_review_findings(plan, methodology, snapshot.reviews_of(plan.id), as_of,
                                  source=PLUGIN),
    ]

"""The checks of sama7 that YAML cannot express: the four ways strategic account plans fail.

:func:`check_plan` runs every check for a methodology that is ``sama7`` or derives from it
(``sama7-lite`` included) and returns ``[]`` for any other. Each finding is a ``warning`` with
``source="sama7"``.

1. Not co-created
   ``objective-without-signoff``     a joint objective without the customer's sign-off
   ``no-joint-objectives``           the plan has reached the step that sets joint objectives
                                     (or a later one) and has none
   ``initiative-unknown-objective``  an initiative names an objective id that is not a joint
                                     objective of the plan
2. Incomplete stakeholder map (from the account's stakeholders)
   ``no-economic-buyer``             no stakeholder has the role ``economic_buyer``
   ``few-executive-relationships``   fewer active C-level relationships (as
                                     :mod:`kamcore.coverage` defines them, the same count as
                                     the stakeholder-coverage rubric's) than
                                     ``settings.min_executive_relationships`` (default 2)
   ``plan-run-solo``                 the account is ``strategic`` and the plan's account team
                                     names at most one person: the seller-side pod is "KAM,
                                     sales engineer, customer success, marketing, executive
                                     sponsor"
3. Governance not running
   ``review-overdue``                a review kind of the cadence is past due
4. Plan detached from CRM data
   ``plan-detached-from-crm``        the account has no external (CRM) id

Sections are looked up by sama7's keys (``joint_objectives``, ``value_plan``). If a variant
drops or renames one of them, the checks on it stop. The same goes for the role
``economic_buyer`` when a variant leaves it out of ``roles``. Data of the wrong shape is
skipped, because the built-in checks already report schema errors.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kamcore.checking import finding, has_section
from kamcore.coverage import ACTIVE_WITHIN_DAYS, executive_relationships
from kamcore.methodology import Methodology
from kamcore.model import Account, Finding, Plan
from kamcore.reviews import overdue_review_findings
from kamcore.snapshot import AccountSnapshot

PLUGIN = "sama7"
METHODOLOGY = "sama7"
ECONOMIC_BUYER = "economic_buyer"
DEFAULT_MIN_EXECUTIVES = 2


def _items(plan: Plan, section: str, field: str) -> list[tuple[int, dict[str, Any]]]:
    """``(index, item)`` for each mapping in ``sections.<section>.<field>`` (missing: empty)."""
    data = plan.sections.get(section)
    items = data.get(field) if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    return [(index, item) for index, item in enumerate(items) if isinstance(item, dict)]


def _reached_step_of(plan: Plan, methodology: Methodology, section: str) -> bool:
    """True if the plan is at or past the first step that works on ``section``."""
    keys = [step.key for step in methodology.steps]
    first = next((i for i, step in enumerate(methodology.steps) if section in step.sections), None)
    return first is not None and plan.step in keys and keys.index(plan.step) >= first


def cocreation_findings(plan: Plan, methodology: Methodology) -> list[Finding]:
    """Joint objectives without the customer's sign-off; initiatives tied to no objective."""
    if not has_section(methodology, "joint_objectives"):
        return []
    objectives = _items(plan, "joint_objectives", "objectives")
    findings = []
    if not objectives and _reached_step_of(plan, methodology, "joint_objectives"):
        findings.append(finding(
            PLUGIN, "no-joint-objectives",
            "the plan has no joint objectives: set them with the customer and get their sign-off",
            ("sections", "joint_objectives", "objectives"),
        ))
    for index, objective in objectives:
        if isinstance(objective.get("customer_signoff"), dict):
            continue
        ident = objective.get("id") if isinstance(objective.get("id"), str) else None
        findings.append(finding(
            PLUGIN, "objective-without-signoff",
            f"joint objective {objective.get('title', ident)!r} has no customer sign-off: it was "
            "not co-created with the customer (or the agreement is not recorded)",
            ("sections", "joint_objectives", "objectives", index, "customer_signoff"),
            subject=ident,
        ))
    if has_section(methodology, "value_plan"):
        known = {objective.get("id") for _, objective in objectives}
        for index, initiative in _items(plan, "value_plan", "initiatives"):
            target = initiative.get("objective")
            if isinstance(target, str) and target not in known:
                findings.append(finding(
                    PLUGIN, "initiative-unknown-objective",
                    f"initiative {initiative.get('title')!r} serves objective {target!r}, which "
                    "is not a joint objective of the plan",
                    ("sections", "value_plan", "initiatives", index, "objective"),
                    subject=initiative.get("id") if isinstance(initiative.get("id"), str)
                    else None,
                ))
    return findings


def min_executive_relationships(methodology: Methodology) -> int:
    """``settings.min_executive_relationships`` (default 2); ValueError if not an int >= 0."""
    value = methodology.settings.get("min_executive_relationships", DEFAULT_MIN_EXECUTIVES)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{methodology.name}: settings.min_executive_relationships must be a "
                         f"whole number >= 0, not {value!r}")
    return value


def stakeholder_findings(methodology: Methodology, snapshot: AccountSnapshot,
                         as_of: date) -> list[Finding]:
    """No economic buyer among the account's stakeholders; too few active C-level
    relationships on ``as_of``."""
    findings = []
    account = snapshot.account
    if ECONOMIC_BUYER in methodology.roles and not any(
            ECONOMIC_BUYER in s.roles for s in snapshot.stakeholders):
        findings.append(finding(
            PLUGIN, "no-economic-buyer",
            f"no stakeholder of {account.name} has the role {ECONOMIC_BUYER}: the stakeholder "
            "map does not say who decides and signs",
            subject=account.id,
        ))
    needed = min_executive_relationships(methodology)
    executives = executive_relationships(snapshot.stakeholders, as_of)
    if len(executives) < needed:
        names = ", ".join(s.name for s in executives) or "none"
        findings.append(finding(
            PLUGIN, "few-executive-relationships",
            f"{len(executives)} active executive relationship(s) at {account.name} (C-level, "
            f"strength 2+, contacted in the last {ACTIVE_WITHIN_DAYS} days: {names}); "
            f"{methodology.name} needs at least {needed}",
            subject=account.id,
        ))
    return findings


#: The seller-side pod of a strategic account.
POD_ROLES = ("kam", "sales_engineer", "customer_success", "marketing", "executive_sponsor")


def pod_findings(plan: Plan, methodology: Methodology, account: Account) -> list[Finding]:
    """``plan-run-solo`` when a strategic account's plan names at most one person in its
    account team (only for methodologies with sama7's ``account_team`` section)."""
    if account.tier != "strategic" or not has_section(methodology, "account_team"):
        return []
    people = {str(member.get("name")) for _, member in _items(plan, "account_team", "members")
              if member.get("name")}
    if len(people) > 1:
        return []
    return [finding(
        PLUGIN, "plan-run-solo",
        f"{account.name} is a strategic account but its plan is run by "
        f"{'nobody named' if not people else next(iter(people)) + ' alone'}: name the "
        f"seller-side pod ({', '.join(POD_ROLES)})",
        ("sections", "account_team", "members"), subject=account.id,
    )]


def crm_findings(account: Account) -> list[Finding]:
    """``plan-detached-from-crm`` when the account carries no external (CRM) id."""
    if account.external_ids:
        return []
    return [finding(
        PLUGIN, "plan-detached-from-crm",
        f"account {account.id!r} has no CRM id (external_ids is empty): the plan is detached "
        "from CRM data; import the account from the CRM or link it",
        subject=account.id,
    )]


def check_plan(plan: Plan, account: Account, methodology: Methodology,
               snapshot: AccountSnapshot, as_of: date) -> list[Finding]:
    """Every sama7 finding about ``plan``; ``[]`` unless the methodology derives from sama7."""
    if not methodology.derives_from(METHODOLOGY):
        return []
    return [
        *cocreation_findings(plan, methodology),
        *stakeholder_findings(methodology, snapshot, as_of),
        *pod_findings(plan, methodology, account),
        *overdue_review_findings(plan, methodology, snapshot.reviews_of(plan.id), as_of,
                                  source=PLUGIN, lead="governance is not running: "),
        *crm_findings(account),
    ]

"""Each sama7 finding fires on data that should trigger it, and only there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from kamcore_sama7 import checks

from kamcore.cadence import Cadence
from kamcore.documents import Document
from kamcore.methodology import Methodology, build_methodology
from kamcore.model import Account, Finding, Plan, Review, Stakeholder
from kamcore.planning import new_plan, set_section
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

Walk = Callable[[Plan, Methodology, str], Plan]
CheckFn = Callable[..., list[Finding]]
SIGNOFF = {"name": "Dana Reyes", "title": "CFO", "date": "2026-02-01"}


def codes(findings: list[Finding]) -> list[str]:
    return sorted(finding.code for finding in findings)


def start_of(plan: Plan) -> date:
    assert plan.created_at is not None
    return plan.created_at.date()


def people(ws: Workspace, *stakeholders: tuple[str, str | None, set[str]],
           days_ago: int = 10, strength: int = 3) -> None:
    """Save stakeholders of acme we last contacted ``days_ago`` days ago, at ``strength``."""
    for ident, seniority, roles in stakeholders:
        ws.save(Stakeholder(id=ident, account_id="acme", name=ident.upper(),
                            seniority=seniority, roles=frozenset(roles),
                            relationship_strength=strength,
                            last_contact=date.today() - timedelta(days=days_ago)),
                base_revision=0)


@pytest.fixture
def mapped(kam_workspace: Workspace, kam_account: Account) -> None:
    """A complete stakeholder map: an economic buyer and two C-level relationships."""
    people(kam_workspace, ("cfo", "c_level", {"economic_buyer"}),
           ("coo", "c_level", {"champion"}))


def test_a_well_kept_plan_has_no_findings(kam_plan: Plan, mapped: None, check: CheckFn) -> None:
    assert check(kam_plan) == []


def test_objectives_without_signoff(kam_workspace: Workspace, kam_methodology: Methodology,
                                    kam_plan: Plan, mapped: None, check: CheckFn) -> None:
    plan = set_section(kam_workspace, kam_methodology, kam_plan, "joint_objectives", {
        "objectives": [
            {"id": "o1", "title": "Signed", "customer_signoff": SIGNOFF},
            {"id": "o2", "title": "Ours only"},
            {"id": "o3", "title": "Explicitly unsigned", "customer_signoff": None},
        ]})
    found = check(plan)
    assert [(f.code, f.path, f.subject) for f in found] == [
        ("objective-without-signoff",
         "sections.joint_objectives.objectives[1].customer_signoff", "o2"),
        ("objective-without-signoff",
         "sections.joint_objectives.objectives[2].customer_signoff", "o3"),
    ]
    assert "'Ours only'" in found[0].message


def test_no_joint_objectives_only_once_the_step_is_reached(
        kam_workspace: Workspace, kam_methodology: Methodology, kam_plan: Plan, mapped: None,
        walk: Walk, check: CheckFn) -> None:
    assert "no-joint-objectives" not in codes(check(kam_plan))  # step 1: not yet
    plan = walk(kam_plan, kam_methodology, "joint_objective_setting")
    [finding] = check(plan)
    assert (finding.code, finding.path) == ("no-joint-objectives",
                                            "sections.joint_objectives.objectives")


def test_initiatives_must_serve_a_joint_objective(kam_workspace: Workspace,
                                                  kam_methodology: Methodology, kam_plan: Plan,
                                                  mapped: None, check: CheckFn) -> None:
    plan = set_section(kam_workspace, kam_methodology, kam_plan, "joint_objectives", {
        "objectives": [{"id": "o1", "title": "Signed", "customer_signoff": SIGNOFF}]})
    plan = set_section(kam_workspace, kam_methodology, plan, "value_plan", {"initiatives": [
        {"id": "i1", "title": "Pilot", "objective": "o1"},
        {"id": "i2", "title": "Stray", "objective": "o9"},
    ]})
    assert [(f.code, f.path, f.subject) for f in check(plan)] == [
        ("initiative-unknown-objective", "sections.value_plan.initiatives[1].objective", "i2")]


def test_stakeholder_map_needs_economic_buyer_and_two_executives(
        kam_workspace: Workspace, kam_plan: Plan, check: CheckFn) -> None:
    assert codes(check(kam_plan)) == ["few-executive-relationships", "no-economic-buyer"]

    people(kam_workspace, ("vp-it", "vp", {"champion", "technical_buyer"}))
    assert codes(check(kam_plan)) == ["few-executive-relationships", "no-economic-buyer"]

    people(kam_workspace, ("cfo", "c_level", {"economic_buyer"}))
    [few] = check(kam_plan)
    assert few.code == "few-executive-relationships" and few.subject == "acme"
    assert few.message.startswith("1 active executive relationship(s)") and "CFO" in few.message

    people(kam_workspace, ("ceo", "c_level", set()))
    assert check(kam_plan) == []


@pytest.mark.parametrize(("days_ago", "strength"), [(200, 3), (10, 1)])
def test_executive_coverage_counts_active_relationships_only(
        kam_workspace: Workspace, kam_plan: Plan, kam_registry: Registry, check: CheckFn,
        days_ago: int, strength: int) -> None:
    """"Executive relationship coverage: number of C-level relationships per strategic
    account: 2+ per account" -- one definition (an active relationship with a C-level
    stakeholder), the same count as the stakeholder-coverage rubric's."""
    people(kam_workspace, ("cfo", "c_level", {"economic_buyer"}))
    # a blocker last contacted 200 days ago, or a C-level we hardly know, is no relationship
    people(kam_workspace, ("ciso", "c_level", {"blocker"}), days_ago=days_ago, strength=strength)
    [few] = check(kam_plan)
    assert few.code == "few-executive-relationships"
    assert few.message.startswith("1 active executive relationship(s)")
    assert "CISO" not in few.message
    signal = kam_registry.signals["executive_relationships"]
    assert signal.compute(kam_workspace.snapshot("acme")) == 1
    people(kam_workspace, ("ceo", "c_level", set()))
    assert check(kam_plan) == []
    assert signal.compute(kam_workspace.snapshot("acme")) == 2


def test_executive_threshold_comes_from_settings(kam_workspace: Workspace,
                                                 kam_methodology: Methodology, kam_plan: Plan,
                                                 kam_account: Account) -> None:
    people(kam_workspace, ("cfo", "c_level", {"economic_buyer"}))
    snapshot = kam_workspace.snapshot("acme")
    relaxed = build_methodology(Document({
        "name": "sama7-smb", "version": "1.0", "title": "SMB", "extends": "sama7",
        "settings": {"min_executive_relationships": 1}}, "smb.yaml"), kam_methodology)
    strict = checks.stakeholder_findings(kam_methodology, snapshot, date.today())
    assert strict[0].code == "few-executive-relationships"
    assert checks.stakeholder_findings(relaxed, snapshot, date.today()) == []
    broken = build_methodology(Document({
        "name": "sama7-bad", "version": "1.0", "title": "Bad", "extends": "sama7",
        "settings": {"min_executive_relationships": "two"}}, "bad.yaml"), kam_methodology)
    with pytest.raises(ValueError, match="min_executive_relationships"):
        checks.stakeholder_findings(broken, snapshot, date.today())


def test_governance_reviews_overdue(kam_workspace: Workspace, kam_plan: Plan, mapped: None,
                                    check: CheckFn) -> None:
    start = start_of(kam_plan)
    internal_due = Cadence.parse("internal", "1 month").next_due(start)
    assert check(kam_plan, internal_due) == []

    [late] = check(kam_plan, internal_due + timedelta(days=1))
    assert late.code == "review-overdue" and late.subject == kam_plan.id
    assert "Monthly internal account review overdue" in late.message
    assert "never held" in late.message

    kam_workspace.save(Review(id="r1", plan_id=kam_plan.id, account_id="acme",
                              review_kind="internal", date=internal_due, plan_revision=1),
                       base_revision=0)
    assert check(kam_plan, internal_due + timedelta(days=1)) == []

    customer_due = Cadence.parse("customer", "3 months").next_due(start)
    # three months on, the contacts of the stakeholder map are no longer active relationships
    late_ones = [f for f in check(kam_plan, customer_due + timedelta(days=1))
                 if f.code == "review-overdue"]
    assert sorted(f.message.split(" overdue")[0] for f in late_ones) == [
        "governance is not running: Monthly internal account review",
        "governance is not running: Quarterly business review with the customer"]


def test_plan_detached_from_crm(kam_workspace: Workspace, kam_methodology: Methodology,
                                check: CheckFn) -> None:
    kam_workspace.save(Account(id="globex", name="Globex"), base_revision=0)
    people_free = new_plan(kam_workspace, kam_methodology, "globex")
    found = [f for f in check(people_free) if f.code == "plan-detached-from-crm"]
    assert [(f.subject, f.path) for f in found] == [("globex", None)]


def test_checks_apply_to_sama7_lite(kam_workspace: Workspace, lite: Methodology,
                                    kam_account: Account, mapped: None, check: CheckFn) -> None:
    plan = new_plan(kam_workspace, lite, kam_account.id)
    plan = set_section(kam_workspace, lite, plan, "joint_objectives", {"objectives": [
        {"id": "o1", "title": "Unsigned", "measure": "days"}]})
    assert codes(check(plan)) == ["objective-without-signoff"]
    # lite reviews internally every six weeks, not monthly
    start = start_of(plan)
    month_later = Cadence.parse("internal", "1 month").next_due(start) + timedelta(days=1)
    assert "review-overdue" not in codes(check(plan, month_later))
    six_weeks = start + timedelta(weeks=6, days=1)
    assert "review-overdue" in codes(check(plan, six_weeks))


def test_other_methodologies_get_nothing(kam_workspace: Workspace, kam_plan: Plan,
                                         kam_account: Account) -> None:
    other = build_methodology(Document({
        "name": "other", "version": "1.0", "title": "Other",
        "steps": [{"key": "only", "title": "Only"}], "sections": []}, "other.yaml"))
    detached = kam_account.model_copy(update={"external_ids": {}})
    assert checks.check_plan(kam_plan, detached, other, kam_workspace.snapshot("acme"),
                             start_of(kam_plan) + timedelta(days=400)) == []


def test_a_strategic_plan_is_not_run_solo(kam_workspace: Workspace, kam_methodology: Methodology,
                                          kam_plan: Plan, kam_account: Account, mapped: None,
                                          check: CheckFn) -> None:
    """The seller-side pod: "KAM, sales engineer, customer success, marketing, executive
    sponsor", with a finding when a strategic plan is run solo."""
    assert "plan-run-solo" not in codes(check(kam_plan))  # acme is not strategic
    kam_workspace.save(kam_account.model_copy(update={"tier": "strategic"}))
    [solo] = [f for f in check(kam_plan) if f.code == "plan-run-solo"]
    assert "run by nobody named" in solo.message and "sales_engineer" in solo.message
    plan = set_section(kam_workspace, kam_methodology, kam_plan, "account_team", {"members": [
        {"role": "kam", "name": "Jo Seller"}, {"role": "executive_sponsor", "name": "Jo Seller"}]})
    [solo] = [f for f in check(plan) if f.code == "plan-run-solo"]
    assert "Jo Seller alone" in solo.message and solo.path == "sections.account_team.members"
    plan = set_section(kam_workspace, kam_methodology, plan, "account_team", {"members": [
        {"role": "kam", "name": "Jo Seller"}, {"role": "executive_sponsor", "name": "Pat Moss"}]})
    assert "plan-run-solo" not in codes(check(plan))

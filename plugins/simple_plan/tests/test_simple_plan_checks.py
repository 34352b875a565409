"""Each simple_plan finding fires on data that should trigger it, and only there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from kamcore_simple_plan import checks

from kamcore.cadence import Cadence
from kamcore.documents import Document
from kamcore.methodology import Methodology, build_methodology
from kamcore.model import Finding, Plan, Review, Stakeholder
from kamcore.planning import check_plan, set_section
from kamcore.plugin.host import PluginHost
from kamcore.store import Workspace

Check = Callable[..., list[Finding]]


def codes(findings: list[Finding]) -> list[str]:
    return sorted(finding.code for finding in findings)


def start_of(plan: Plan) -> date:
    assert plan.created_at is not None
    return plan.created_at.date()


def test_an_empty_plan_has_the_three_gaps(kam_plan: Plan, check: Check) -> None:
    found = check(kam_plan)
    assert codes(found) == ["no-actions", "no-customer-goals", "no-stakeholder-map"]
    assert {f.path for f in found} == {"sections.actions", "sections.goals",
                                       "sections.stakeholder_map"}
    assert all(f.severity == "warning" and f.source == "simple_plan" for f in found)


def test_goals_must_come_from_the_customer(kam_workspace: Workspace, kam_methodology: Methodology,
                                           kam_plan: Plan, check: Check) -> None:
    plan = set_section(kam_workspace, kam_methodology, kam_plan, "goals",
                       [{"title": "Sell 2M of licences"}])
    [finding] = [f for f in check(plan) if f.code == "no-customer-goals"]
    assert "none of the 1 goals" in finding.message

    plan = set_section(kam_workspace, kam_methodology, plan, "goals",
                       [{"title": "Sell 2M of licences"},
                        {"title": "Open three plants in Asia", "stated_by": "ceo"}])
    assert "no-customer-goals" not in codes(check(plan))


def test_stakeholder_map_entries_must_exist_in_the_account(
        kam_workspace: Workspace, kam_methodology: Methodology, kam_plan: Plan,
        check: Check) -> None:
    kam_workspace.save(Stakeholder(id="s-cfo", account_id="acme", name="Dana Reyes"),
                       base_revision=0)
    plan = set_section(kam_workspace, kam_methodology, kam_plan, "stakeholder_map", [
        {"stakeholder_id": "s-cfo", "role": "economic_buyer", "influence": 5, "support": 1},
        {"name": "Lee from IT", "role": "coach", "influence": 2, "support": 2},
        {"stakeholder_id": "s-gone", "role": "blocker", "influence": 4, "support": -2},
    ])
    found = [f for f in check(plan) if "stakeholder" in f.code]
    assert [(f.code, f.path, f.subject) for f in found] == [
        ("stakeholder-unknown", "sections.stakeholder_map[2].stakeholder_id", "s-gone")]


def test_action_findings(kam_workspace: Workspace, kam_methodology: Methodology, kam_plan: Plan,
                         check: Check, kam_plugin_host: PluginHost) -> None:
    as_of = start_of(kam_plan) + timedelta(days=10)
    past, future = (as_of - timedelta(days=5)).isoformat(), (as_of + timedelta(days=30)).isoformat()
    plan = set_section(kam_workspace, kam_methodology, kam_plan, "actions", [
        {"title": "fine", "owner": "kim", "due": future},
        {"title": "nobody's", "due": future},
        {"title": "someday", "owner": "kim"},
        {"id": "a4", "title": "late", "owner": "kim", "due": past, "status": "in_progress"},
        {"title": "late but done", "owner": "kim", "due": past, "status": "done"},
        {"title": "dropped", "status": "cancelled"},
        {"title": "due today", "owner": "kim", "due": as_of.isoformat()},
    ])
    found = [f for f in check(plan, as_of) if f.code.startswith("action")]
    assert sorted((f.code, f.path) for f in found) == [
        ("action-without-due-date", "sections.actions[2].due"),
        ("action-without-owner", "sections.actions[1].owner"),
    ]
    assert "no-actions" not in codes(check(plan, as_of))
    # overdue actions come from kamcore's built-in staleness check, once
    everything = check_plan(plan, kam_methodology, kam_workspace.snapshot(plan.account_id),
                            kam_plugin_host, as_of)
    overdue = [f for f in everything if f.code == "action-overdue"]
    assert [(f.path, f.source) for f in overdue] == [("sections.actions[3].due", "kamcore")]


def test_reviews_overdue_per_cadence(kam_workspace: Workspace, kam_plan: Plan,
                                     check: Check) -> None:
    start = start_of(kam_plan)
    # without reviews, the cadence runs from the day the plan was created
    checkin_due = Cadence.parse("checkin", "3 months").next_due(start)
    refresh_due = Cadence.parse("refresh", "1 year").next_due(start)
    assert "review-overdue" not in codes(check(kam_plan, checkin_due))

    [late] = [f for f in check(kam_plan, checkin_due + timedelta(days=1))
              if f.code == "review-overdue"]
    assert "Quarterly check-in overdue" in late.message and "never held" in late.message
    assert late.subject == kam_plan.id

    kam_workspace.save(Review(id="r1", plan_id=kam_plan.id, account_id="acme",
                              review_kind="checkin", date=checkin_due - timedelta(days=3),
                              plan_revision=1), base_revision=0)
    assert "review-overdue" not in codes(check(kam_plan, checkin_due + timedelta(days=1)))

    # a year on, both are due: the check-in (3 months after the last) and the refresh
    found = [f for f in check(kam_plan, refresh_due + timedelta(days=1))
             if f.code == "review-overdue"]
    assert sorted(f.message.split(" overdue")[0] for f in found) == [
        "Annual refresh", "Quarterly check-in"]


def test_checks_follow_derived_methodologies_only(kam_plan: Plan, kam_workspace: Workspace,
                                                  kam_methodology: Methodology) -> None:
    snapshot, as_of = kam_workspace.snapshot("acme"), start_of(kam_plan)
    derived = build_methodology(Document({
        "name": "house-plan", "version": "1.0", "title": "House plan", "extends": "simple_plan",
        "sections": {"drop": ["stakeholder_map"]},
    }, "house.yaml"), kam_methodology)
    assert codes(checks.check_plan(kam_plan, derived, snapshot, as_of)) == [
        "no-actions", "no-customer-goals"]

    other = build_methodology(Document({
        "name": "other", "version": "1.0", "title": "Other",
        "steps": [{"key": "only", "title": "Only"}],
        "sections": [{"key": "goals", "title": "Goals", "schema": {"type": "array"}}],
    }, "other.yaml"))
    assert checks.check_plan(kam_plan, other, snapshot, as_of) == []

"""sama7 and sama7-lite load from the entry point; their gates hold; bad data is refused."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from kamcore.errors import InvalidInputError
from kamcore.methodology import Methodology
from kamcore.model import Account, Finding, Plan
from kamcore.planning import AdvanceRefused, advance, new_plan, set_section
from kamcore.plugin.host import PluginHost
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

Walk = Callable[[Plan, Methodology, str], Plan]
CheckFn = Callable[..., list[Finding]]

SAMA7_STEPS = [
    "customer_business_understanding",
    "customer_value_research",
    "account_team_alignment",
    "joint_objective_setting",
    "value_co_creation",
    "governance_and_review_cadence",
    "continuous_improvement",
]
SIGNOFF = {"name": "Dana Reyes", "title": "CFO", "date": "2026-02-01"}


def objectives(*items: dict[str, Any]) -> dict[str, Any]:
    return {"objectives": list(items)}


def test_plugin_is_loaded_without_errors(kam_plugin_host: PluginHost,
                                         kam_registry: Registry) -> None:
    info = {plugin.name: plugin for plugin in kam_plugin_host.listing()}["sama7"]
    assert (info.status, info.errors, info.builtin) == ("loaded", [], False)
    assert info.distribution == "kamcore-sama7"
    assert info.hooks == ["kam_check_plan", "kam_methodologies"]
    assert kam_registry.contributions_of("sama7") == {
        "methodology": ["sama7", "sama7-lite", "sama7-programme"]}


def test_sama7_loads_with_seven_steps(kam_methodology: Methodology) -> None:
    assert (kam_methodology.name, kam_methodology.version, kam_methodology.lineage) == (
        "sama7", "1.1.0", ("sama7",))
    assert [step.key for step in kam_methodology.steps] == SAMA7_STEPS
    assert [section.key for section in kam_methodology.sections] == [
        "customer_business", "value_research", "account_team", "joint_objectives",
        "value_plan", "governance", "swot", "revenue_scenario", "executive_summary",
        "improvement"]
    assert {(c.kind, c.every) for c in kam_methodology.cadence} == {
        ("internal", "1 month"), ("customer", "3 months"), ("annual", "1 year")}
    assert {"economic_buyer", "champion", "coach", "blocker", "technical_buyer",
            "executive_sponsor"} <= set(kam_methodology.roles)
    gated = [step.key for step in kam_methodology.steps if step.gate is not None]
    assert gated == ["customer_business_understanding", "account_team_alignment",
                     "joint_objective_setting", "value_co_creation"]


def test_sama7_lite_is_derived_and_keeps_the_signoff_gate(kam_methodology: Methodology,
                                                          lite: Methodology) -> None:
    assert lite.lineage == ("sama7-lite", "sama7")
    assert lite.derives_from("sama7") and not kam_methodology.derives_from("sama7-lite")
    assert lite.document.get("extends") is None  # resolved: a full document
    assert [step.key for step in lite.steps] == [
        "customer_business_understanding", "value_gap_and_team", "joint_objective_setting",
        "value_co_creation", "governance_and_review_cadence"]
    assert [section.key for section in lite.sections] == [
        "customer_business", "value_gap", "account_team", "joint_objectives", "value_plan",
        "governance", "swot", "revenue_scenario", "executive_summary"]
    assert lite.step("value_gap_and_team").sections == ("value_gap", "account_team")
    assert {(c.kind, c.every) for c in lite.cadence} == {
        ("internal", "6 weeks"), ("customer", "3 months"), ("annual", "1 year")}
    gate, base_gate = (m.step("joint_objective_setting").gate for m in (lite, kam_methodology))
    assert gate is not None and base_gate is not None
    assert gate.message == base_gate.message


@pytest.mark.parametrize("bad", [
    objectives(),
    objectives({"id": "o1", "title": "Halve onboarding time", "measure": "days"}),
    objectives({"id": "o1", "title": "Halve onboarding time", "measure": "days",
                "customer_signoff": None}),
])
def test_sama7_cannot_pass_step_4_without_signoff(kam_workspace: Workspace,
                                                  kam_methodology: Methodology, kam_plan: Plan,
                                                  walk: Walk, bad: dict[str, Any]) -> None:
    plan = walk(kam_plan, kam_methodology, "joint_objective_setting")
    plan = set_section(kam_workspace, kam_methodology, plan, "joint_objectives", bad)
    with pytest.raises(AdvanceRefused) as refused:
        advance(kam_workspace, kam_methodology, plan)
    [finding] = refused.value.findings
    assert finding.code == "gate-not-met" and finding.severity == "error"
    assert "every joint objective must carry the customer's sign-off" in finding.message
    assert finding.path is not None
    assert finding.path.startswith("sections.joint_objectives.objectives")
    assert kam_workspace.get(Plan, plan.id).step == "joint_objective_setting"


def test_sama7_advances_once_every_objective_is_signed(
        kam_workspace: Workspace, kam_methodology: Methodology, kam_plan: Plan, walk: Walk,
        check: CheckFn) -> None:
    plan = walk(kam_plan, kam_methodology, "joint_objective_setting")
    signed = {"id": "o1", "title": "Halve onboarding time", "customer_signoff": SIGNOFF}
    unsigned: dict[str, Any] = {"id": "o2", "title": "Enter Vietnam"}
    plan = set_section(kam_workspace, kam_methodology, plan, "joint_objectives",
                       objectives(signed, unsigned))
    with pytest.raises(AdvanceRefused) as refused:
        advance(kam_workspace, kam_methodology, plan)
    assert [f.path for f in refused.value.findings] == ["sections.joint_objectives.objectives[1]"]
    [why] = [f for f in check(plan) if f.code == "objective-without-signoff"]
    assert why.subject == "o2"

    unsigned["customer_signoff"] = {"name": "Lin Wu", "date": "2026-02-10"}
    plan = set_section(kam_workspace, kam_methodology, plan, "joint_objectives",
                       objectives(signed, unsigned))
    assert advance(kam_workspace, kam_methodology, plan).step == "value_co_creation"


def test_sama7_walks_through_all_seven_steps(kam_workspace: Workspace, kam_methodology: Methodology,
                                             kam_plan: Plan, walk: Walk) -> None:
    plan = walk(kam_plan, kam_methodology, "continuous_improvement")
    assert kam_workspace.get(Plan, plan.id).step == "continuous_improvement"
    with pytest.raises(InvalidInputError, match="last step"):
        advance(kam_workspace, kam_methodology, plan)


@pytest.mark.parametrize(("step", "key", "bad", "message"), [
    ("customer_business_understanding", "customer_business",
     {"growth_bets": [], "measurable_outcomes": [{"title": "x", "measure": "y"}]},
     "growth bet"),
    ("account_team_alignment", "account_team",
     {"members": [{"role": "kam", "name": "Kim"}]}, "executive sponsor"),
    ("value_co_creation", "value_plan",
     {"initiatives": [{"title": "Pilot", "objective": "o1", "owner": "Ravi", "due": "2026-06-30"}]},
     "owner on the customer's side"),
])
def test_sama7_other_gates(kam_workspace: Workspace, kam_methodology: Methodology, kam_plan: Plan,
                           walk: Walk, step: str, key: str, bad: dict[str, Any],
                           message: str) -> None:
    plan = walk(kam_plan, kam_methodology, step)
    plan = set_section(kam_workspace, kam_methodology, plan, key, bad)
    with pytest.raises(AdvanceRefused) as refused:
        advance(kam_workspace, kam_methodology, plan)
    assert any(message in f.message for f in refused.value.findings)


def test_sama7_lite_gate_still_works(kam_workspace: Workspace, lite: Methodology,
                                     kam_account: Account, walk: Walk) -> None:
    plan = new_plan(kam_workspace, lite, kam_account.id, period="FY2027")
    plan = walk(plan, lite, "joint_objective_setting")
    assert set(plan.sections) == {"customer_business", "value_gap", "account_team"}

    # lite tightens the section: every objective must say how success is measured
    with pytest.raises(InvalidInputError) as refused:
        set_section(kam_workspace, lite, plan, "joint_objectives",
                    objectives({"id": "o1", "title": "Halve onboarding time",
                                "customer_signoff": SIGNOFF}))
    [problem] = refused.value.problems
    assert problem.path == ("sections", "joint_objectives", "objectives", 0)
    assert "measure" in problem.message

    plan = set_section(kam_workspace, lite, plan, "joint_objectives",
                       objectives({"id": "o1", "title": "Halve onboarding time",
                                   "measure": "days to onboard"}))
    with pytest.raises(AdvanceRefused) as gate:
        advance(kam_workspace, lite, plan)
    assert "customer's sign-off" in gate.value.findings[0].message

    plan = set_section(kam_workspace, lite, plan, "joint_objectives",
                       objectives({"id": "o1", "title": "Halve onboarding time",
                                   "measure": "days to onboard", "customer_signoff": SIGNOFF}))
    assert advance(kam_workspace, lite, plan).step == "value_co_creation"


def test_sama7_lite_merged_step_keeps_the_team_gate(kam_workspace: Workspace, lite: Methodology,
                                                    kam_account: Account, walk: Walk) -> None:
    plan = new_plan(kam_workspace, lite, kam_account.id)
    plan = walk(plan, lite, "value_gap_and_team")
    plan = set_section(kam_workspace, lite, plan, "account_team",
                       {"members": [{"role": "kam", "name": "K"}]})
    with pytest.raises(AdvanceRefused, match="value_gap_and_team") as refused:
        advance(kam_workspace, lite, plan)
    assert [f.path for f in refused.value.findings] == ["sections.account_team.members"]
    assert "executive sponsor" in refused.value.findings[0].message


GOOD_SIGNED = {"id": "o1", "title": "t", "customer_signoff": SIGNOFF}


@pytest.mark.parametrize(("key", "data", "path"), [
    ("customer_business", {"growth_bets": [{"title": "APAC"}],
                           "measurable_outcomes": [{"title": "APAC revenue"}]},
     ("sections", "customer_business", "measurable_outcomes", 0)),
    ("customer_business", {"growth_bets": [], "measurable_outcomes": [],
                           "constraints": [{"title": "x", "kind": "weather"}]},
     ("sections", "customer_business", "constraints", 0, "kind")),
    ("account_team", {"members": [{"role": "cto", "name": "Kim"}]},
     ("sections", "account_team", "members", 0, "role")),
    ("joint_objectives",
     objectives({**GOOD_SIGNED, "customer_signoff": {"name": "Dana", "date": "yesterday"}}),
     ("sections", "joint_objectives", "objectives", 0, "customer_signoff", "date")),
    ("joint_objectives", objectives(GOOD_SIGNED, {"title": "no id"}),
     ("sections", "joint_objectives", "objectives", 1)),
    ("value_plan", {"initiatives": [{"title": "Pilot", "owner": "Ravi"}]},
     ("sections", "value_plan", "initiatives", 0)),
    ("improvement", {"lessons": [{"lesson": "x", "category": "meh"}]},
     ("sections", "improvement", "lessons", 0, "category")),
])
def test_bad_section_data_is_refused_with_its_path(
        kam_workspace: Workspace, kam_methodology: Methodology, kam_plan: Plan, key: str,
        data: dict[str, Any], path: tuple[str | int, ...]) -> None:
    with pytest.raises(InvalidInputError) as refused:
        set_section(kam_workspace, kam_methodology, kam_plan, key, copy.deepcopy(data))
    assert path in [problem.path for problem in refused.value.problems]
    assert kam_workspace.get(Plan, kam_plan.id).revision == kam_plan.revision


def test_sama7_names_a_swot_an_executive_summary_and_a_revenue_scenario(
        kam_methodology: Methodology) -> None:
    """"An executive summary ..., a SWOT or current-position view, joint objectives ..." and
    "the next 90 days of concrete actions tied to a multi-year revenue scenario"."""
    assert kam_methodology.step("customer_value_research").sections == ("value_research", "swot")
    assert "revenue_scenario" in kam_methodology.step("value_co_creation").sections
    assert "executive_summary" in kam_methodology.step("governance_and_review_cadence").sections
    scenario = kam_methodology.section("revenue_scenario")
    assert scenario.schema.errors({"years": [{"year": "FY2027", "base": 1, "stretch": 2}]}) == []
    assert scenario.schema.errors({"years": [{"year": "next", "base": -1, "stretch": 2}]})
    assert kam_methodology.section("executive_summary").schema.errors({}) != []


def test_sama7_programme_is_the_other_seven_step_listing(kam_registry: Registry) -> None:
    """"Account selection and prioritization, understanding the customer's business, joint
    value creation, stakeholder alignment, account plan development, execution and
    measurement, and program governance" -- a variant derived from sama7 with extends:."""
    programme = kam_registry.methodology("sama7-programme")
    assert programme.lineage == ("sama7-programme", "sama7")
    assert [step.title for step in programme.steps] == [
        "Account selection and prioritization", "Understanding the customer's business",
        "Joint value creation", "Stakeholder alignment", "Account plan development",
        "Execution and measurement", "Program governance"]
    # the sign-off gate and the sections come with it
    assert programme.step("account_plan_development").gate is not None
    assert programme.step("program_governance").sections == ("governance", "improvement")


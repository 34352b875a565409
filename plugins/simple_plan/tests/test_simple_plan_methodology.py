"""simple_plan loads from its entry point, its gates hold and bad section data is refused."""

from __future__ import annotations

import pytest

from kamcore.errors import InvalidInputError
from kamcore.methodology import Methodology
from kamcore.model import Plan
from kamcore.planning import AdvanceRefused, advance, set_section
from kamcore.plugin.host import PluginHost
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace
from kamcore.testing import message_at

GOAL = {"title": "Cut order-to-cash time by 30%", "stated_by": "CFO Dana Reyes"}
MAPPED = {"name": "Dana Reyes", "role": "economic_buyer", "influence": 5, "support": 1}
ACTION = {"title": "Run the O2C workshop", "owner": "kim", "due": "2031-03-01"}




def test_plugin_is_loaded_without_errors(kam_plugin_host: PluginHost) -> None:
    info = {plugin.name: plugin for plugin in kam_plugin_host.listing()}["simple_plan"]
    assert (info.status, info.errors, info.builtin) == ("loaded", [], False)
    assert info.distribution == "kamcore-simple-plan"
    assert info.hooks == ["kam_check_plan", "kam_methodologies"]


def test_methodology_comes_from_the_entry_point(kam_registry: Registry,
                                                kam_methodology: Methodology) -> None:
    assert kam_registry.provider("methodology", "simple_plan") == "simple_plan"
    assert kam_methodology.version == "1.1.0"
    assert kam_methodology.lineage == ("simple_plan",)
    assert [step.key for step in kam_methodology.steps] == [
        "understand", "map", "plan_actions", "review"]
    assert [section.key for section in kam_methodology.sections] == [
        "goals", "stakeholder_map", "whitespace", "risks", "actions", "revenue_scenario"]
    assert {(c.kind, c.every) for c in kam_methodology.cadence} == {
        ("checkin", "3 months"), ("refresh", "1 year")}
    # "the next 90 days of concrete actions tied to a multi-year revenue scenario"
    assert kam_methodology.step("plan_actions").sections == ("actions", "revenue_scenario")
    assert kam_methodology.settings["qbr_review_kind"] == "checkin"
    assert kam_methodology.source.endswith("simple_plan.yaml")


def test_cannot_leave_understand_without_a_customer_goal(
        kam_workspace: Workspace, kam_methodology: Methodology, kam_plan: Plan) -> None:
    assert kam_plan.step == "understand"
    with pytest.raises(AdvanceRefused) as refused:
        advance(kam_workspace, kam_methodology, kam_plan)
    assert [f.code for f in refused.value.findings] == ["gate-not-met"]
    assert "at least one goal stated by the customer" in refused.value.findings[0].message

    # a goal that nobody at the customer stated does not open the gate
    plan = set_section(kam_workspace, kam_methodology, kam_plan, "goals",
                       [{"title": "Grow our share to 40%"}])
    with pytest.raises(AdvanceRefused):
        advance(kam_workspace, kam_methodology, plan)
    assert kam_workspace.get(Plan, plan.id).step == "understand"

    plan = set_section(kam_workspace, kam_methodology, plan, "goals", [GOAL])
    assert advance(kam_workspace, kam_methodology, plan).step == "map"


def test_walk_through_every_step(kam_workspace: Workspace, kam_methodology: Methodology,
                                 kam_plan: Plan) -> None:
    plan = advance(kam_workspace, kam_methodology,
                   set_section(kam_workspace, kam_methodology, kam_plan, "goals", [GOAL]))
    with pytest.raises(AdvanceRefused):
        advance(kam_workspace, kam_methodology, plan)  # no stakeholder map yet
    plan = set_section(kam_workspace, kam_methodology, plan, "stakeholder_map", [MAPPED])
    plan = advance(kam_workspace, kam_methodology, plan)
    assert plan.step == "plan_actions"

    plan = set_section(kam_workspace, kam_methodology, plan, "actions",
                       [ACTION, {"title": "Call the CIO"}])
    with pytest.raises(AdvanceRefused) as refused:
        advance(kam_workspace, kam_methodology, plan)
    assert {f.path for f in refused.value.findings} == {"sections.actions[1]"}
    assert all("owner" in f.message or "due" in f.message for f in refused.value.findings)

    plan = set_section(kam_workspace, kam_methodology, plan, "actions", [ACTION])
    assert advance(kam_workspace, kam_methodology, plan).step == "review"


@pytest.mark.parametrize(
    ("key", "data", "path"),
    [
        ("stakeholder_map", [{**MAPPED, "influence": 7}], ("sections", "stakeholder_map", 0,
                                                           "influence")),
        ("stakeholder_map", [{"role": "champion", "influence": 3, "support": 0}],
         ("sections", "stakeholder_map", 0)),
        ("actions", [ACTION, {**ACTION, "status": "maybe"}], ("sections", "actions", 1, "status")),
        ("goals", [{"title": "x", "owner": "us"}], ("sections", "goals", 0, "owner")),
        ("whitespace", [{"business_unit": "EU", "product_line": "ERP", "state": "ours"}],
         ("sections", "whitespace", 0, "state")),
        ("risks", [{"title": "Competitor X", "likelihood": 0, "impact": 3}],
         ("sections", "risks", 0, "likelihood")),
    ],
)
def test_bad_section_data_is_refused_with_its_path(
        kam_workspace: Workspace, kam_methodology: Methodology, kam_plan: Plan, key: str,
        data: object, path: tuple[str | int, ...]) -> None:
    with pytest.raises(InvalidInputError) as refused:
        set_section(kam_workspace, kam_methodology, kam_plan, key, data)
    assert message_at(refused.value.problems, path) is not None
    assert kam_workspace.get(Plan, kam_plan.id).revision == kam_plan.revision  # nothing saved

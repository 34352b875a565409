"""medpicc, meddic and meddicc load from the entry point; the section schema matches the
scorer's element list; the gate holds; bad scores are refused with their path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from kamcore_medpicc import QualificationRules

from kamcore.errors import InvalidInputError, Problem
from kamcore.methodology import Methodology
from kamcore.model import Account, Plan
from kamcore.planning import AdvanceRefused, advance, new_plan, set_section
from kamcore.plugin.host import PluginHost
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace
from kamcore.testing import message_at

Scored = Callable[..., dict[str, Any]]

MEDDPICC = ["metrics", "economic_buyer", "decision_criteria", "decision_process",
            "paper_process", "identify_pain", "champion", "competition"]
MEDDIC = ["metrics", "economic_buyer", "decision_criteria", "decision_process",
          "identify_pain", "champion"]
MEDDICC = [*MEDDIC, "competition"]




def test_plugin_is_loaded_without_errors(kam_plugin_host: PluginHost,
                                         kam_registry: Registry) -> None:
    info = {plugin.name: plugin for plugin in kam_plugin_host.listing()}["medpicc"]
    assert (info.status, info.errors, info.builtin) == ("loaded", [], False)
    assert info.distribution == "kamcore-medpicc"
    assert info.hooks == ["kam_check_plan", "kam_methodologies"]
    assert kam_registry.contributions_of("medpicc") == {
        "methodology": ["meddic", "meddicc", "medpicc"]}


def test_medpicc_loads(kam_methodology: Methodology) -> None:
    assert (kam_methodology.name, kam_methodology.version, kam_methodology.lineage) == (
        "medpicc", "1.0.0", ("medpicc",))
    assert [step.key for step in kam_methodology.steps] == ["qualify", "close_gaps", "review"]
    assert [section.key for section in kam_methodology.sections] == ["qualification", "gap_actions"]
    assert [(c.kind, c.every) for c in kam_methodology.cadence] == [("deal_review", "2 weeks")]
    rules = QualificationRules.from_methodology(kam_methodology)
    assert list(rules.element_keys) == MEDDPICC
    assert rules.max_total == 24


@pytest.mark.parametrize(("name", "elements", "max_total"), [
    ("meddic", MEDDIC, 18),
    ("meddicc", MEDDICC, 21),
])
def test_variants_derive_with_fewer_elements(kam_registry: Registry, name: str, elements: list[str],
                                             max_total: int) -> None:
    methodology = kam_registry.methodology(name)
    assert methodology.lineage == (name, "medpicc")
    assert [step.key for step in methodology.steps] == ["qualify", "close_gaps", "review"]
    rules = QualificationRules.from_methodology(methodology)
    assert list(rules.element_keys) == elements
    assert rules.max_total == max_total
    assert {flag.code for flag in rules.red_flags} == {
        "no-champion", "economic-buyer-unknown", "metrics-unknown"}


@pytest.mark.parametrize("name", ["medpicc", "meddic", "meddicc"])
def test_section_schema_accepts_exactly_the_scored_elements(kam_registry: Registry,
                                                            name: str) -> None:
    methodology = kam_registry.methodology(name)
    schema = methodology.section("qualification").schema
    elements = QualificationRules.from_methodology(methodology).element_keys
    full = {key: {"score": 3, "evidence": "seen"} for key in elements}
    assert schema.errors({"opp-1": full}) == []
    for dropped in sorted(set(MEDDPICC) - set(elements)):
        data = {"opp-1": {**full, dropped: {"score": 1, "evidence": "x"}}}
        problems = [Problem(message, path=path) for path, message in schema.errors(data)]
        assert len(problems) == 1 and message_at(problems, ("opp-1", dropped)), problems


def test_cannot_leave_qualify_without_scores(kam_workspace: Workspace, kam_methodology: Methodology,
                                             kam_account: Account, scored: Scored) -> None:
    plan = new_plan(kam_workspace, kam_methodology, kam_account.id)
    with pytest.raises(AdvanceRefused) as refused:
        advance(kam_workspace, kam_methodology, plan)
    assert "score at least one opportunity" in refused.value.findings[0].message
    plan = set_section(kam_workspace, kam_methodology, plan, "qualification", {})
    with pytest.raises(AdvanceRefused):
        advance(kam_workspace, kam_methodology, plan)
    plan = set_section(kam_workspace, kam_methodology, plan, "qualification",
                       {"opp-1": scored(metrics=1)})
    assert advance(kam_workspace, kam_methodology, plan).step == "close_gaps"


@pytest.mark.parametrize(("name", "data", "path", "says"), [
    ("medpicc", {"opp-1": {"metrics": {"score": 4, "evidence": "x"}}},
     ("opp-1", "metrics", "score"), "maximum"),
    ("medpicc", {"opp-1": {"champion": {"score": "2", "evidence": "x"}}},
     ("opp-1", "champion", "score"), "integer"),
    ("medpicc", {"opp-1": {"champion": {"score": -1}}}, ("opp-1", "champion", "score"),
     "minimum"),
    ("medpicc", {"opp-1": {"champion": {"score": 2}}}, ("opp-1", "champion"), "evidence"),
    ("medpicc", {"opp-1": {"budget": {"score": 2, "evidence": "x"}}}, ("opp-1", "budget"),
     "budget"),
    ("medpicc", {"opp 1": {}}, (), "opp 1"),
    ("meddic", {"opp-1": {"paper_process": {"score": 2, "evidence": "x"}}},
     ("opp-1", "paper_process"), "paper_process"),
    ("meddic", {"opp-1": {"metrics": {"score": 9, "evidence": "x"}}},
     ("opp-1", "metrics", "score"), "maximum"),
])
def test_bad_scores_are_refused_with_their_path(
        kam_workspace: Workspace, kam_registry: Registry, kam_account: Account, name: str,
        data: dict[str, Any], path: tuple[str, ...], says: str) -> None:
    methodology = kam_registry.methodology(name)
    plan = new_plan(kam_workspace, methodology, kam_account.id)
    with pytest.raises(InvalidInputError) as refused:
        set_section(kam_workspace, methodology, plan, "qualification", data)
    message = message_at(refused.value.problems, ("sections", "qualification", *path))
    assert message is not None and says in message
    assert kam_workspace.get(Plan, plan.id).revision == plan.revision

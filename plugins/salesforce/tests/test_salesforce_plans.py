"""Salesforce Account Plans (AccountPlan, AccountPlanObjective, AccountPlanObjectiveMeasure)
read by the three adapters into a plan of the account.

Where the shapes come from: the field names are those of Salesforce's Object Reference for
API 62.0 (``AccountPlan``: ``AccountId``, ``Name``, ``AccountVision``,
``RelationshipStrengths``, ``RelationshipWeaknesses``, ``RelationshipOpportunities``,
``RelationshipThreats``; ``AccountPlanObjective``: ``AccountPlanId``, ``Name``,
``Description``, ``EndDate``, ``Status``; ``AccountPlanObjectiveMeasure``:
``AccountPlanObjectiveId``, ``CurrentValue``). The measure's ``Name`` and ``TargetValue`` are
taken by analogy with ``CurrentValue`` (the reference pages at hand were cut before them), and
the Status labels are the usual picklist ones: see docs/crm-import.md. CSVs are laid out as
Data Loader writes them (header row of API names, quoted multi-line text), tree files as
``sf data export tree`` writes them (``attributes.type``/``referenceId``, nested child
``records``), API records as the REST query resource returns them (``attributes`` with
``type`` and ``url``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kamcore_salesforce.ids import to18

from kamcore import InvalidInputError
from kamcore.importing import import_records, noting
from kamcore.model import Account, Plan
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

ACME = "001Dn00000002QaIAI"
PLAN_ID = to18("0XaDn0000000001")
GOAL_1, GOAL_2 = to18("0XbDn0000000001"), to18("0XbDn0000000002")
MEASURE_1, MEASURE_2 = to18("0XcDn0000000001"), to18("0XcDn0000000002")

PLAN_ROW = {"Id": PLAN_ID, "AccountId": ACME, "Name": "Acme FY27",
            "AccountVision": "Acme's uptime partner for every plant.",
            "RelationshipStrengths": "- Platform runs in every plant\n- Trusted by the COO",
            "RelationshipWeaknesses": "No relationship with Service",
            "RelationshipOpportunities": "", "RelationshipThreats": "• Incumbent renews 2027"}
OBJECTIVE_ROWS = [
    {"Id": GOAL_2, "AccountPlanId": PLAN_ID, "Name": "Cut downtime", "Description": "",
     "EndDate": "", "Status": "At Risk"},
    {"Id": GOAL_1, "AccountPlanId": PLAN_ID, "Name": "Uptime contracts in two regions",
     "Description": "Priced on shared machine data", "EndDate": "2027-12-31",
     "Status": "In Progress"},
]
MEASURE_ROWS = [
    {"Id": MEASURE_1, "AccountPlanObjectiveId": GOAL_1, "Name": "share on uptime contracts",
     "CurrentValue": "8", "TargetValue": "25"},
    {"Id": MEASURE_2, "AccountPlanObjectiveId": GOAL_2, "Name": "downtime hours",
     "CurrentValue": "24", "TargetValue": ""},
]

EXPECTED_SECTIONS = {
    "swot": {"strengths": ["Platform runs in every plant", "Trusted by the COO"],
             "weaknesses": ["No relationship with Service"],
             "threats": ["Incumbent renews 2027"]},
    "executive_summary": {"summary": "Acme's uptime partner for every plant."},
    "joint_objectives": {"objectives": [
        {"id": f"sf-{GOAL_1}", "title": "Uptime contracts in two regions",
         "description": "Priced on shared machine data", "due": "2027-12-31",
         "status": "on_track",
         "measures": [{"name": "share on uptime contracts", "current": 8.0, "target": 25.0}]},
        {"id": f"sf-{GOAL_2}", "title": "Cut downtime", "status": "at_risk",
         "measures": [{"name": "downtime hours", "current": 24.0}]},
    ]},
}


@pytest.fixture
def kam_plugin_names() -> set[str]:
    """salesforce, with the methodologies plans are made under."""
    return {"salesforce", "sama7", "simple_plan"}


def _csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.fixture
def csv_export(samples: Path) -> Path:
    """The sample CSVs plus the three Account Plan objects, named after them."""
    folder = samples / "csv"
    (folder / "AccountPlan.csv").write_text(_csv([PLAN_ROW]), encoding="utf-8")
    (folder / "AccountPlanObjective.csv").write_text(_csv(OBJECTIVE_ROWS), encoding="utf-8")
    (folder / "AccountPlanObjectiveMeasure.csv").write_text(_csv(MEASURE_ROWS),
                                                            encoding="utf-8")
    return folder


def _import(ws: Workspace, registry: Registry, adapter: str, path: Path,
            **options: str) -> Any:
    return import_records(ws, registry.adapter(adapter).read(path, **options),
                          registry=registry)


def test_csv_account_plan_becomes_a_sama7_plan(kam_workspace: Workspace,
                                               kam_registry: Registry, csv_export: Path) -> None:
    summary = _import(kam_workspace, kam_registry, "salesforce-csv", csv_export)
    assert summary.counts[("plan", "created")] == 1
    plan = kam_workspace.get(Plan, f"sf-{PLAN_ID}")
    assert plan.account_id == f"sf-{ACME}"
    assert (plan.methodology.name, plan.step) == ("sama7", "customer_business_understanding")
    assert plan.methodology.version == kam_registry.methodology("sama7").version
    assert plan.sections == EXPECTED_SECTIONS
    again = _import(kam_workspace, kam_registry, "salesforce-csv", csv_export)
    assert again.counts[("plan", "unchanged")] == 1 and again.total("updated") == 0


def test_reimport_keeps_the_step_and_other_sections(kam_workspace: Workspace,
                                                    kam_registry: Registry,
                                                    csv_export: Path) -> None:
    """The plan moved on in kamcore (a step, a section of its own): a re-import of a changed
    Account Plan updates Salesforce's sections and leaves the rest."""
    _import(kam_workspace, kam_registry, "salesforce-csv", csv_export)
    plan = kam_workspace.get(Plan, f"sf-{PLAN_ID}")
    moved = plan.model_copy(update={"step": "customer_value_research", "sections": {
        **plan.sections, "account_team": {"members": [{"role": "kam", "name": "Jo Seller"}]}}})
    kam_workspace.save(moved)
    changed = {**PLAN_ROW, "AccountVision": "Acme's partner for uptime and service."}
    (csv_export / "AccountPlan.csv").write_text(_csv([changed]), encoding="utf-8")
    summary = _import(kam_workspace, kam_registry, "salesforce-csv", csv_export)
    assert summary.counts[("plan", "updated")] == 1
    after = kam_workspace.get(Plan, f"sf-{PLAN_ID}")
    assert after.step == "customer_value_research"
    assert after.sections["account_team"] == {"members": [{"role": "kam", "name": "Jo Seller"}]}
    assert after.sections["executive_summary"] == {
        "summary": "Acme's partner for uptime and service."}


def test_default_names_are_recognised_by_header(tmp_path: Path, csv_export: Path,
                                                kam: Any) -> None:
    """Data Loader's ``extract.csv`` names: each Account Plan object from its header row."""
    folder = tmp_path / "export"
    folder.mkdir()
    for number, name in enumerate(("Account", "AccountPlan", "AccountPlanObjective",
                                   "AccountPlanObjectiveMeasure")):
        (folder / f"extract{number or ''}.csv").write_bytes(
            (csv_export / f"{name}.csv").read_bytes())
    done = kam("import", "salesforce-csv", str(folder), "--json")
    assert done.returncode == 0, done.stderr
    kinds = {row["kind"]: row["created"] for row in json.loads(done.stdout)["kinds"]}
    assert kinds == {"account": 3, "plan": 1}
    with Workspace.open(tmp_path / "kam.db") as ws:
        assert ws.get(Plan, f"sf-{PLAN_ID}").sections == EXPECTED_SECTIONS


def test_bad_measure_value_is_located_and_nothing_written(kam_workspace: Workspace,
                                                         kam_registry: Registry,
                                                         csv_export: Path) -> None:
    rows = [{**MEASURE_ROWS[0], "CurrentValue": "eight"}, MEASURE_ROWS[1]]
    (csv_export / "AccountPlanObjectiveMeasure.csv").write_text(_csv(rows), encoding="utf-8")
    with pytest.raises(InvalidInputError) as refused:
        _import(kam_workspace, kam_registry, "salesforce-csv", csv_export)
    problem = refused.value.problems[0]
    assert problem.source is not None and problem.source.endswith(
        "AccountPlanObjectiveMeasure.csv")
    assert (problem.line, problem.column, problem.path) == (2, 4, ("CurrentValue",))
    assert "'eight' is not a number" in problem.message
    assert kam_workspace.count(Account) == 0 and kam_workspace.count(Plan) == 0


def test_unknown_status_is_noted_and_left_unset(kam_workspace: Workspace,
                                               kam_registry: Registry,
                                               csv_export: Path) -> None:
    rows = [{**OBJECTIVE_ROWS[0], "Status": "Parked"}, OBJECTIVE_ROWS[1]]
    (csv_export / "AccountPlanObjective.csv").write_text(_csv(rows), encoding="utf-8")
    with noting() as notes:
        _import(kam_workspace, kam_registry, "salesforce-csv", csv_export)
    assert any("Status 'Parked' has no kamcore equivalent" in n for n in notes)
    objectives = kam_workspace.get(Plan, f"sf-{PLAN_ID}").sections["joint_objectives"]
    assert "status" not in objectives["objectives"][1]


def test_methodology_without_the_sections_is_refused(tmp_path: Path, csv_export: Path,
                                                     kam: Any) -> None:
    done = kam("import", "salesforce-csv", str(csv_export),
                "--methodology", "simple_plan")
    assert done.returncode == 2
    assert "methodology 'simple_plan' has none of the sections a Salesforce Account Plan " \
           "maps to (swot, executive_summary, joint_objectives)" in done.stderr
    assert "Traceback" not in done.stderr
    with Workspace.open(tmp_path / "kam.db") as ws:
        assert ws.count(Account) == 0
    unknown = kam("import", "salesforce-csv", str(csv_export),
                   "--methodology", "sama8")
    assert unknown.returncode == 2 and "sama7" in unknown.stderr


# -- tree -------------------------------------------------------------------------------------


def _tree_record(sobject: str, ref: str, row: dict[str, str],
                 drop: tuple[str, ...]) -> dict[str, Any]:
    record: dict[str, Any] = {"attributes": {"type": sobject, "referenceId": ref}}
    record.update({k: v for k, v in row.items() if k not in drop and v != ""})
    return record


def test_tree_nests_objectives_and_measures(kam_workspace: Workspace, kam_registry: Registry,
                                           tmp_path: Path) -> None:
    """One tree file: the account, its plan, objectives and measures nested as children, keyed
    by reference (``sf data export tree`` strips Ids)."""
    drop = ("Id", "AccountId", "AccountPlanId", "AccountPlanObjectiveId")
    objectives = []
    for number, row in enumerate(OBJECTIVE_ROWS, start=1):
        objective = _tree_record("AccountPlanObjective", f"ObjRef{number}", row, drop)
        measures = [_tree_record("AccountPlanObjectiveMeasure", f"MeasureRef{number}", m, drop)
                    for m in MEASURE_ROWS if m["AccountPlanObjectiveId"] == row["Id"]]
        objective["AccountPlanObjectives"] = {"records": measures}
        objectives.append(objective)
    plan = _tree_record("AccountPlan", "PlanRef1", PLAN_ROW, drop)
    plan["AccountPlanObjectives"] = {"records": objectives}
    account = {"attributes": {"type": "Account", "referenceId": "AccountRef1"},
               "Name": "Acme Industrial", "AccountPlans": {"records": [plan]}}
    path = tmp_path / "Account-AccountPlan.json"
    path.write_text(json.dumps({"records": [account]}, indent=2), encoding="utf-8")
    summary = _import(kam_workspace, kam_registry, "salesforce-tree", path)
    assert summary.counts[("plan", "created")] == 1
    stored = kam_workspace.get(Plan, "sf-ref-PlanRef1")
    assert stored.account_id == "sf-ref-AccountRef1"
    titles = [(o["id"], o["title"], o["measures"][0]["name"])
              for o in stored.sections["joint_objectives"]["objectives"]]
    assert titles == [("sf-ref-ObjRef2", "Uptime contracts in two regions",
                       "share on uptime contracts"),
                      ("sf-ref-ObjRef1", "Cut downtime", "downtime hours")]
    assert _import(kam_workspace, kam_registry, "salesforce-tree", path).total("unchanged") == 2


# -- api --------------------------------------------------------------------------------------


def _api(sobject: str, row: dict[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = {"attributes": {
        "type": sobject, "url": f"/services/data/v62.0/sobjects/{sobject}/{row['Id']}"}}
    record.update({k: (v if v != "" else None) for k, v in row.items()})  # empty: null
    return record


@pytest.fixture
def plan_server(sf_server: Any) -> Iterator[Any]:
    """The local Salesforce, with Account Plans."""
    sf_server.records["AccountPlan"] = [_api("AccountPlan", PLAN_ROW)]
    sf_server.records["AccountPlanObjective"] = [_api("AccountPlanObjective", row)
                                                 for row in OBJECTIVE_ROWS]
    sf_server.records["AccountPlanObjectiveMeasure"] = [
        _api("AccountPlanObjectiveMeasure", row) for row in MEASURE_ROWS]
    yield sf_server


def test_api_reads_account_plans(kam_workspace: Workspace, kam_registry: Registry,
                                 plan_server: Any,
                                 connection: Any) -> None:
    summary = _import(kam_workspace, kam_registry, "salesforce-api", connection())
    assert summary.counts[("plan", "created")] == 1
    assert kam_workspace.get(Plan, f"sf-{PLAN_ID}").sections == EXPECTED_SECTIONS
    queried = [q for q in plan_server.soql if " FROM AccountPlan " in q]
    assert queried[0].startswith("SELECT Id, AccountId, Name, AccountVision, "
                                 "RelationshipStrengths")
    again = _import(kam_workspace, kam_registry, "salesforce-api", connection())
    assert again.total("created") == 0 and again.total("updated") == 0


def test_api_org_without_account_plans_is_noted(kam_workspace: Workspace,
                                                kam_registry: Registry,
                                                sf_server: Any,
                                                connection: Any) -> None:
    """The sample org has no Account Plan objects (INVALID_TYPE): skipped, and said so."""
    with noting() as notes:
        summary = _import(kam_workspace, kam_registry, "salesforce-api", connection())
    assert summary.total("created") > 0 and kam_workspace.count(Plan) == 0
    assert "AccountPlan: not in this org (or API version); skipped" in notes

"""``kam sync push PLAN --to salesforce`` against the local HTTPS Salesforce (conftest): the
sObject Collections upsert by Kam_Id__c, conflicts, and failures that leave the workspace as
it was."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from kamcore_salesforce.push import STATE_PREFIX, PushConflictError, push_plan

from kamcore import InvalidInputError
from kamcore.importing import import_records
from kamcore.model import Account, MethodologyRef, Plan
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

ACME = "001Dn00000002QaIAI"
PLAN = "acme-fy27"
SECTIONS: dict[str, Any] = {
    "swot": {"strengths": ["Platform runs in every plant"],
             "threats": ["Incumbent renews 2027", "Budget freeze"]},
    "executive_summary": {"summary": "Acme's uptime partner.", "highlights": ["Two plants"]},
    "joint_objectives": {"objectives": [
        {"id": "o1", "title": "Uptime contracts in two regions", "measure": "share of revenue",
         "due": "2027-12-31", "status": "on_track",
         "measures": [{"name": "share on uptime contracts", "baseline": 0, "current": 8,
                       "target": 25, "unit": "%"}],
         "customer_signoff": {"name": "Chris Finance", "title": "CFO", "date": "2026-02-01"}},
        {"id": "o2", "title": "Cut downtime", "status": "at_risk"},
    ]},
}


@pytest.fixture
def kam_plugin_names() -> set[str]:
    return {"salesforce", "sama7"}


@pytest.fixture
def org(sf_server: Any) -> Any:
    """The local Salesforce with sales account plans turned on (no plan yet)."""
    for sobject in ("AccountPlan", "AccountPlanObjective", "AccountPlanObjectiveMeasure"):
        sf_server.records[sobject] = []
    return sf_server


@pytest.fixture
def plan(kam_workspace: Workspace, kam_registry: Registry) -> Plan:
    """A plan made in kamcore, of an account imported from Salesforce."""
    kam_workspace.save(Account(id=f"sf-{ACME}", name="Acme Industrial",
                               external_ids={"salesforce": ACME}))
    sama7 = kam_registry.methodology("sama7")
    return kam_workspace.save(Plan(
        id=PLAN, account_id=f"sf-{ACME}", period="FY2027", step=sama7.first_step.key,
        methodology=MethodologyRef(name="sama7", version=sama7.version), sections=SECTIONS))


def _writes(server: Any) -> list[str]:
    return [path for method, path in server.requests if method == "PATCH"]


def test_push_pull_push(kam_workspace: Workspace, kam_registry: Registry, plan: Plan, org: Any,
                        connection: Any) -> None:
    path = connection(kam_ids=True, api_version="62.0")
    dry = push_plan(kam_workspace, PLAN, path, dry_run=True)
    assert dry.records == 4 and not _writes(org)
    assert kam_workspace.settings() == {}
    assert any(c.sobject == "AccountPlan" and c.field == "RelationshipThreats" and c.new
               and c.ours == "Incumbent renews 2027\nBudget freeze" for c in dry.changes)

    done = push_plan(kam_workspace, PLAN, path)
    assert done.records == 4 and done.changes == dry.changes
    assert _writes(org) == [f"/services/data/v62.0/composite/sobjects/{name}/Kam_Id__c"
                            for name in ("AccountPlan", "AccountPlanObjective",
                                         "AccountPlanObjectiveMeasure")]
    account_plan = org.find("AccountPlan", PLAN)
    assert (account_plan["AccountId"], account_plan["AccountVision"],
            account_plan["Name"]) == (ACME, "Acme's uptime partner.", "Acme Industrial FY2027")
    objective = org.find("AccountPlanObjective", f"{PLAN}:o1")
    assert (objective["AccountPlanId"], objective["Status"], objective["EndDate"]) == (
        account_plan["Id"], "In Progress", "2027-12-31")
    measure = org.find("AccountPlanObjectiveMeasure", f"{PLAN}:o1:share on uptime contracts")
    assert (measure["AccountPlanObjectiveId"], measure["CurrentValue"],
            measure["TargetValue"]) == (objective["Id"], "8", "25")
    stamps = json.loads(kam_workspace.settings()[STATE_PREFIX + PLAN])
    assert stamps[PLAN] == account_plan["SystemModstamp"] and len(stamps) == 4

    # the pull maps the pushed records back onto the plan: nothing changes, sign-off kept
    reads = kam_registry.adapter("salesforce-api").read(path)
    summary = import_records(kam_workspace, reads, registry=kam_registry)
    assert summary.counts[("plan", "unchanged")] == 1 and summary.counts[("plan", "created")] == 0
    assert kam_workspace.get(Plan, PLAN).sections == SECTIONS

    again = push_plan(kam_workspace, PLAN, path)
    assert again.records == 0 and again.changes == () and len(_writes(org)) == 3


def test_change_in_salesforce_is_a_conflict(kam_workspace: Workspace, kam_registry: Registry,
                                            plan: Plan, org: Any, connection: Any) -> None:
    path = connection(kam_ids=True, api_version="62.0")
    push_plan(kam_workspace, PLAN, path)
    state = kam_workspace.settings()
    org.edit("AccountPlanObjective", f"{PLAN}:o2", Status="Completed")
    moved = kam_workspace.get(Plan, PLAN)
    objectives = moved.sections["joint_objectives"]["objectives"]
    objectives[1] = {**objectives[1], "title": "Halve downtime"}
    kam_workspace.save(moved)
    with pytest.raises(PushConflictError) as refused:
        push_plan(kam_workspace, PLAN, path)
    (conflict,) = refused.value.conflicts
    assert (conflict.sobject, conflict.kam_id) == ("AccountPlanObjective", f"{PLAN}:o2")
    assert {(c.field, c.theirs, c.ours) for c in conflict.changes} == {
        ("Name", "Cut downtime", "Halve downtime"), ("Status", "Completed", "At Risk")}
    assert refused.value.exit_code == 1 and "changed in Salesforce since the push" in str(
        refused.value)
    assert len(_writes(org)) == 3 and kam_workspace.settings() == state
    assert org.find("AccountPlanObjective", f"{PLAN}:o2")["Name"] == "Cut downtime"

    # pulled, the Salesforce change is kamcore's too; the next push writes kamcore's title only
    import_records(kam_workspace, kam_registry.adapter("salesforce-api").read(path),
                   registry=kam_registry)
    pulled = kam_workspace.get(Plan, PLAN).sections["joint_objectives"]["objectives"][1]
    assert pulled["status"] == "achieved"
    # (the pull brought Salesforce's title back too: kamcore's edit is in the plan's history)
    assert pulled["title"] == "Cut downtime"
    assert push_plan(kam_workspace, PLAN, path).records == 0


def test_cli_dry_run_shows_each_field_and_conflict_exits_1(tmp_path: Path, kam: Any, org: Any,
                                                           connection: Any) -> None:
    path = connection(kam_ids=True, api_version="62.0")
    assert kam("account", "add", "Acme Industrial").returncode == 0
    with Workspace.open(tmp_path / "kam.db") as ws:
        account = ws.get(Account, "acme-industrial")
        ws.save(account.model_copy(update={"external_ids": {"salesforce": ACME}}))
    assert kam("plan", "new", "acme-industrial", "--methodology", "sama7", "--id", PLAN
               ).returncode == 0, "plan new"
    swot = tmp_path / "swot.json"
    swot.write_text(json.dumps({"strengths": ["Trusted"]}), encoding="utf-8")
    done = kam("plan", "set", PLAN, "swot", str(swot))
    assert done.returncode == 0, done.stderr
    dry = kam("sync", "push", PLAN, "--to", "salesforce", "--connection", str(path),
              "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"create AccountPlan {PLAN} RelationshipStrengths: None -> 'Trusted'" in dry.stdout
    assert "1 record(s) would be written (dry run: nothing written)" in dry.stdout
    assert not _writes(org)
    assert kam("sync", "push", PLAN, "--to", "salesforce", "--connection", str(path)
               ).returncode == 0
    org.edit("AccountPlan", PLAN, RelationshipStrengths="Trusted\nFast")
    swot.write_text(json.dumps({"strengths": ["Trusted", "Cheap"]}), encoding="utf-8")
    assert kam("plan", "set", PLAN, "swot", str(swot)).returncode == 0
    conflict = kam("sync", "push", PLAN, "--to", "salesforce", "--connection", str(path))
    assert conflict.returncode == 1
    assert "RelationshipStrengths: Salesforce 'Trusted\\nFast', kamcore 'Trusted\\nCheap'" \
        in conflict.stderr
    assert "Traceback" not in conflict.stderr and "SESSION" not in conflict.stderr


def test_401_and_network_error_leave_the_workspace_unchanged(
        kam_workspace: Workspace, plan: Plan, org: Any, connection: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = connection(kam_ids=True, api_version="62.0")
    session = os.environ["KT_SF_SESSION"]
    monkeypatch.setenv("KT_SF_SESSION", "00DDn000000TEST!wrongtoken")
    with pytest.raises(InvalidInputError) as refused:
        push_plan(kam_workspace, PLAN, path)
    said = f"{refused.value} {refused.value.problems[0]}"
    assert "INVALID_SESSION_ID" in said and "wrongtoken" not in said
    assert kam_workspace.settings() == {} and not _writes(org)

    monkeypatch.setenv("KT_SF_SESSION", session)
    org.fail_writes = True  # the connection drops on the first upsert
    with pytest.raises(InvalidInputError) as dropped:
        push_plan(kam_workspace, PLAN, path)
    assert "cannot reach Salesforce" in str(dropped.value)
    assert kam_workspace.settings() == {} and len(_writes(org)) == 1


def test_plan_imported_from_salesforce_is_not_pushed(kam_workspace: Workspace, plan: Plan,
                                                     org: Any, connection: Any) -> None:
    """Its records have no Kam_Id__c: an upsert by it would make a second Account Plan."""
    kam_workspace.save(plan.model_copy(update={"id": "sf-0XaDn0000000001AAA", "revision": 0}))
    with pytest.raises(InvalidInputError, match="was imported from a Salesforce Account Plan"):
        push_plan(kam_workspace, "sf-0XaDn0000000001AAA", connection(kam_ids=True))
    with pytest.raises(InvalidInputError, match="push needs kamcore's external id field"):
        push_plan(kam_workspace, PLAN, connection())
    assert not _writes(org) and kam_workspace.settings() == {}

"""``kam sync pull salesforce`` against the local HTTPS Salesforce (conftest): the watermark,
the ``SystemModstamp`` query, the records read again by Id so that a partial read merges, and
failures that leave the workspace and the watermark as they were."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from kamcore_salesforce.push import push_plan

from kamcore import InvalidInputError
from kamcore.model import Account, Opportunity, Plan, Stakeholder
from kamcore.operations import sync_pull
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace
from kamcore.syncing import watermark_key

from .test_salesforce_push import PLAN, SECTIONS

KEY = watermark_key("salesforce")
ACME = "001Dn00000002QaIAI"  # Acme Industrial
CHRIS = "003Dn00000001XzIAI"  # Chris Finance, CFO of Acme Industrial
HELEN = "003Dn00000003XzIAI"  # Helen Park, Plant Director at Acme Industrial
BIG_DEAL = "006Dn00000001KpIAI"


@pytest.fixture
def kam_plugin_names() -> set[str]:
    return {"salesforce", "sama7"}


@pytest.fixture
def org(sf_server: Any) -> Any:
    """The local Salesforce with OpportunityCompetitor and every record stamped (the stamps
    the server gives: 2026-12-01T09:00:01.000+0000, :02, ...)."""
    sf_server.records["OpportunityCompetitor"] = []
    for records in sf_server.records.values():
        for record in records:
            record["SystemModstamp"] = sf_server.stamp()
    return sf_server


def _find(server: Any, sobject: str, ident: str) -> dict[str, Any]:
    return next(r for r in server.records[sobject] if r["Id"] == ident)


def _revisions(ws: Workspace) -> dict[tuple[str, str], int]:
    return {(r.kind, r.id): r.revision for cls in (Stakeholder, Opportunity, Plan)
            for r in ws.iter(cls)}


def test_first_pull_reads_everything_then_only_what_changed(
        kam_workspace: Workspace, kam_registry: Registry, org: Any, connection: Any) -> None:
    path = connection()
    first = sync_pull(kam_workspace, "salesforce", path, registry=kam_registry)
    assert first.previous is None and first.summary.total("created") == 18
    assert first.watermark == "2026-12-01T09:00:21.000Z" == kam_workspace.settings()[KEY]
    assert all("SystemModstamp >" not in q for q in org.soql)
    assert any("/query/01gDn" in path for _, path in org.requests)  # pages followed

    before, asked = _revisions(kam_workspace), len(org.soql)
    again = sync_pull(kam_workspace, "salesforce", path, registry=kam_registry)
    assert again.summary.total("created") == again.summary.total("updated") == 0
    assert again.watermark == first.watermark and _revisions(kam_workspace) == before
    assert all(q.endswith("WHERE SystemModstamp > 2026-12-01T09:00:21Z ORDER BY Id")
               for q in org.soql[asked:])


def test_a_contact_changed_in_salesforce_becomes_a_revision_by_the_sync(
        kam_workspace: Workspace, kam_registry: Registry, org: Any, connection: Any) -> None:
    path = connection()
    sync_pull(kam_workspace, "salesforce", path, registry=kam_registry)
    chris = kam_workspace.get(Stakeholder, f"sf-{CHRIS}")
    assert chris.updated_by == "sync:salesforce"
    kam_workspace.save(chris.model_copy(update={"influence": 5,
                                                "roles": chris.roles | {"champion"}}), by="dana")
    _find(org, "Contact", CHRIS).update(Title="Chief Executive Officer",
                                        SystemModstamp=org.stamp())

    result = sync_pull(kam_workspace, "salesforce", path, registry=kam_registry)
    assert result.summary.rows() == [{"kind": "stakeholder", "created": 0, "updated": 1,
                                      "unchanged": 0}]
    assert result.watermark == "2026-12-01T09:00:22.000Z"
    now = kam_workspace.get(Stakeholder, f"sf-{CHRIS}")
    assert (now.title, now.updated_by, now.revision) == ("Chief Executive Officer",
                                                         "sync:salesforce", 3)
    assert now.influence == 5 and "champion" in now.roles  # assessed in kamcore: kept
    assert kam_workspace.at_revision(Stakeholder, now.id, 2).title == "Chief Financial Officer"


def test_a_new_competitor_and_a_new_contact_role_reach_an_unchanged_opportunity(
        kam_workspace: Workspace, kam_registry: Registry, org: Any, connection: Any) -> None:
    path = connection()
    sync_pull(kam_workspace, "salesforce", path, registry=kam_registry)
    deal = kam_workspace.get(Opportunity, f"sf-{BIG_DEAL}")
    # OpportunityCompetitor and OpportunityContactRole rows, as the REST API returns them
    org.records["OpportunityCompetitor"].append({
        "attributes": {"type": "OpportunityCompetitor"}, "Id": "00KDn00000001AbMAI",
        "OpportunityId": BIG_DEAL, "CompetitorName": "Globex", "SystemModstamp": org.stamp()})
    org.records["OpportunityContactRole"].append({
        "attributes": {"type": "OpportunityContactRole"}, "Id": "00KDn00000009ZzMAI",
        "OpportunityId": BIG_DEAL, "ContactId": HELEN, "Role": "Economic Buyer",
        "IsPrimary": False, "SystemModstamp": org.stamp()})

    result = sync_pull(kam_workspace, "salesforce", path, registry=kam_registry)
    now = kam_workspace.get(Opportunity, deal.id)
    assert now.competitors == {"Globex"} and now.revision == deal.revision + 1
    assert f"sf-{HELEN}" not in deal.contact_roles
    assert now.contact_roles == {**deal.contact_roles, f"sf-{HELEN}": "economic_buyer"}
    assert (now.name, now.stage, now.amount) == (deal.name, deal.stage, deal.amount)
    helen = kam_workspace.get(Stakeholder, f"sf-{HELEN}")
    assert "economic_buyer" in helen.roles and helen.updated_by == "sync:salesforce"
    # the unchanged opportunity and contact were read by Id, and nothing else was
    assert any(f"FROM Opportunity WHERE Id IN ('{BIG_DEAL}')" in q for q in org.soql)
    assert any(f"FROM Contact WHERE Id IN ('{HELEN}')" in q for q in org.soql)
    assert result.summary.total("created") == 0 and result.summary.total("updated") == 2


@pytest.mark.parametrize("fault", ["401", "429", "drop"])
def test_a_failure_mid_pull_leaves_workspace_and_watermark(
        kam_workspace: Workspace, kam_registry: Registry, org: Any, connection: Any,
        fault: str) -> None:
    path = connection()
    sync_pull(kam_workspace, "salesforce", path, registry=kam_registry)
    before, mark = _revisions(kam_workspace), kam_workspace.settings()[KEY]
    _find(org, "Contact", CHRIS).update(Title="CEO", SystemModstamp=org.stamp())
    org.faults["Opportunity"] = fault  # read after the changed contact

    with pytest.raises(InvalidInputError) as caught:
        sync_pull(kam_workspace, "salesforce", path, registry=kam_registry)
    assert "Opportunity" in str(caught.value) or "Salesforce" in str(caught.value)
    assert _revisions(kam_workspace) == before
    assert kam_workspace.settings()[KEY] == mark
    assert kam_workspace.get(Stakeholder, f"sf-{CHRIS}").title == "Chief Financial Officer"

    del org.faults["Opportunity"]  # the next pull gets the change
    sync_pull(kam_workspace, "salesforce", path, registry=kam_registry)
    assert kam_workspace.get(Stakeholder, f"sf-{CHRIS}").title == "CEO"


def test_a_change_made_while_a_pull_runs_is_read_by_the_next(
        kam_workspace: Workspace, kam_registry: Registry, org: Any, connection: Any) -> None:
    """Accounts are read first; a user edits one while the opportunities are being read, and
    an opportunity after it: the watermark stays at Salesforce's time when the pull began
    (its first response's Date), not the opportunity's later stamp."""
    path = connection()
    sync_pull(kam_workspace, "salesforce", path, registry=kam_registry)

    def meanwhile() -> None:
        _find(org, "Account", ACME).update(Name="Acme Industrial AG",
                                           SystemModstamp=org.stamp())
        _find(org, "Opportunity", BIG_DEAL).update(StageName="Negotiation/Review",
                                                   SystemModstamp=org.stamp())
        del org.on_query["Opportunity"]

    org.on_query["Opportunity"] = meanwhile
    during = sync_pull(kam_workspace, "salesforce", path, registry=kam_registry)
    assert kam_workspace.get(Opportunity, f"sf-{BIG_DEAL}").stage == "Negotiation/Review"
    assert kam_workspace.get(Account, f"sf-{ACME}").name == "Acme Industrial"  # read before
    assert during.watermark == "2026-12-01T09:00:21.000Z"  # when the pull began

    after = sync_pull(kam_workspace, "salesforce", path, registry=kam_registry)
    assert kam_workspace.get(Account, f"sf-{ACME}").name == "Acme Industrial AG"
    assert after.summary.total("updated") == 1 and after.watermark == "2026-12-01T09:00:23.000Z"


def test_a_pull_after_a_push_writes_nothing(kam_workspace: Workspace, kam_registry: Registry,
                                            org: Any, connection: Any) -> None:
    for sobject in ("AccountPlan", "AccountPlanObjective", "AccountPlanObjectiveMeasure"):
        org.records[sobject] = []
    path = connection(kam_ids=True, api_version="62.0")
    sync_pull(kam_workspace, "salesforce", path, registry=kam_registry)
    account = f"sf-{ACME}"
    sama7 = kam_registry.methodology("sama7")
    from kamcore.model import MethodologyRef

    kam_workspace.save(Plan(id=PLAN, account_id=account, period="FY2027",
                            step=sama7.first_step.key, sections=SECTIONS,
                            methodology=MethodologyRef(name="sama7", version=sama7.version)))
    assert push_plan(kam_workspace, PLAN, path).records == 4
    before = _revisions(kam_workspace)

    result = sync_pull(kam_workspace, "salesforce", path, registry=kam_registry)
    assert result.summary.total("unchanged") == 1  # the pushed plan, read back
    assert result.summary.total("created") == result.summary.total("updated") == 0
    assert _revisions(kam_workspace) == before
    pushed = [r["SystemModstamp"] for sobject in ("AccountPlan", "AccountPlanObjective",
                                                  "AccountPlanObjectiveMeasure")
              for r in org.records[sobject]]
    assert len(pushed) == 4 and result.watermark == max(pushed).replace("+0000", "Z")


def test_kam_sync_pull_cli(kam: Any, org: Any, connection: Any, monkeypatch: Any,
                           tmp_path: Path) -> None:
    path = connection()
    dry = kam("sync", "pull", "salesforce", "--connection", str(path), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "watermark would move to 2026-12-01T09:00:21.000Z (from none" in dry.stdout
    assert "dry run: nothing written" in dry.stdout

    monkeypatch.setenv("KAM_SALESFORCE_CONNECTION", str(path))
    done = kam("sync", "pull", "salesforce", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["source"], data["previous_watermark"], data["watermark"], data["created"]) \
        == ("salesforce", None, "2026-12-01T09:00:21.000Z", 18)
    again = kam("sync", "pull", "salesforce")
    assert "0 created, 0 updated" in again.stdout
    assert "watermark: 2026-12-01T09:00:21.000Z (unchanged)" in again.stdout
    shown = kam("settings", "list", "--json")
    assert json.loads(shown.stdout)[KEY] == "2026-12-01T09:00:21.000Z"

    # a key stakeholder's new title in Salesforce: the account's plan needs an ad-hoc refresh
    assert kam("plan", "new", f"sf-{ACME}", "-m", "sama7", "--period", "FY2027").returncode == 0
    assert kam("stakeholder", "set", f"sf-{CHRIS}", "--influence", "5").returncode == 0
    _find(org, "Contact", CHRIS).update(Title="Chief Executive Officer",
                                        SystemModstamp=org.stamp())
    moved = kam("sync", "pull", "salesforce")
    assert moved.returncode == 0, moved.stderr
    plan_id = f"sf-{ACME}-sama7-FY2027"
    assert f"1 plan(s) need an ad-hoc refresh, their account moved since their last review " \
           f"({plan_id}): see kam review due" in moved.stdout
    due = kam("review", "due", "--json")
    assert any(row["plan"] == plan_id and row["kind"] == "ad-hoc"
               for row in json.loads(due.stdout)), due.stdout

    wrong = kam("sync", "pull", "salesfroce", "--connection", str(path))
    assert wrong.returncode == 2 and "did you mean salesforce?" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    org.faults["Contact"] = "401"
    refused = kam("sync", "pull", "salesforce")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "INVALID_SESSION_ID" in refused.stderr
    help_text = kam("sync", "--help").stdout
    assert "pull" in help_text and "push" in help_text

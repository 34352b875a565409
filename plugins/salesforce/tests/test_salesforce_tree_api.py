"""salesforce-tree (references, nesting, Ids) and salesforce-api (a real local HTTPS server)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kamcore import InvalidInputError
from kamcore.importing import import_records
from kamcore.model import Account, Opportunity, Relationship, Stakeholder
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

PLAN = "Account-Contact-Opportunity-plan.json"


def _tree(ws: Workspace, registry: Registry, path: Path):  # type: ignore[no-untyped-def]
    return import_records(ws, registry.adapter("salesforce-tree").read(path))


# -- tree ---------------------------------------------------------------------------------------


def test_tree_references_are_resolved(kam_workspace: Workspace, kam_registry: Registry,
                                      samples: Path) -> None:
    summary = _tree(kam_workspace, kam_registry, samples / "tree" / PLAN)
    assert summary.total("created") == 18
    cio = kam_workspace.get(Stakeholder, "sf-ref-ContactRef2")
    assert cio.account_id == "sf-ref-AccountRef2"
    assert cio.external_ids == {"salesforce-tree": "ContactRef2"}
    assert kam_workspace.get(Relationship, "sf-ref-ContactRef2.reports_to").target_id == \
        "sf-ref-ContactRef1"
    assert kam_workspace.get(Account, "sf-ref-AccountRef2").parent_id == "sf-ref-AccountRef1"
    assert kam_workspace.get(Stakeholder, "sf-ref-ContactRef1@ref-AccountRef1").roles == {
        "executive_sponsor", "economic_buyer"}
    assert kam_workspace.get(Opportunity, "sf-ref-OpportunityRef1").contact_roles == {
        "sf-ref-ContactRef1": "economic_buyer", "sf-ref-ContactRef2": "technical_buyer",
        "sf-ref-ContactRef4": "evaluator"}
    # the folder holding the plan works as PATH too, and a re-import changes nothing
    again = _tree(kam_workspace, kam_registry, samples / "tree")
    assert again.total("unchanged") == 18


def test_tree_unknown_reference_is_located(kam_workspace: Workspace, kam_registry: Registry,
                                           samples: Path) -> None:
    path = samples / "tree" / "Contact.json"
    data = json.loads(path.read_text())
    data["records"][2]["AccountId"] = "@AccountRef9"
    path.write_text(json.dumps(data, indent=4))
    with pytest.raises(InvalidInputError) as refused:
        _tree(kam_workspace, kam_registry, samples / "tree" / PLAN)
    problem = refused.value.problems[0]
    assert problem.source == str(path) and problem.path == ("records", 2, "AccountId")
    assert problem.line is not None and "AccountRef9" in problem.message
    assert '"AccountId": "@AccountRef9"' in path.read_text().splitlines()[problem.line - 1]
    assert kam_workspace.count(Account) == 0


def test_nested_tree_file_with_ids_joins_the_csv_records(kam_workspace: Workspace,
                                                         kam_registry: Registry, samples: Path,
                                                         tmp_path: Path) -> None:
    import_records(kam_workspace, kam_registry.adapter("salesforce-csv").read(samples / "csv"))
    tree = {"records": [{
        "attributes": {"type": "Account", "referenceId": "AccountRef1"},
        "Id": "001Dn00000002Qa", "Name": "Acme Industrial", "Industry": "Manufacturing",
        "Contacts": {"records": [{
            "attributes": {"type": "Contact", "referenceId": "ContactRef1"},
            "Id": "003Dn00000005XzIAI", "LastName": "Shah", "FirstName": "Ravi",
            "Title": "Principal Engineer"}]},
    }]}
    path = tmp_path / "Account.json"
    path.write_text(json.dumps(tree), encoding="utf-8")
    summary = _tree(kam_workspace, kam_registry, path)
    assert summary.counts[("stakeholder", "updated")] == 1
    ravi = kam_workspace.get(Stakeholder, "sf-003Dn00000005XzIAI")
    assert (ravi.title, ravi.account_id) == ("Principal Engineer", "sf-001Dn00000002QaIAI")


# -- api ----------------------------------------------------------------------------------------


def _api(ws: Workspace, registry: Registry, path: Path):  # type: ignore[no-untyped-def]
    return import_records(ws, registry.adapter("salesforce-api").read(path))


def test_api_with_a_session_id_pages_through_results(kam_workspace: Workspace,
                                                     kam_registry: Registry, sf_server: Any,
                                                     connection: Callable[..., Path]) -> None:
    summary = _api(kam_workspace, kam_registry, connection(where={"Account": "Type = 'Customer'"}))
    assert summary.total("created") == 18
    assert any("/query/01gDn" in path for _, path in sf_server.requests)  # nextRecordsUrl
    assert sf_server.soql[0] == ("SELECT Id, Name, Industry, AnnualRevenue, ParentId, Type, "
                                 "Website, Owner.Name, SystemModstamp FROM Account "
                                 "WHERE Type = 'Customer' ORDER BY Id")
    # the API and the CSV export of the same org give the same records
    csv_ws = Workspace.open(kam_workspace.url.split(":///")[1] + ".csv.db", create=True)
    import_records(csv_ws, kam_registry.adapter("salesforce-csv").read(
        Path(str(_samples())) / "csv"))
    unstamped = {"created_at", "updated_at", "revision"}
    for cls in (Account, Stakeholder, Relationship, Opportunity):
        assert [r.model_dump(exclude=unstamped) for r in kam_workspace.iter(cls)] == [
            r.model_dump(exclude=unstamped) for r in csv_ws.iter(cls)], cls.kind
    csv_ws.close()


def _samples() -> Path:
    from importlib.resources import files

    return Path(str(files("kamcore_salesforce") / "samples"))


def test_api_with_a_password_login(kam_workspace: Workspace, kam_registry: Registry, sf_server: Any,
                                   connection: Callable[..., Path]) -> None:
    summary = _api(kam_workspace, kam_registry, connection(login=True))
    assert summary.total("created") == 18
    assert sf_server.requests[0] == ("POST", "/services/Soap/u/59.0")


def test_api_refusals(kam_workspace: Workspace, kam_registry: Registry, sf_server: Any,
                      connection: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KT_SF_PASSWORD", "wrong")
    with pytest.raises(InvalidInputError, match="login failed") as refused:
        _api(kam_workspace, kam_registry, connection(login=True))
    assert "INVALID_LOGIN" in str(refused.value)

    monkeypatch.setenv("KT_SF_SESSION", "expired")
    with pytest.raises(InvalidInputError, match="refused the Account query") as refused:
        _api(kam_workspace, kam_registry, connection())
    assert "INVALID_SESSION_ID" in str(refused.value)

    monkeypatch.delenv("KT_SF_SESSION")
    with pytest.raises(InvalidInputError, match="KT_SF_SESSION is not set"):
        _api(kam_workspace, kam_registry, connection())
    assert kam_workspace.count(Account) == 0


@pytest.mark.parametrize(("extra", "needle"), [
    ({"password": "hunter2"}, "secrets do not belong"),
    ({"session_id": "00D!x"}, "secrets do not belong"),
    ({"instance_url": "http://127.0.0.1:1"}, "should match pattern"),
    ({"objects": ["Lead"]}, "objects"),
    ({"colour": "blue"}, "colour"),
    ({"ca_bundle": "missing.pem"}, "ca_bundle not found"),
])
def test_connection_file_refusals(kam_workspace: Workspace, kam_registry: Registry,
                                  connection: Callable[..., Path], extra: dict[str, Any],
                                  needle: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        _api(kam_workspace, kam_registry, connection(**extra))
    assert needle in str(refused.value)


def test_org_without_account_contact_relations(kam_workspace: Workspace, kam_registry: Registry,
                                               sf_server: Any,
                                               connection: Callable[..., Path]) -> None:
    del sf_server.records["AccountContactRelation"]
    summary = _api(kam_workspace, kam_registry, connection())
    assert summary.total("created") == 17  # no second stakeholder for the CFO
    with pytest.raises(InvalidInputError, match="INVALID_TYPE"):
        _api(kam_workspace, kam_registry, connection(objects=["Account", "AccountContactRelation"]))

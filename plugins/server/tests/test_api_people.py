"""The stakeholder map and the pipeline over HTTP: stakeholders, relationships and
opportunities of an account, on the served demo workspace (a real SQLite file)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kamcore.model import Opportunity, Relationship, Stakeholder
from kamcore.store import Workspace

Headers = Callable[[str], dict[str, str]]
PEOPLE = "/api/v1/accounts/helios/stakeholders"
LINES = "/api/v1/accounts/helios/relationships"
DEALS = "/api/v1/accounts/helios/opportunities"


def _with(tag: str, headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "If-Match": tag}


def test_stakeholders_are_listed_in_pages_added_read_changed_and_removed(
        client: TestClient, as_: Headers, workspace_file: Path) -> None:
    first = client.get(f"{PEOPLE}?limit=3", headers=as_("ann")).json()
    rest = client.get(f"{PEOPLE}?after={first['next_after']}", headers=as_("ann")).json()
    ids = [p["id"] for p in first["items"] + rest["items"]]
    assert ids == ["helios.cdo", "helios.cfo", "helios.grid", "helios.retail"]
    assert first["next_after"] == "helios.grid" and rest["next_after"] is None

    added = client.post(PEOPLE, json={"name": "Ola Berg", "title": "CIO", "roles": ["coach"],
                                      "influence": 4, "reports_to": "helios.cdo"},
                        headers=as_("ann"))
    assert added.status_code == 201, added.text
    assert added.headers["etag"] == '"1"' and added.json()["id"] == "helios.ola-berg"
    assert added.json()["updated_by"] == "ann"
    line = client.get(f"{LINES}/helios.ola-berg.reports_to.cdo", headers=as_("ann"))
    assert line.status_code == 200 and line.json()["target_id"] == "helios.cdo"

    url = f"{PEOPLE}/helios.ola-berg"
    changed = client.patch(url, json={"support": 2, "title": None, "reports_to": None},
                           headers=_with('"1"', as_("ann")))
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] == '"2"'
    assert changed.json()["support"] == 2 and changed.json()["title"] is None
    assert client.get(f"{LINES}/helios.ola-berg.reports_to.cdo",
                      headers=as_("ann")).status_code == 404

    removed = client.delete(url, headers=_with('"2"', as_("ann")))
    assert removed.status_code == 200 and removed.json()["removed"]["id"] == "helios.ola-berg"
    assert client.get(url, headers=as_("ann")).status_code == 404
    with Workspace.open(workspace_file) as ws:
        assert ws.find(Stakeholder, "helios.ola-berg") is None
        assert [h.saved_by for h in ws.history(Stakeholder, "helios.ola-berg")] == ["ann"] * 3


def test_a_referred_to_stakeholder_is_removed_only_with_cascade(
        client: TestClient, as_: Headers, workspace_file: Path) -> None:
    url = f"{PEOPLE}/helios.cdo"
    tag = client.get(url, headers=as_("ann")).headers["etag"]
    refused = client.delete(url, headers=_with(tag, as_("ann")))
    assert refused.status_code == 422
    assert "helios.rel1" in refused.json()["detail"]
    with Workspace.open(workspace_file) as ws:
        assert ws.find(Stakeholder, "helios.cdo") is not None
    done = client.delete(f"{url}?cascade=true", headers=_with(tag, as_("ann")))
    assert done.status_code == 200, done.text
    assert set(done.json()["relationships"]) == {"helios.rel1", "helios.rel3"}
    with Workspace.open(workspace_file) as ws:
        assert ws.find(Stakeholder, "helios.cdo") is None
        assert ws.find(Relationship, "helios.rel1") is None


@pytest.mark.parametrize("url", [f"{PEOPLE}/helios.cfo", f"{DEALS}/helios.care"])
def test_a_stale_change_is_412_and_one_without_if_match_428_and_neither_writes(
        client: TestClient, as_: Headers, workspace_file: Path, url: str) -> None:
    tag = client.get(url, headers=as_("ann")).headers["etag"]
    first = client.patch(url, json={"name": "First"}, headers=_with(tag, as_("ann")))
    assert first.status_code == 200
    stale = client.patch(url, json={"name": "Second"}, headers=_with(tag, as_("ada")))
    assert stale.status_code == 412
    assert stale.json()["changed_by"] == "ann"
    assert stale.json()["current_revision"] == int(tag.strip('"')) + 1
    missing = client.patch(url, json={"name": "Third"}, headers=as_("ada"))
    assert missing.status_code == 428
    gone = client.delete(f"{url}?cascade=true", headers=_with(tag, as_("ada")))
    assert gone.status_code == 412
    assert client.get(url, headers=as_("ann")).json()["name"] == "First"
    with Workspace.open(workspace_file) as ws:  # the cascade was rolled back with it
        assert ws.find(Relationship, "helios.rel2") is not None


@pytest.mark.parametrize("url", [f"{PEOPLE}/helios.nobody", f"{LINES}/helios.nothing",
                                 f"{DEALS}/helios.nothing",
                                 # a record of another account, reached under this one
                                 f"{PEOPLE}/atlas.cio", f"{DEALS}/atlas.claims"])
def test_an_unknown_record_or_one_of_another_account_is_404(
        client: TestClient, as_: Headers, url: str) -> None:
    answer = client.get(url, headers=as_("ada"))
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert client.patch(url, json={"name": "X"},
                        headers=_with('"1"', as_("ada"))).status_code in (404, 405)


def test_a_member_of_another_team_neither_sees_nor_changes_the_accounts_records(
        client: TestClient, as_: Headers, workspace_file: Path) -> None:
    for url in (PEOPLE, LINES, DEALS, f"{PEOPLE}/helios.cfo", f"{DEALS}/helios.care"):
        assert client.get(url, headers=as_("mo")).status_code == 404, url
    assert client.post(PEOPLE, json={"name": "Intruder"}, headers=as_("mo")).status_code == 404
    assert client.patch(f"{PEOPLE}/helios.cfo", json={"support": -2},
                        headers=_with('"1"', as_("mo"))).status_code == 404
    assert client.delete(f"{DEALS}/helios.care",
                         headers=_with('"1"', as_("mo"))).status_code == 404
    # a viewer and a read token see, but may not change
    assert client.get(f"{PEOPLE}/helios.cfo", headers=as_("vic")).status_code == 200
    for who in ("vic", "ann_read"):
        assert client.post(PEOPLE, json={"name": "X"}, headers=as_(who)).status_code == 403
    with Workspace.open(workspace_file) as ws:
        assert ws.get(Stakeholder, "helios.cfo").support == 0
        assert ws.find(Opportunity, "helios.care") is not None
        assert ws.find(Stakeholder, "helios.intruder") is None


def test_bad_fields_are_422_with_their_paths(client: TestClient, as_: Headers) -> None:
    bad = client.post(PEOPLE, json={"name": "Zed", "influence": 9, "shoe_size": 44},
                      headers=as_("ann"))
    assert bad.status_code == 422
    paths = {e["path"] for e in bad.json()["errors"]}
    assert {"influence", "shoe_size"} <= paths
    tag = client.get(f"{DEALS}/helios.care", headers=as_("ann")).headers["etag"]
    contact = client.patch(f"{DEALS}/helios.care", json={"contact_roles": {"atlas.cfo": "x"}},
                           headers=_with(tag, as_("ann")))
    assert contact.status_code == 422
    assert contact.json()["errors"][0]["path"] == "contact_roles.atlas.cfo"
    fixed = client.patch(f"{DEALS}/helios.care", json={"account_id": "atlas"},
                         headers=_with(tag, as_("ann")))
    assert fixed.status_code == 422 and "account_id" in fixed.json()["detail"]


def test_relationships_are_added_changed_refused_when_they_close_a_cycle_and_removed(
        client: TestClient, as_: Headers) -> None:
    listed = client.get(LINES, headers=as_("ann")).json()
    assert [r["id"] for r in listed["items"]] == ["helios.rel1", "helios.rel2", "helios.rel3"]
    cycle = client.post(LINES, json={"source_id": "helios.cdo", "type": "reports_to",
                                     "target_id": "helios.grid"}, headers=as_("ann"))
    assert cycle.status_code == 422
    assert "helios.cdo -> helios.grid -> helios.cdo" in cycle.json()["detail"]
    added = client.post(LINES, json={"source_id": "helios.cfo", "type": "conflicts",
                                     "target_id": "helios.grid", "note": "budget"},
                        headers=as_("ann"))
    assert added.status_code == 201 and added.json()["id"] == "helios.cfo.conflicts.grid"
    url = f"{LINES}/helios.cfo.conflicts.grid"
    assert client.post(LINES, json={"source_id": "helios.cdo", "type": "informal",
                                    "target_id": "helios.grid"},
                       headers=as_("ann")).status_code == 201
    cycle_by_change = client.patch(f"{LINES}/helios.cdo.informal.grid",
                                   json={"type": "reports_to"}, headers=_with('"1"', as_("ann")))
    assert cycle_by_change.status_code == 422 and "cycle" in cycle_by_change.json()["detail"]
    ends = client.patch(url, json={"target_id": "helios.cdo"},
                        headers=_with(added.headers["etag"], as_("ann")))
    assert ends.status_code == 422 and ends.json()["errors"][0]["path"] == "target_id"
    changed = client.patch(url, json={"type": "influences", "note": None},
                           headers=_with(added.headers["etag"], as_("ann")))
    assert changed.status_code == 200 and changed.headers["etag"] == '"2"'
    assert (changed.json()["type"], changed.json()["note"]) == ("influences", None)
    assert client.patch(url, json={"note": "x"}, headers=as_("ann")).status_code == 428
    assert client.patch(url, json={"note": "x"},
                        headers=_with(added.headers["etag"], as_("ann"))).status_code == 412
    added = changed
    assert client.delete(url, headers=as_("ann")).status_code == 428
    assert client.delete(url, headers=_with('"7"', as_("ann"))).status_code == 412
    removed = client.delete(url, headers=_with(added.headers["etag"], as_("ann")))
    assert removed.status_code == 200 and removed.json()["type"] == "influences"
    assert client.get(url, headers=as_("ann")).status_code == 404


def test_opportunities_are_added_read_changed_and_removed(
        client: TestClient, as_: Headers, workspace_file: Path) -> None:
    added = client.post(DEALS, json={"name": "Smart meters", "amount": 1_200_000,
                                     "stage": "Prospecting",
                                     "contact_roles": {"helios.cfo": "economic_buyer"}},
                        headers=as_("ann"))
    assert added.status_code == 201, added.text
    url = f"{DEALS}/{added.json()['id']}"
    assert added.json()["id"] == "helios.smart-meters"
    page = client.get(f"{DEALS}?limit=1", headers=as_("ann")).json()
    assert [d["id"] for d in page["items"]] == ["helios.care"]
    changed = client.patch(url, json={"stage": "Proposal", "amount": None},
                           headers=_with(added.headers["etag"], as_("ann")))
    assert changed.status_code == 200 and changed.json()["stage"] == "Proposal"
    assert changed.json()["amount"] is None
    assert client.delete(url, headers=_with(changed.headers["etag"],
                                            as_("ann"))).status_code == 200
    with Workspace.open(workspace_file) as ws:
        assert ws.find(Opportunity, "helios.smart-meters") is None

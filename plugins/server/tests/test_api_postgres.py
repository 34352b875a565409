"""The JSON API serving a workspace on PostgreSQL (``$KAM_TEST_POSTGRES_URL``; skipped
without it): the same answers as on SQLite for writes, conflicts, pages and imports."""

from __future__ import annotations

from datetime import date, timedelta
from importlib.resources import files

from fastapi.testclient import TestClient

from kamcore.model import Account, Stakeholder
from kamcore.store import Workspace

Served = tuple[str, TestClient, dict[str, str]]
COMPANIES = "hubspot-crm-exports-all-companies-2026-01-15.csv"


def test_changes_conflicts_and_team_rules_hold_on_postgresql(pg_served: Served) -> None:
    target, client, secrets = pg_served
    ann = {"Authorization": f"Bearer {secrets['ann']}"}
    ada = {"Authorization": f"Bearer {secrets['ada']}"}
    url = "/api/v1/accounts/helios/stakeholders"
    added = client.post(url, json={"name": "Ola Berg", "reports_to": "helios.cdo"}, headers=ann)
    assert added.status_code == 201 and added.headers["etag"] == '"1"'
    person = f"{url}/helios.ola-berg"
    assert client.patch(person, json={"support": 1}, headers=ann).status_code == 428
    assert client.patch(person, json={"support": 1},
                        headers={**ann, "If-Match": '"1"'}).status_code == 200
    stale = client.patch(person, json={"support": -1}, headers={**ada, "If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["changed_by"] == "ann"
    mo = {"Authorization": f"Bearer {secrets['mo']}"}
    assert client.get(person, headers=mo).status_code == 404
    with Workspace.open(target) as ws:
        assert ws.get(Stakeholder, "helios.ola-berg").support == 1


def test_imports_pages_and_the_ranking_on_postgresql(pg_served: Served) -> None:
    target, client, secrets = pg_served
    ada = {"Authorization": f"Bearer {secrets['ada']}"}
    text = (files("kamcore_hubspot") / "samples" / COMPANIES).read_text(encoding="utf-8-sig")
    bad = text.replace("Research,12000000", "Research,lots")
    refused = client.post("/api/v1/imports/hubspot-csv", headers=ada,
                          files=[("files", (COMPANIES, bad.encode(), "text/csv"))])
    assert refused.status_code == 422 and f"{COMPANIES}:3" in refused.json()["detail"]
    with Workspace.open(target) as ws:
        assert ws.count(Account) == 5
    done = client.post("/api/v1/imports/hubspot-csv", headers=ada,
                       files=[("files", (COMPANIES, text.encode(), "text/csv"))])
    assert done.status_code == 200 and done.json()["created"] == 3
    ranking = client.get("/api/v1/rubrics/account-tiering/ranking?limit=2", headers=ada).json()
    assert [r["rank"] for r in ranking["items"]] == [1, 2] and ranking["next_after"]
    as_of = (date.today() + timedelta(days=400)).isoformat()
    due = client.get(f"/api/v1/reviews/due?as_of={as_of}&limit=2", headers=ada).json()
    assert due["next_after"] == "helios-sama7" and due["items"]

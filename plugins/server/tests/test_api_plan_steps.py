"""A plan's life over HTTP: advance through the gates, check, history, restore an earlier
point and diff any two points (revisions or reviews), on the served demo workspace."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kamcore.model import Plan
from kamcore.store import Workspace

Headers = Callable[[str], dict[str, str]]
PLAN = "/api/v1/plans/helios-sama7"


def _new_plan(client: TestClient, as_: Headers) -> str:
    made = client.post("/api/v1/plans", json={"account_id": "helios", "methodology": "sama7",
                                              "period": "FY2028"}, headers=as_("ann"))
    assert made.status_code == 201, made.text
    return f"/api/v1/plans/{made.json()['id']}"


def test_advance_is_refused_with_the_findings_while_a_gate_is_not_met(
        client: TestClient, as_: Headers, workspace_file: Path) -> None:
    url = _new_plan(client, as_)
    refused = client.post(f"{url}/advance", headers={**as_("ann"), "If-Match": '"1"'})
    assert refused.status_code == 409
    assert "gate-not-met" in {f["code"] for f in refused.json()["findings"]}
    checked = client.get(f"{url}/check", headers=as_("ann"))
    assert checked.status_code == 200 and checked.headers["etag"] == '"1"'
    assert "gate-not-met" in {f["code"] for f in checked.json()["findings"]}
    assert client.post(f"{url}/advance", headers=as_("ann")).status_code == 428
    assert client.post(f"{url}/advance",
                       headers={**as_("ann"), "If-Match": '"9"'}).status_code == 412
    assert client.post(f"{url}/advance",
                       headers={**as_("mo"), "If-Match": '"1"'}).status_code == 404
    with Workspace.open(workspace_file) as ws:
        assert ws.get(Plan, "helios-sama7-FY2028").revision == 1


def test_an_earlier_revision_is_restored_as_a_new_one_and_the_history_shows_it(
        client: TestClient, as_: Headers) -> None:
    history = client.get(f"{PLAN}/history", headers=as_("ann")).json()["revisions"]
    last = history[-1]["revision"]
    tag = f'"{last}"'
    assert client.post(f"{PLAN}/restore", json={"revision": "3"},
                       headers=as_("ann")).status_code == 428
    assert client.post(f"{PLAN}/restore", json={"revision": "3"},
                       headers={**as_("ann"), "If-Match": f'"{last - 1}"'}).status_code == 412
    restored = client.post(f"{PLAN}/restore", json={"revision": "3"},
                           headers={**as_("ann"), "If-Match": tag})
    assert restored.status_code == 200 and restored.headers["etag"] == f'"{last + 1}"'
    then = client.get(f"{PLAN}/diff?from=3&to={last + 1}", headers=as_("ann")).json()
    assert then["changes"] == []
    after = client.get(f"{PLAN}/history", headers=as_("ann")).json()["revisions"]
    assert after[-1] == {**after[-1], "revision": last + 1, "saved_by": "ann"}
    missing = client.post(f"{PLAN}/restore", json={"revision": "99"},
                          headers={**as_("ann"), "If-Match": f'"{last + 1}"'})
    assert missing.status_code in (404, 422)


def test_a_diff_runs_between_a_review_and_now(client: TestClient, as_: Headers) -> None:
    held = (date.today() - timedelta(days=1)).isoformat()
    assert client.post(f"{PLAN}/reviews", json={"kind": "internal", "date": held},
                       headers=as_("ann")).status_code == 201
    tag = client.get(PLAN, headers=as_("ann")).headers["etag"]
    objectives = {"objectives": [{"id": "o1", "title": "Grow uptime contracts"}]}
    assert client.put(f"{PLAN}/sections/joint_objectives", json=objectives,
                      headers={**as_("ann"), "If-Match": tag}).status_code == 200
    diff = client.get(f"{PLAN}/diff?from=review:last", headers=as_("ann"))
    assert diff.status_code == 200
    paths = {c["path"] for c in diff.json()["changes"]}
    assert paths and all(p.startswith("sections.joint_objectives.") for p in paths)
    assert diff.json()["from_point"]["review"] is not None


@pytest.mark.parametrize("path", ["check", "history", "diff", "reviews"])
def test_an_unknown_plan_is_404_and_another_teams_plan_too(
        client: TestClient, as_: Headers, path: str) -> None:
    assert client.get(f"/api/v1/plans/nope/{path}", headers=as_("ada")).status_code == 404
    assert client.get(f"{PLAN}/{path}", headers=as_("mo")).status_code == 404
    assert client.get(f"{PLAN}/{path}", headers=as_("ann")).status_code == 200

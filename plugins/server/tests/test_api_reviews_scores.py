"""Reviews and scores over HTTP on the served demo workspace: recording and listing a plan's
reviews, the reviews due across the portfolio, an account's score cards, scoring, the ranking
and the key-account programme cut."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from kamcore.model import Plan, Review, ScoreCard
from kamcore.store import Workspace

Headers = Callable[[str], dict[str, str]]
REVIEWS = "/api/v1/plans/helios-sama7/reviews"
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


def test_a_review_is_recorded_listed_and_diffed_against(
        client: TestClient, as_: Headers, workspace_file: Path) -> None:
    assert client.get(REVIEWS, headers=as_("ann")).json() == {"items": [], "next_after": None}
    recorded = client.post(REVIEWS, json={"kind": "customer", "date": YESTERDAY,
                                          "attendees": ["Ingrid Vos"],
                                          "decisions": ["pilot in Q2"]}, headers=as_("ann"))
    assert recorded.status_code == 201, recorded.text
    review = recorded.json()
    assert review["id"] == f"helios-sama7.customer.{YESTERDAY}"
    assert recorded.headers["etag"] == '"1"' and review["updated_by"] == "ann"
    with Workspace.open(workspace_file) as ws:
        assert review["plan_revision"] == ws.get(Plan, "helios-sama7").revision
        assert ws.get(Review, review["id"]).decisions == ["pilot in Q2"]
    again = client.post(REVIEWS, json={"kind": "customer", "date": YESTERDAY},
                        headers=as_("ann"))
    assert again.status_code == 422 and "already recorded" in again.json()["detail"]
    unknown_kind = client.post(REVIEWS, json={"kind": "weekly", "date": YESTERDAY},
                               headers=as_("ann"))
    assert unknown_kind.status_code == 422 and "internal" in unknown_kind.json()["detail"]

    listed = client.get(REVIEWS, headers=as_("vic")).json()
    assert [(r["number"], r["id"]) for r in listed["items"]] == [(1, review["id"])]
    diff = client.get("/api/v1/plans/helios-sama7/diff?from=review:1", headers=as_("ann"))
    assert diff.status_code == 200 and diff.json()["changes"] == []


def test_reviews_are_refused_to_other_teams_unknown_plans_and_future_dates(
        client: TestClient, as_: Headers, workspace_file: Path) -> None:
    body = {"kind": "customer", "date": YESTERDAY}
    assert client.post(REVIEWS, json=body, headers=as_("mo")).status_code == 404
    assert client.get(REVIEWS, headers=as_("mo")).status_code == 404
    assert client.post(REVIEWS, json=body, headers=as_("vic")).status_code == 403
    assert client.post("/api/v1/plans/nope/reviews", json=body,
                       headers=as_("ada")).status_code == 404
    future = client.post(REVIEWS, json={"kind": "customer", "date": "2999-01-01"},
                         headers=as_("ann"))
    assert future.status_code == 422 and future.json()["errors"][0]["path"] == "date"
    with Workspace.open(workspace_file) as ws:
        assert ws.count(Review) == 0


def test_reviews_due_come_a_page_of_plans_at_a_time_and_only_the_callers(
        client: TestClient, as_: Headers) -> None:
    as_of = (date.today() + timedelta(days=400)).isoformat()
    first = client.get(f"/api/v1/reviews/due?as_of={as_of}&limit=2", headers=as_("vic")).json()
    assert {row["plan"] for row in first["items"]} == {"atlas-meddic", "helios-sama7"}
    assert first["next_after"] == "helios-sama7"
    assert all(row["overdue"] for row in first["items"])
    rest = client.get(f"/api/v1/reviews/due?as_of={as_of}&after=helios-sama7",
                      headers=as_("vic")).json()
    assert {row["plan"] for row in rest["items"]} == {
        "kestrel-meddicc", "meridian-simple_plan", "northwind-medpicc"}
    assert rest["next_after"] is None
    kinds = {row["kind"] for row in first["items"] if row["plan"] == "helios-sama7"}
    assert kinds == {"internal", "customer", "annual"}
    mine = client.get(f"/api/v1/reviews/due?as_of={as_of}", headers=as_("ann")).json()
    assert {row["plan"] for row in mine["items"]} == {"helios-sama7"}
    today = client.get("/api/v1/reviews/due?overdue=true", headers=as_("ann")).json()
    assert all(row["overdue"] for row in today["items"])


def test_an_account_is_scored_and_its_latest_cards_read(
        client: TestClient, as_: Headers, workspace_file: Path) -> None:
    url = "/api/v1/accounts/helios/scores"
    scored = client.post(url, json={"rubric": "qbr-health", "inputs": {
        "relationship_depth": 5, "pipeline_coverage": 4, "plan_currency": "5"}},
        headers=as_("ann"))
    assert scored.status_code == 201, scored.text
    card = scored.json()
    assert card["band"] == "green" and scored.headers["etag"] == '"1"'
    latest = client.get(f"{url}/qbr-health", headers=as_("vic"))
    assert latest.status_code == 200 and latest.json()["id"] == card["id"]
    assert latest.headers["etag"] == '"1"'
    every = client.get(url, headers=as_("ann")).json()["items"]
    assert card["id"] in {c["id"] for c in every}
    off_scale = client.post(url, json={"rubric": "qbr-health", "inputs": {
        "relationship_depth": 9, "pipeline_coverage": 4, "plan_currency": 5}},
        headers=as_("ann"))
    assert off_scale.status_code == 422
    assert "relationship_depth" in off_scale.json()["detail"]
    with Workspace.open(workspace_file) as ws:
        assert sum(c.rubric.name == "qbr-health"
                   for c in ws.iter(ScoreCard, account_id="helios")) == 1
    assert client.post(url, json={"rubric": "nope"}, headers=as_("ann")).status_code == 404
    assert client.get(f"{url}/nope", headers=as_("ann")).status_code == 404
    assert client.get("/api/v1/accounts/nope/scores", headers=as_("ada")).status_code == 404
    assert client.get(url, headers=as_("mo")).status_code == 404
    assert client.post(url, json={"rubric": "qbr-health"}, headers=as_("mo")).status_code == 404


def test_the_ranking_comes_in_pages_and_a_member_sees_their_accounts_only(
        client: TestClient, as_: Headers) -> None:
    url = "/api/v1/rubrics/account-tiering/ranking"
    first = client.get(f"{url}?limit=2", headers=as_("vic")).json()
    assert [(r["rank"], r["account_id"]) for r in first["items"]] == [(1, "helios"),
                                                                       (2, "kestrel")]
    rest = client.get(f"{url}?after={first['next_after']}", headers=as_("vic")).json()
    assert [r["account_id"] for r in rest["items"]] == ["northwind", "meridian", "atlas"]
    assert rest["next_after"] is None
    totals = [r["total"] for r in first["items"] + rest["items"]]
    assert totals == sorted(totals, reverse=True)
    mine = client.get(url, headers=as_("mo")).json()["items"]
    assert [(r["rank"], r["account_id"]) for r in mine] == [(5, "atlas")]
    assert client.get(f"{url}?after=nowhere", headers=as_("vic")).status_code == 422
    assert client.get("/api/v1/rubrics/nope/ranking", headers=as_("vic")).status_code == 404


def test_the_segment_names_the_programme_and_its_scope_inflation(
        client: TestClient, as_: Headers) -> None:
    cut = client.get("/api/v1/rubrics/account-tiering/segment?share=0.4",
                     headers=as_("vic")).json()
    assert [r["account_id"] for r in cut["members"]] == ["helios", "kestrel"]
    assert {r["account_id"] for r in cut["scope_inflation"]} == {"northwind", "meridian",
                                                                 "atlas"}
    only_key = client.get("/api/v1/rubrics/account-tiering/segment?share=0.4"
                          "&programme_tier=key", headers=as_("mo")).json()
    assert only_key["members"] == []
    assert [r["account_id"] for r in only_key["scope_inflation"]] == ["atlas"]
    assert client.get("/api/v1/rubrics/account-tiering/segment?share=0",
                      headers=as_("vic")).status_code == 422

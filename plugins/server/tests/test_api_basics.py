"""The JSON API's contract on a served demo workspace: ETags and If-Match (no lost update),
problem details, pages, and what members, viewers and read tokens may do."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

Headers = Callable[[str], dict[str, str]]
OBJECTIVES = {"objectives": [{"id": "o1", "title": "Grow uptime contracts"}]}


def test_two_clients_saving_from_the_same_revision_one_wins_one_gets_412(
        client: TestClient, as_: Headers) -> None:
    read = client.get("/api/v1/plans/helios-sama7", headers=as_("ann"))
    assert read.status_code == 200
    tag = read.headers["etag"]
    url = "/api/v1/plans/helios-sama7/sections/joint_objectives"
    first = client.put(url, json=OBJECTIVES, headers={**as_("ann"), "If-Match": tag})
    second = client.put(url, json={"objectives": [{"id": "o9", "title": "Mine"}]},
                        headers={**as_("ada"), "If-Match": tag})
    assert first.status_code == 200 and first.headers["etag"] == f'"{int(tag.strip(chr(34))) + 1}"'
    assert second.status_code == 412
    problem = second.json()
    assert second.headers["content-type"] == "application/problem+json"
    assert problem["changed_by"] == "ann"
    assert problem["current_revision"] == first.json()["revision"]
    assert any(c["kind"] == "objective-changed" for c in problem["changes"])
    now = client.get("/api/v1/plans/helios-sama7", headers=as_("ann")).json()
    assert now["sections"]["joint_objectives"] == OBJECTIVES  # the first save stands, whole


def test_a_write_without_if_match_is_428_and_bad_input_is_422_with_field_paths(
        client: TestClient, as_: Headers) -> None:
    url = "/api/v1/plans/helios-sama7/sections/joint_objectives"
    missing = client.put(url, json=OBJECTIVES, headers=as_("ann"))
    assert missing.status_code == 428
    tag = client.get("/api/v1/plans/helios-sama7", headers=as_("ann")).headers["etag"]
    bad = client.put(url, json={"objectives": [{"idx": 1}]},
                     headers={**as_("ann"), "If-Match": tag})
    assert bad.status_code == 422
    paths = {e["path"] for e in bad.json()["errors"]}
    assert "sections.joint_objectives.objectives[0].idx" in paths
    assert bad.json()["request_id"] == bad.headers["x-request-id"]


def test_members_see_only_their_teams_and_viewers_and_read_tokens_cannot_write(
        client: TestClient, as_: Headers) -> None:
    listed = client.get("/api/v1/accounts", headers=as_("ann")).json()
    assert [a["id"] for a in listed["items"]] == ["helios"]
    assert client.get("/api/v1/accounts/atlas", headers=as_("ann")).status_code == 404
    assert client.get("/api/v1/accounts/atlas", headers=as_("vic")).status_code == 200
    change = {"industry": "Energy"}
    tag = client.get("/api/v1/accounts/helios", headers=as_("vic")).headers["etag"]
    for who in ("vic", "ann_read"):
        refused = client.patch("/api/v1/accounts/helios", json=change,
                               headers={**as_(who), "If-Match": tag})
        assert refused.status_code == 403, who
    done = client.patch("/api/v1/accounts/helios", json=change,
                        headers={**as_("ann"), "If-Match": tag})
    assert done.status_code == 200 and done.json()["industry"] == "Energy"
    assert done.json()["updated_by"] == "ann"


def test_lists_come_in_pages(client: TestClient, as_: Headers) -> None:
    first = client.get("/api/v1/accounts?limit=2", headers=as_("vic")).json()
    assert len(first["items"]) == 2 and first["next_after"] == first["items"][-1]["id"]
    rest = client.get(f"/api/v1/accounts?limit=200&after={first['next_after']}",
                      headers=as_("vic")).json()
    ids = [a["id"] for a in first["items"] + rest["items"]]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) == 5 and rest["next_after"] is None
    assert client.get("/api/v1/accounts?limit=1000", headers=as_("vic")).status_code == 422


def test_sign_in_with_a_password_a_session_writes_only_with_its_csrf_token(
        client: TestClient) -> None:
    wrong = client.post("/api/v1/session", json={"name": "ann", "password": "nope"})
    assert wrong.status_code == 401
    signed = client.post("/api/v1/session", json={"name": "ann", "password": "password-ann"})
    assert signed.status_code == 200
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    csrf = signed.json()["csrf_token"]
    tag = client.get("/api/v1/accounts/helios").headers["etag"]
    without = client.patch("/api/v1/accounts/helios", json={"industry": "X"},
                           headers={"If-Match": tag})
    assert without.status_code == 403
    with_token = client.patch("/api/v1/accounts/helios", json={"industry": "X"},
                              headers={"If-Match": tag, "X-CSRF-Token": csrf})
    assert with_token.status_code == 200


def test_sign_in_attempts_are_limited(client: TestClient) -> None:
    for _ in range(5):
        assert client.post("/api/v1/session",
                           json={"name": "vic", "password": "guess"}).status_code == 401
    blocked = client.post("/api/v1/session", json={"name": "vic", "password": "password-vic"})
    assert blocked.status_code == 429


def test_unknown_expired_and_revoked_tokens_are_refused(client: TestClient, as_: Headers) -> None:
    for who in ("expired", "revoked"):
        assert client.get("/api/v1/accounts", headers=as_(who)).status_code == 401, who
    assert client.get("/api/v1/accounts",
                      headers={"Authorization": "Bearer kam_nope"}).status_code == 401
    assert client.get("/api/v1/accounts").status_code == 401

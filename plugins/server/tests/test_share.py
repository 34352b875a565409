"""The customer's share link: only the customer-facing parts (JSON and HTML), approvals and
change requests recorded in the plan's history, the gate satisfied, and nothing for a revoked
or forged link."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

Headers = Callable[[str], dict[str, str]]
PLAN = "/api/v1/plans/helios-sama7"

#: what the demo plan holds in its internal sections (account team, value research, risks...)
INTERNAL = ("account_team", "value_research", "customer_business", "governance", "improvement",
            "stakeholder", "score", "risk")


def _unsign_all(client: TestClient, as_: Headers) -> None:
    """Take every sign-off off the plan's joint objectives (as the KAM, through the API)."""
    plan = client.get(PLAN, headers=as_("ann"))
    objectives = [{k: v for k, v in o.items() if k != "customer_signoff"}
                  for o in plan.json()["sections"]["joint_objectives"]["objectives"]]
    saved = client.put(f"{PLAN}/sections/joint_objectives", json={"objectives": objectives},
                       headers={**as_("ann"), "If-Match": plan.headers["etag"]})
    assert saved.status_code == 200


def test_the_customer_sees_only_customer_facing_parts(
        client: TestClient, people: dict[str, str], as_: Headers) -> None:
    internal_texts = _internal_texts(client, as_)
    shared = client.get(f"/api/v1/share/{people['share']}")
    assert shared.status_code == 200 and shared.headers["etag"]
    body = shared.json()
    assert body["recipient"] == "Chris Finance"
    assert [s["key"] for s in body["sections"]] == ["joint_objectives", "value_plan",
                                                     "executive_summary"]
    page = client.get(f"/share/{people['share']}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Launch uptime-based service contracts" in page.text
    for text in (shared.text, page.text):
        for key in INTERNAL:
            assert f'"{key}' not in text
        for secret in internal_texts:
            assert secret not in text, secret


def _internal_texts(client: TestClient, as_: Headers) -> list[str]:
    """Long strings of the plan's internal sections, which must never reach the customer."""
    sections = client.get(PLAN, headers=as_("ann")).json()["sections"]
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str) and len(value) > 25:
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for key in ("account_team", "value_research", "customer_business", "governance"):
        walk(sections.get(key))
    assert found  # the demo plan has internal content to leak
    return found


def test_an_approval_satisfies_the_gate_and_shows_in_history(
        client: TestClient, people: dict[str, str], as_: Headers) -> None:
    _unsign_all(client, as_)
    share = f"/api/v1/share/{people['share']}"
    view = client.get(share)
    tag = view.headers["etag"]
    ids = [o["id"] for o in view.json()["objectives"]]
    assert client.post(f"{share}/objectives/{ids[0]}/approve").status_code == 428
    asked = client.post(f"{share}/objectives/{ids[0]}/changes", json={"comment": "Say 30%"},
                        headers={"If-Match": tag})
    assert asked.status_code == 200
    stale = client.post(f"{share}/objectives/{ids[0]}/approve", headers={"If-Match": tag})
    assert stale.status_code == 412
    for objective in ids:
        tag = client.get(share).headers["etag"]
        done = client.post(f"{share}/objectives/{objective}/approve", json={"title": "CFO"},
                           headers={"If-Match": tag})
        assert done.status_code == 200
    signed = client.get(PLAN, headers=as_("ann")).json()
    for objective in signed["sections"]["joint_objectives"]["objectives"]:
        assert objective["customer_signoff"]["name"] == "Chris Finance"
    findings = client.get(f"{PLAN}/check", headers=as_("ann")).json()["findings"]
    assert not [f for f in findings if "sign-off" in f["message"] and f["severity"] == "error"]
    history = client.get(f"{PLAN}/history", headers=as_("ann")).json()["revisions"]
    assert history[-1]["saved_by"].startswith("Chris Finance (customer, share link ")
    diff = client.get(f"{PLAN}/diff", params={"from": str(history[-3]["revision"])},
                      headers=as_("ann")).json()
    assert any(c["kind"] == "objective-signed" for c in diff["summary"]), diff["summary"]


def test_the_share_page_records_an_answer_and_escapes_what_it_shows(
        client: TestClient, people: dict[str, str], as_: Headers) -> None:
    plan = client.get(PLAN, headers=as_("ann"))
    hostile = {"objectives": [{"id": "o1", "title": "<script>alert(1)</script> uptime"}]}
    client.put(f"{PLAN}/sections/joint_objectives", json=hostile,
               headers={**as_("ann"), "If-Match": plan.headers["etag"]})
    page = client.get(f"/share/{people['share']}")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script" not in page.text  # no script at all: the CSP forbids inline script
    revision = re.search(r'name="revision" value="(\d+)"', page.text)
    assert revision is not None
    answered = client.post(f"/share/{people['share']}/objectives/o1",
                           data={"revision": revision.group(1), "answer": "approve"},
                           follow_redirects=False)
    assert answered.status_code == 303 and answered.headers["location"].endswith("notice=approved")
    again = client.post(f"/share/{people['share']}/objectives/o1",
                        data={"revision": revision.group(1), "answer": "approve"},
                        follow_redirects=False)
    assert again.headers["location"].endswith("notice=stale")
    assert "Approved by Chris Finance" in client.get(f"/share/{people['share']}").text


def test_revoked_and_forged_links_are_refused(client: TestClient,
                                              people: dict[str, str]) -> None:
    for token in (people["share_revoked"], people["share"][:-4] + "0000", "nonsense"):
        assert client.get(f"/api/v1/share/{token}").status_code == 401
        assert client.get(f"/share/{token}").status_code == 401


def test_the_kam_creates_and_revokes_links_through_the_api(client: TestClient,
                                                          as_: Headers) -> None:
    made = client.post(f"{PLAN}/shares", json={"to": "Dana CTO", "expires_days": 7},
                       headers=as_("ann"))
    assert made.status_code == 201
    link = made.json()
    assert link["url"].endswith(f"/share/{link['token']}")
    assert client.get(f"/api/v1/share/{link['token']}").status_code == 200
    assert client.post(f"{PLAN}/shares", json={"to": "x"}, headers=as_("mo")).status_code == 404
    listed = client.get(f"{PLAN}/shares", headers=as_("vic")).json()["links"]
    assert link["id"] in [entry["id"] for entry in listed]
    assert "token" not in str(listed)
    assert client.delete(f"{PLAN}/shares/{link['id']}", headers=as_("ann")).status_code == 200
    assert client.get(f"/api/v1/share/{link['token']}").status_code == 401

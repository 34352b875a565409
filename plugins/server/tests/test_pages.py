"""The web workspace pages, through the real application on a copy of the demo workspace:
signing in and out, the portfolio dashboard, and what each kind of user sees there."""

from __future__ import annotations

import hashlib
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient


def password(name: str) -> str:
    """A test user's password (as conftest.py makes them)."""
    return f"password-{name}"


def sign_in(client: TestClient, name: str, next_: str = "/") -> str:
    """Sign ``name`` in through the form; return the page's CSRF token."""
    response = client.post("/signin", data={"name": name, "password": password(name),
                                            "next": next_}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == next_
    page = client.get("/")
    found = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)">', page.text)
    assert found, page.text[:500]
    return found.group(1)


def test_a_page_without_a_session_sends_the_browser_to_sign_in(client: TestClient) -> None:
    response = client.get("/?sort=-score", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/%3Fsort%3D-score"
    form = client.get(response.headers["location"])
    assert form.status_code == 200
    assert 'name="next" value="/?sort=-score"' in form.text


def test_a_wrong_password_shows_the_form_again_with_the_reason(client: TestClient) -> None:
    response = client.post("/signin", data={"name": "ann", "password": "nope"},
                           follow_redirects=False)
    assert response.status_code == 401
    assert "wrong user name or password" in response.text
    assert 'value="ann"' in response.text
    assert "kam_session" not in response.headers.get("set-cookie", "")


def test_an_empty_form_is_no_sign_in_attempt(client: TestClient) -> None:
    response = client.post("/signin", data={"name": "ann", "password": ""},
                           follow_redirects=False)
    assert response.status_code == 422
    assert "Give your name and your password." in response.text
    assert 'value="ann"' in response.text


def test_sign_in_never_sends_the_browser_to_another_site(client: TestClient) -> None:
    response = client.post("/signin", data={"name": "ann", "password": password("ann"),
                                            "next": "//evil.example/x"},
                           follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_sign_out_needs_the_csrf_token_and_ends_the_session(client: TestClient) -> None:
    token = sign_in(client, "ann")
    assert client.post("/signout", follow_redirects=False).status_code == 403
    response = client.post("/signout", headers={"X-CSRF-Token": token, "HX-Request": "true"},
                           follow_redirects=False)
    assert response.headers["hx-redirect"] == "/signin"
    client.cookies.clear()
    assert client.get("/", follow_redirects=False).status_code == 303


def _account_ids(html: str) -> list[str]:
    return re.findall(r'<a href="/accounts/([^"]+)">', html)


def test_the_dashboard_shows_a_member_only_their_teams_accounts(client: TestClient) -> None:
    sign_in(client, "ann")
    page = client.get("/")
    assert page.status_code == 200
    assert _account_ids(page.text) == ["helios"]
    assert "helios-sama7" in page.text
    assert "Content-Security-Policy" in page.headers


def test_the_dashboard_rows_carry_plan_step_findings_review_and_score(
        client: TestClient) -> None:
    sign_in(client, "ada")
    page = client.get("/")
    row = page.text[page.text.index('href="/accounts/helios"'):]
    row = row[:row.index("</tr>")]
    assert 'href="/plans/helios-sama7"' in row
    assert re.search(r"\d+ errors?", row) and re.search(r"\d+ warnings?", row)
    assert re.search(r"due \d{4}-\d\d-\d\d", row)
    assert "account-tiering" in row


def test_the_dashboard_sorts_and_filters_by_query_string(client: TestClient) -> None:
    sign_in(client, "ada")
    by_name = _account_ids(client.get("/?sort=name").text)
    reverse = _account_ids(client.get("/?sort=-name").text)
    assert len(by_name) >= 3
    assert reverse == list(reversed(by_name))
    scores = client.get("/?sort=-score").text
    totals = [float(x) for x in re.findall(r"<td>(\d+\.\d)", scores)]
    assert totals == sorted(totals, reverse=True) and len(totals) >= 3
    assert _account_ids(client.get("/?q=HELIOS").text) == ["helios"]
    tiers = re.findall(r'<option value="([^"]+)"', client.get("/").text)
    assert tiers
    only = client.get("/", params={"tier": tiers[0]}).text
    assert only.count("<tr>") - 1 == len(_account_ids(only)) >= 1


def test_a_bad_query_string_is_an_html_page_naming_the_field(client: TestClient) -> None:
    sign_in(client, "ada")
    response = client.get("/?page=zero")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "page" in response.text and "Traceback" not in response.text


def test_values_are_escaped(client: TestClient) -> None:
    sign_in(client, "ada")
    response = client.get("/", params={"q": '<script>alert(1)</script>'})
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


@pytest.mark.parametrize("name", ["htmx.min.js", "htmx.LICENSE", "cytoscape.min.js",
                                  "cytoscape.LICENSE"])
def test_the_vendored_scripts_match_their_checksums(name: str) -> None:
    static = files("kamcore_server") / "static"
    sums = dict(reversed(line.split()) for line in
                (static / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    assert hashlib.sha256((static / name).read_bytes()).hexdigest() == sums[name]


def test_the_dashboard_is_cut_into_pages_that_keep_the_order() -> None:
    from kamcore_server.pages.portfolio import PAGE_SIZE, Row, select

    rows = [Row(f"a{n:03}", f"Account {n:03}", "key" if n % 2 else "growth",
                score=None if n % 10 == 0 else float(n % 7)) for n in range(60)]
    first = select(rows, sort="-score", page=1)
    assert (first.total, first.pages, len(first.rows)) == (60, 3, PAGE_SIZE)
    pages = [r for n in (1, 2, 3) for r in select(rows, sort="-score", page=n).rows]
    assert len({r.account_id for r in pages}) == 60
    scored = [r.score for r in pages if r.score is not None]
    assert scored == sorted(scored, reverse=True)
    assert all(r.score is None for r in pages[len(scored):])  # unscored last
    assert select(rows, page=99).page == 3
    assert select(rows, sort="nonsense").sort == "name"
    assert {r.tier for r in select(rows, tier="key").rows} == {"key"}


def test_the_dashboard_counts_findings_from_kept_results_checked_again_only_on_change(
        client: TestClient, workspace_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kamcore.planning
    from kamcore import operations
    from kamcore.model import Account
    from kamcore.operations import Actor
    from kamcore.store import Workspace

    checked: list[str] = []
    real = kamcore.planning.check_plan

    def counting(plan: Any, *args: Any, **kwargs: Any) -> Any:
        checked.append(plan.account_id)
        return real(plan, *args, **kwargs)

    monkeypatch.setattr(kamcore.planning, "check_plan", counting)
    sign_in(client, "ada")
    first = client.get("/?sort=name").text
    # the first view checks the plans unless an earlier view of this workspace kept them
    rows = re.findall(r'href="/plans/([^"]+)">.*?(\d+) errors?</span> <span class="badge[^"]*">'
                      r'(\d+) warnings?', first, re.S)
    assert rows
    with Workspace.open(workspace_file) as ws:
        for plan_id, errors, warnings in rows:
            severities = [f.severity for f in operations.check(ws, plan_id)[1]]
            assert (int(errors), int(warnings)) == (severities.count("error"),
                                                    severities.count("warning")), plan_id
    checked.clear()
    assert client.get("/?sort=name").text == first
    assert checked == []  # nothing changed: the kept findings are read
    with Workspace.open(workspace_file) as ws:
        operations.edit_account(ws, Actor("ada"), "helios", {"industry": "Aerospace"})
        assert ws.get(Account, "helios").industry == "Aerospace"
    client.get("/")
    assert set(checked) == {"helios"}

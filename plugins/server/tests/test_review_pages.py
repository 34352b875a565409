"""Review pages: recording a review from the plan page (a QBR with its health scores, each
problem at its field), the reviews listed with links to what changed, the diff page between two
reviews or a review and now, the review pack links, and the reviews due across the portfolio."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from markupsafe import escape

from kamcore import operations
from kamcore.model import Plan, Stakeholder
from kamcore.store import Workspace

PLAN = "helios-sama7"


def _sign_in(client: TestClient, name: str = "ann") -> dict[str, str]:
    client.post("/signin", data={"name": name, "password": f"password-{name}"})
    token = re.search(r'name="csrf-token" content="([0-9a-f]+)"', client.get("/").text)
    assert token
    return {"X-CSRF-Token": token.group(1), "HX-Request": "true"}


def _free_day(path: Path, kind: str) -> str:
    """The latest day up to today without a ``kind`` review of the plan (the demo has some)."""
    taken = set(_reviews(path))
    day = date.today()
    while f"{PLAN}.{kind}.{day.isoformat()}" in taken:
        day -= timedelta(days=1)
    return day.isoformat()


def _reviews(path: Path) -> list[str]:
    with Workspace.open(path) as ws:
        return [r.id for r in operations.list_reviews(ws, PLAN)]


def test_a_qbr_without_scores_is_refused_at_each_score_field_and_keeps_what_was_typed(
        client: TestClient, workspace_file: Path) -> None:
    headers = _sign_in(client)
    before = _reviews(workspace_file)
    answer = client.post(f"/plans/{PLAN}/reviews", headers=headers, data={
        "kind": "customer", "date": _free_day(workspace_file, "customer"),
        "attendees": "Ann\nChris",
        "decisions": "Pilot in two plants", "notes": "went well"})
    assert answer.status_code == 200
    assert re.search(r'<span class="error" id="error-score-relationship_depth">needs a value',
                     answer.text)
    assert "Pilot in two plants</textarea>" in answer.text
    assert "<details class=\"add\" open>" in answer.text
    again = client.post(f"/plans/{PLAN}/reviews", headers=headers, data={
        "kind": "customer", "date": date.today().isoformat(), "score.relationship_depth": "4",
        "score.pipeline_coverage": "3", "score.plan_currency": "5"})
    if f"{PLAN}.customer.{date.today().isoformat()}" in before:
        assert re.search(r'role="alert">a customer review of .* is already recorded', again.text)
    assert _reviews(workspace_file) == before


def test_a_date_that_is_not_one_or_in_the_future_is_refused_at_the_date(
        client: TestClient, workspace_file: Path) -> None:
    headers = _sign_in(client)
    before = _reviews(workspace_file)
    bad = client.post(f"/plans/{PLAN}/reviews", headers=headers,
                      data={"kind": "internal", "date": "31/12/2026"})
    assert re.search(r'id="error-review-date">not a date \(YYYY-MM-DD\)', bad.text)
    later = (date.today() + timedelta(days=3)).isoformat()
    future = client.post(f"/plans/{PLAN}/reviews", headers=headers,
                         data={"kind": "internal", "date": later})
    assert 'id="error-review-date">in the future' in future.text
    assert f'value="{later}"' in future.text
    assert _reviews(workspace_file) == before


def test_a_scored_qbr_is_recorded_listed_and_linked_to_what_changed(
        client: TestClient, workspace_file: Path) -> None:
    headers = _sign_in(client)
    before = _reviews(workspace_file)
    today = _free_day(workspace_file, "customer")
    answer = client.post(f"/plans/{PLAN}/reviews", headers=headers, data={
        "kind": "customer", "date": today, "attendees": "Ann", "decisions": "", "notes": "",
        "score.relationship_depth": "4", "score.pipeline_coverage": "3",
        "score.plan_currency": "5"})
    assert f"Recorded the customer review of {today}." in answer.text
    after = _reviews(workspace_file)
    assert sorted(after) == sorted([*before, f"{PLAN}.customer.{today}"])
    number = after.index(f"{PLAN}.customer.{today}") + 1
    assert number > 1
    assert f"/plans/{PLAN}/diff?from=review:{number}&amp;to=now" in answer.text
    assert f"/plans/{PLAN}/diff?from=review:{number - 1}&amp;to=review:{number}" in answer.text
    with Workspace.open(workspace_file) as ws:
        card = next(c for c in operations.list_reviews(ws, PLAN)[number - 1].score_cards
                    if c.rubric.name == "qbr-health")
    assert f"{card.total:.1f}" in answer.text
    page = client.get(f"/plans/{PLAN}").text
    assert 'id="reviews"' in page and f"{PLAN}.customer" not in page.split('id="reviews"')[0]
    assert f'/api/v1/plans/{PLAN}/exports/html?review_pack=true' in page
    pack = client.get(f"/api/v1/plans/{PLAN}/exports/html?review_pack=true")
    assert pack.status_code == 200 and "attachment" in pack.headers["content-disposition"]


def test_the_diff_page_names_the_changes_between_two_reviews_in_words(
        client: TestClient, workspace_file: Path) -> None:
    _sign_in(client)
    with Workspace.open(workspace_file) as ws:
        from kamcore.changes import compare
        from kamcore.plugin.registry import get_registry

        plan = ws.get(Plan, PLAN)
        expected = compare(ws, PLAN, "review:1", None,
                           get_registry().methodology(plan.methodology.name)).changes
    assert expected  # the demo plan moved on since its first review
    page = client.get(f"/plans/{PLAN}/diff", params={"from": "review:1", "to": "now"})
    assert page.status_code == 200
    for change in expected:
        assert str(escape(change.text)) in page.text
    assert '<option value="review:1" selected>' in page.text
    wrong = client.get(f"/plans/{PLAN}/diff", params={"from": "review:99"})
    assert wrong.status_code == 422
    assert "names none" in wrong.text


def test_reviews_due_lists_only_the_plans_a_member_may_see_overdue_first(
        client: TestClient, workspace_file: Path) -> None:
    _sign_in(client, "ann")
    page = client.get("/reviews")
    assert page.status_code == 200
    plans = set(re.findall(r'<a href="/plans/([^"#]+)#reviews">', page.text))
    assert plans and all(plan.startswith("helios") for plan in plans)
    with Workspace.open(workspace_file) as ws:
        due = operations.reviews_due(ws, date.today(), plan_ids=sorted(plans))
    rows = re.findall(r"<tr( class=\"overdue\")?>\s*<td>", page.text)
    assert [bool(r) for r in rows] == [d.overdue for _, d in due]
    _sign_in(client, "ada")
    everyone = client.get("/reviews").text
    assert len(re.findall(r"#reviews\">", everyone)) > len(re.findall(r"#reviews\">", page.text))


def test_the_plan_page_offers_a_download_in_every_installed_format(client: TestClient) -> None:
    from kamcore.plugin.registry import get_registry

    _sign_in(client)
    page = client.get(f"/plans/{PLAN}").text
    menu = page[page.index('<details class="menu downloads">'):]
    menu = menu[:menu.index("</details>")]
    names = sorted(get_registry().exporters)
    assert re.findall(r'/exports/([^"]+)" download>', menu) == names
    html = client.get(f"/api/v1/plans/{PLAN}/exports/html")
    assert html.status_code == 200 and html.text.lstrip().startswith("<!")


def test_reviews_due_shows_an_ad_hoc_refresh_until_the_plan_is_reviewed(
        client: TestClient, workspace_file: Path) -> None:
    _sign_in(client)
    assert 'class="adhoc"' not in client.get("/reviews").text
    with Workspace.open(workspace_file) as ws:
        person = next(s for s in ws.iter(Stakeholder, account_id="helios") if s.roles)
        operations.edit_stakeholder(ws, operations.Actor("sync:salesforce"), person.id,
                                    {"title": "VP <Grid> & Ops"})
        [(plan, refresh)] = [(p, d) for p, d in operations.reviews_due(ws, date.today())
                             if d.kind == "ad-hoc"]
    page = client.get("/reviews").text
    row = page[page.index('<tr class="adhoc">'):]
    row = row[:row.index("</tr>")]
    assert f'<a href="/plans/{plan.id}#reviews">' in row
    [movement] = refresh.movements
    assert str(escape(movement.finding.message)) in row
    assert "VP &lt;Grid&gt; &amp; Ops" in row and "<Grid>" not in page
    assert "by sync:salesforce" in row
    with Workspace.open(workspace_file) as ws:
        taken = {r.date for r in operations.list_reviews(ws, plan.id)
                 if r.review_kind == "internal"}
        held_on = next(date.today() - timedelta(days=n) for n in range(400)
                       if date.today() - timedelta(days=n) not in taken)
        operations.record_review(ws, operations.Actor("ann"), plan.id, "internal", held_on)
    assert 'class="adhoc"' not in client.get("/reviews").text

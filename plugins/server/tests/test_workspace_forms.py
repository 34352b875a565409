"""What a new user adds from the pages, with no CLI: an account (dashboard), a placeholder
person, an opportunity and a plan (account page), a share link for the customer (plan page);
each refused form comes back with the problem at its field, what was typed kept, nothing
written. And the findings that keep a plan from advancing link to the section at fault."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from kamcore.model import Account, Opportunity, Plan, Stakeholder
from kamcore.store import Workspace

Headers = Callable[[str], dict[str, str]]


def _count(path: Path, kind: type, **where: str) -> int:
    with Workspace.open(path) as ws:
        return sum(1 for _ in ws.iter(kind, **where))


def test_a_member_adds_an_account_from_the_dashboard_and_joins_its_team(
        client: TestClient, htmx_as: Headers, workspace_file: Path) -> None:
    headers = htmx_as("ann")
    assert 'hx-post="/accounts"' in client.get("/").text
    response = client.post("/accounts", headers=headers,
                           data={"name": "Nordlicht Energie", "tier": "strategic"})
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/accounts/nordlicht-energie"
    with Workspace.open(workspace_file) as ws:
        assert ws.get(Account, "nordlicht-energie").tier == "strategic"
    page = client.get("/accounts/nordlicht-energie")
    assert page.status_code == 200  # ann may see it: she joined its team
    assert "Start the plan" in page.text


def test_a_refused_account_form_says_why_at_its_field_and_writes_nothing(
        client: TestClient, htmx_as: Headers, workspace_file: Path) -> None:
    headers = htmx_as("ada")
    before = _count(workspace_file, Account)
    blank = client.post("/accounts", headers=headers, data={"name": " ", "tier": "gold"})
    assert 'id="error-account-name">a name is required<' in blank.text
    assert 'value="gold"' in blank.text
    taken = client.post("/accounts", headers=headers, data={"name": "Helios"})
    assert 'role="alert"' in taken.text and "helios" in taken.text
    assert _count(workspace_file, Account) == before


def test_a_viewer_gets_no_forms_and_may_not_add(client: TestClient, htmx_as: Headers) -> None:
    headers = htmx_as("vic")
    assert 'hx-post="/accounts"' not in client.get("/").text
    assert client.post("/accounts", headers=headers, data={"name": "X"}).status_code == 403
    page = client.get("/accounts/helios").text
    assert "Start the plan" not in page and "Add opportunity" not in page


def test_a_placeholder_person_is_added_from_the_form(
        client: TestClient, htmx_as: Headers, workspace_file: Path) -> None:
    headers = htmx_as("ann")
    response = client.post("/accounts/helios/people", headers=headers, data={
        "name": "Head of Service (unknown)", "roles": "economic_buyer", "placeholder": "on"})
    assert response.status_code == 200
    assert "<span class=\"badge\">placeholder</span>" in response.text
    with Workspace.open(workspace_file) as ws:
        added = [s for s in ws.iter(Stakeholder, account_id="helios")
                 if s.name == "Head of Service (unknown)"]
    assert len(added) == 1 and added[0].placeholder


def test_an_opportunity_is_added_and_a_bad_amount_is_shown_at_its_field(
        client: TestClient, htmx_as: Headers, workspace_file: Path) -> None:
    headers = htmx_as("ann")
    before = _count(workspace_file, Opportunity, account_id="helios")
    bad = client.post("/accounts/helios/opportunities", headers=headers, data={
        "name": "Uptime contracts", "amount": "-5", "close_date": "2027-03-31"})
    assert 'id="error-opportunity-amount"' in bad.text
    assert 'value="Uptime contracts"' in bad.text
    assert _count(workspace_file, Opportunity, account_id="helios") == before
    good = client.post("/accounts/helios/opportunities", headers=headers, data={
        "name": "Uptime contracts", "amount": "250000", "currency": "EUR", "stage": "proposal",
        "close_date": "2027-03-31", "probability": "40"})
    assert good.headers["hx-retarget"] == "#opportunities"
    assert '<section class="block" id="opportunities">' in good.text
    assert "Uptime contracts" in good.text
    with Workspace.open(workspace_file) as ws:
        deal = next(o for o in ws.iter(Opportunity, account_id="helios")
                    if o.name == "Uptime contracts")
    assert deal.amount == 250000 and deal.currency == "EUR" and deal.probability == 40
    assert "Uptime contracts" in client.get("/accounts/helios").text


def test_a_plan_is_started_from_the_account_page(
        client: TestClient, htmx_as: Headers, workspace_file: Path) -> None:
    headers = htmx_as("ann")
    page = client.get("/accounts/helios").text
    assert '<option value="sama7"' in page
    response = client.post("/accounts/helios/plans", headers=headers,
                           data={"methodology": "sama7", "period": "FY2031"})
    assert response.headers["hx-redirect"] == "/plans/helios-sama7-FY2031"
    with Workspace.open(workspace_file) as ws:
        plan = ws.get(Plan, "helios-sama7-FY2031")
    assert plan.step == "customer_business_understanding"
    unknown = client.post("/accounts/helios/plans", headers=headers,
                          data={"methodology": "nosuch", "period": ""})
    assert 'role="alert"' in unknown.text and "nosuch" in unknown.text
    again = client.post("/accounts/helios/plans", headers=headers,
                        data={"methodology": "sama7", "period": "FY2031"})
    assert 'role="alert"' in again.text and 'value="FY2031"' in again.text


def test_a_share_link_is_made_on_the_plan_page_and_opens_the_customer_view(
        client: TestClient, htmx_as: Headers) -> None:
    headers = htmx_as("ann")
    assert "Make a share link" in client.get("/plans/helios-sama7").text
    blank = client.post("/plans/helios-sama7/shares", headers=headers, data={"recipient": " "})
    assert 'id="error-share-recipient"' in blank.text
    made = client.post("/plans/helios-sama7/shares", headers=headers,
                       data={"recipient": "Chris Finance"})
    assert "Share link for Chris Finance" in made.text
    url = made.text.split('class="share-link" href="')[1].split('"')[0]
    assert url.startswith("http://localhost/share/")
    client.cookies.clear()
    shared = client.get(url.removeprefix("http://localhost"))
    assert shared.status_code == 200 and "Approve this objective" in shared.text


def test_findings_that_refuse_an_advance_link_to_the_section_at_fault(
        client: TestClient, htmx_as: Headers, workspace_file: Path) -> None:
    headers = htmx_as("ann")
    client.post("/accounts/helios/plans", headers=headers,
                data={"methodology": "sama7", "period": "FY2032"})
    with Workspace.open(workspace_file) as ws:
        revision = ws.get(Plan, "helios-sama7-FY2032").revision
    refused = client.post("/plans/helios-sama7-FY2032/advance", headers=headers,
                          data={"revision": str(revision)})
    assert "cannot advance yet" in refused.text
    assert 'href="#section-customer_business"' in refused.text
    assert 'id="section-customer_business"' in client.get("/plans/helios-sama7-FY2032").text

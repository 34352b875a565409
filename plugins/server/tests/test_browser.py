"""The web workspace in a real browser: Debian's Chromium (installed by
``.ci/setup.d/10-chromium.sh``) driven by Playwright against ``kam serve`` (uvicorn) on
127.0.0.1, serving a copy of the demo workspace.

One walk through, as a key account manager works: sign in, the dashboard, open an account, add
a stakeholder in place, fill a plan section with one mistake that the server shows at its field,
correct it and save. Every request the pages make stays on the server's origin and the console
shows no error (a Content-Security-Policy violation would be one). A screenshot of each main
page goes to ``build/test-artefacts/web/`` (or ``$KAM_TEST_ARTEFACTS/web``) to look at.
The server, the browser's settings and the watching of a page are fixtures of ``conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
Watch = Callable[[Any], tuple[list[str], list[str]]]


def test_a_key_account_manager_works_through_the_workspace(
        page: Any, server: str, artefacts: Path, watch: Watch) -> None:
    expect = playwright_api.expect
    requests, problems = watch(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{server}/")
    expect(page).to_have_url(f"{server}/signin?next=/")
    page.screenshot(path=str(artefacts / "signin.png"), full_page=True)
    page.get_by_label("User name").fill("ann")
    page.get_by_label("Password").fill("password-ann")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
    expect(page.locator("table.portfolio tbody tr")).to_have_count(1)
    page.screenshot(path=str(artefacts / "dashboard.png"), full_page=True)

    page.get_by_role("link", name="Helios", exact=False).first.click()
    expect(page.locator("svg.stakeholder-map")).to_be_visible()
    people = page.locator("table.people tbody tr")
    before = people.count()
    page.get_by_text("Add a person").click()
    form = page.locator("details.add form.person")
    form.get_by_label("Name").fill("Dana Quill")
    form.get_by_label("Title").fill("VP Procurement")
    form.get_by_label("Influence").select_option("4")
    form.get_by_label("Support").select_option("-1")
    form.get_by_role("button", name="Add person").click()
    expect(people).to_have_count(before + 1)
    expect(page.locator("table.people")).to_contain_text("Dana Quill")
    expect(page.locator("svg.stakeholder-map")).to_contain_text("Dana Quill")
    page.screenshot(path=str(artefacts / "account.png"), full_page=True)

    page.get_by_role("link", name="helios-sama7").first.click()
    expect(page.get_by_role("heading", name="Steps")).to_be_visible()
    page.screenshot(path=str(artefacts / "plan.png"), full_page=True)
    section = page.locator("#section-value_plan")
    section.get_by_role("button", name="Edit").click()
    rows = section.locator("table.edit tbody tr")
    expect(rows.first).to_be_visible()
    new_row = rows.last
    new_row.get_by_label("Title", exact=False).fill("Joint pilot in two plants")
    new_row.get_by_label("Due", exact=False).fill("2027-04-30")
    new_row.get_by_label("Status", exact=False).select_option("in_progress")
    section.get_by_role("button", name="Save section").click()

    error = section.locator("td.field.invalid .error")
    expect(error).to_have_text("required")
    invalid = section.locator("td.field.invalid input")
    expect(invalid).to_have_attribute("aria-label", f"Objective, row {rows.count() - 1}")
    expect(section.locator("input[value='Joint pilot in two plants']")).to_be_visible()
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(artefacts / "plan-section-error.png"))

    invalid.fill("o1")
    section.get_by_role("button", name="Save section").click()
    expect(section.get_by_role("status")).to_contain_text("Saved as revision")
    expect(section).to_contain_text("Joint pilot in two plants")
    expect(page.locator("#advance-revision")).to_have_value(
        section.get_by_role("status").inner_text().split()[-1].rstrip("."))

    page.reload()
    page.locator("ol.timeline").get_by_role("button", name="What changed").first.click()
    expect(page.locator("ol.timeline .changes").first).to_contain_text("Joint pilot in two plants")

    objectives = page.locator("#section-joint_objectives")
    objectives.get_by_role("button", name="Edit").click()
    expect(objectives.locator("fieldset.new-item")).to_be_visible()
    objectives.screenshot(path=str(artefacts / "plan-objectives-form.png"))
    objectives.get_by_role("button", name="Cancel").click()
    expect(objectives.get_by_role("button", name="Edit")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{server}/signin")

    foreign = [url for url in requests if not url.startswith(server + "/")]
    assert not foreign, f"requests to another origin: {foreign}"
    assert any(url.endswith("/static/htmx.min.js") for url in requests)
    assert not problems, "\n".join(problems)


def _free_day(workspace: Path, plan_id: str, kind: str) -> str:
    """The latest day up to today without a ``kind`` review of the plan."""
    from datetime import date, timedelta

    from kamcore import operations
    from kamcore.store import Workspace

    with Workspace.open(workspace) as ws:
        taken = {r.id for r in operations.list_reviews(ws, plan_id)}
    day = date.today()
    while f"{plan_id}.{kind}.{day.isoformat()}" in taken:
        day -= timedelta(days=1)
    return day.isoformat()


def test_reviews_the_diff_between_them_downloads_and_an_import_in_the_browser(
        page: Any, server: str, artefacts: Path, workspace_file: Path,
        watch: Watch, sign_in: Any) -> None:
    expect = playwright_api.expect
    requests, problems = watch(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    held = _free_day(workspace_file, "helios-sama7", "customer")
    sign_in(page, server, "ann")

    page.goto(f"{server}/plans/helios-sama7")
    reviews = page.locator("#reviews")
    listed = reviews.locator("table.reviews tbody tr").count()
    reviews.get_by_text("Record a review").click()
    form = reviews.locator("form.review")
    form.get_by_label("Kind").select_option("customer")
    form.get_by_label("Held on").fill(held)
    form.get_by_label("Attendees, one per line").fill("Ann Account\nChris Finance")
    form.get_by_label("Decisions, one per line").fill("Extend the pilot to two plants")
    form.get_by_role("button", name="Record review").click()
    error = page.locator("#error-score-relationship_depth")
    expect(error).to_contain_text("needs a value")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.locator("#reviews").screenshot(path=str(artefacts / "plan-review-form.png"))
    form = page.locator("#reviews form.review")
    expect(form.get_by_label("Decisions, one per line")).to_have_value(
        "Extend the pilot to two plants")
    form.get_by_label("Relationship depth", exact=False).fill("4")
    form.get_by_label("Opportunity pipeline coverage", exact=False).fill("3")
    form.get_by_label("Plan currency", exact=False).fill("5")
    form.get_by_role("button", name="Record review").click()
    reviews = page.locator("#reviews")
    expect(reviews.get_by_role("status")).to_contain_text(f"Recorded the customer review of "
                                                          f"{held}")
    expect(reviews.locator("table.reviews tbody tr")).to_have_count(listed + 1)
    row = reviews.locator("table.reviews tbody tr", has_text=held)
    expect(row).to_contain_text("customer")
    reviews.screenshot(path=str(artefacts / "plan-reviews.png"))

    row.get_by_role("link", name="since review", exact=False).click()
    expect(page.get_by_role("heading", name="What changed")).to_be_visible()
    expect(page.locator("section.block h2")).to_contain_text("review:")
    page.screenshot(path=str(artefacts / "diff.png"), full_page=True)

    page.goto(f"{server}/plans/helios-sama7")
    page.get_by_text("Download", exact=True).click()
    with page.expect_download() as caught:
        page.locator("details.downloads").get_by_role("link", name="html", exact=True).click()
    download = caught.value
    assert download.suggested_filename.endswith(".html")
    saved = artefacts / "helios-sama7-export.html"
    download.save_as(saved)
    assert "Helios" in saved.read_text(encoding="utf-8")

    page.get_by_role("link", name="Reviews due").click()
    expect(page.get_by_role("heading", name="Reviews due")).to_be_visible()
    expect(page.locator("table.due tbody tr").first).to_contain_text("helios")
    page.screenshot(path=str(artefacts / "reviews-due.png"), full_page=True)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{server}/signin")
    sign_in(page, server, "ada")
    page.get_by_role("link", name="Import").click()
    page.get_by_label("Adapter").select_option("hubspot-csv")
    from importlib.resources import files

    sample = files("kamcore_hubspot") / "samples" / \
        "hubspot-crm-exports-all-companies-2026-01-15.csv"
    page.get_by_label("Files").set_input_files(str(sample))
    page.get_by_role("button", name="Preview the import").click()
    result = page.locator("#import-result")
    expect(result.get_by_role("status")).to_contain_text("Preview (nothing written yet)")
    expect(result.locator("table.preview tbody tr").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, \
        "the import page scrolls sideways"
    page.screenshot(path=str(artefacts / "import-preview.png"), full_page=True)
    result.get_by_role("button", name="Apply this import").click()
    expect(result.get_by_role("status")).to_contain_text("Imported:")
    page.screenshot(path=str(artefacts / "import-applied.png"), full_page=True)

    foreign = [url for url in requests if not url.startswith(server + "/")]
    assert not foreign, f"requests to another origin: {foreign}"
    assert not problems, "\n".join(problems)


def test_the_customer_answers_on_a_phone(browser: Any, server: str, artefacts: Path,
                                         people: dict[str, str], watch: Watch) -> None:
    expect = playwright_api.expect
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    requests, problems = watch(page)
    page.goto(f"{server}/share/{people['share']}")
    objectives = page.locator("article.objective")
    expect(objectives.first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, \
        "the share page scrolls sideways at phone width"
    page.screenshot(path=str(artefacts / "share-phone.png"), full_page=True)
    first = objectives.first
    first.get_by_label("Your title (optional)").fill("CFO")
    first.get_by_role("button", name="Approve this objective").click()
    expect(page.get_by_role("status")).to_contain_text("your approval is recorded")
    expect(objectives.first.locator(".signed")).to_be_visible()
    last = page.locator("article.objective").last
    last.get_by_label("Or tell us what should change").fill("Make the target 15%")
    last.get_by_role("button", name="Ask for a change").click()
    expect(page.get_by_role("status")).to_contain_text("your request is recorded")
    expect(page.locator("article.objective").last).to_contain_text("Make the target 15%")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(artefacts / "share-phone-answered.png"), full_page=True)
    context.close()
    assert not [url for url in requests if not url.startswith(server + "/")]
    assert not problems, "\n".join(problems)

"""Two people edit the same plan section, each in a browser of their own (two Playwright
contexts, two sessions) against a real ``kam serve``: the one who saves second sees the
conflict, the section as the other saved it beside what they typed, which is kept; saving again
is their decision, and it then wins. Each page says when the other person saved the plan (its
live events) and offers to reload it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
Watch = Callable[[Any], tuple[list[str], list[str]]]


def _signed_in(browser: Any, base: str, name: str, watch: Watch
               ) -> tuple[Any, Any, list[str], list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests, problems = watch(page)
    page.goto(f"{base}/signin")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(f"password-{name}")
    page.get_by_role("button", name="Sign in").click()
    playwright_api.expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
    return context, page, requests, problems


def test_the_second_save_of_a_section_shows_the_conflict_side_by_side_and_keeps_the_input(
        browser: Any, workspace_file: Path, serving: Callable[[Path], str], watch: Watch,
        artefacts: Path) -> None:
    expect = playwright_api.expect
    base = serving(workspace_file)
    ann_context, ann, ann_requests, ann_problems = _signed_in(browser, base, "ann", watch)
    ada_context, ada, ada_requests, ada_problems = _signed_in(browser, base, "ada", watch)
    sections = []
    for page in (ann, ada):
        page.goto(f"{base}/plans/helios-sama7")
        section = page.locator("#section-executive_summary")
        section.get_by_role("button", name="Edit").click()
        expect(section.get_by_role("button", name="Save section")).to_be_visible()
        sections.append(section)
    ann_section, ada_section = sections

    ann_section.get_by_label("Summary", exact=True).fill("Ann's summary: the pilot is on track")
    ann_section.get_by_role("button", name="Save section").click()
    expect(ann_section.get_by_role("status")).to_contain_text("Saved as revision")
    # ada's page hears of ann's save while she types (the plan's events); ann's own save is
    # not news to ann
    notice = ada.locator("#live-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Saved by ann at ")
    expect(notice.get_by_role("link", name="Reload the plan")).to_be_visible()
    assert notice.evaluate("e => getComputedStyle(e).position") == "fixed"  # seen wherever
    ada.screenshot(path=str(artefacts / "plan-live-notice.png"))  # one is on the page
    expect(ann.locator("#live-notice")).to_be_hidden()

    typed = "Ada's summary: extend to the Service business unit"
    ada_section.get_by_label("Summary", exact=True).fill(typed)
    ada_section.get_by_role("button", name="Save section").click()
    expect(ada_section.get_by_role("alert")).to_contain_text("The plan was saved by ann")
    theirs = ada_section.locator(".sides .theirs")
    yours = ada_section.locator(".sides .yours")
    expect(theirs).to_contain_text("Saved by ann")
    expect(theirs).to_contain_text("Ann's summary: the pilot is on track")
    expect(yours.get_by_label("Summary", exact=True)).to_have_value(typed)
    box_theirs, box_yours = theirs.bounding_box(), yours.bounding_box()
    assert box_theirs and box_yours and box_theirs["x"] + box_theirs["width"] <= box_yours["x"], \
        "the two versions are not side by side"
    ada_section.scroll_into_view_if_needed()
    ada_section.screenshot(path=str(artefacts / "plan-section-conflict.png"))

    ada_section.get_by_role("button", name="Save section").click()
    expect(ada_section.get_by_role("status")).to_contain_text("Saved as revision")
    expect(ada_section).to_contain_text(typed)
    expect(ann.locator("#live-notice")).to_contain_text("Saved by ada at ")
    ann.locator("#live-notice").get_by_role("link", name="Reload the plan").click()
    expect(ann.locator("#section-executive_summary")).to_contain_text(typed)
    expect(ann.locator("#live-notice")).to_be_hidden()

    ann_context.close()
    ada_context.close()
    for requests in (ann_requests, ada_requests):
        assert not [url for url in requests if not url.startswith(base + "/")]
    assert not ann_problems + ada_problems, "\n".join(ann_problems + ada_problems)


def test_an_account_page_says_when_someone_else_saves_one_of_its_records(
        browser: Any, workspace_file: Path, serving: Callable[[Path], str], watch: Watch) -> None:
    expect = playwright_api.expect
    base = serving(workspace_file)
    ann_context, ann, ann_requests, ann_problems = _signed_in(browser, base, "ann", watch)
    ada_context, ada, ada_requests, ada_problems = _signed_in(browser, base, "ada", watch)
    for page in (ann, ada):
        page.goto(f"{base}/accounts/helios")
        expect(page.locator("table.people")).to_be_visible()
    ann.wait_for_timeout(1500)  # the stream is open before ada saves

    ada.locator("#add-person summary").click()
    form = ada.locator("#add-person form.person")
    form.get_by_label("Name").fill("Rui Costa")
    form.get_by_role("button", name="Add person").click()
    expect(ada.locator("table.people")).to_contain_text("Rui Costa")

    notice = ann.locator("#live-notice")
    expect(notice).to_contain_text("Saved by ada at ")
    expect(notice).to_contain_text("stakeholder helios.")
    expect(ada.locator("#live-notice")).to_be_hidden()
    notice.get_by_role("link", name="Reload the account").click()
    expect(ann.locator("table.people")).to_contain_text("Rui Costa")

    ann_context.close()
    ada_context.close()
    for requests in (ann_requests, ada_requests):
        assert not [url for url in requests if not url.startswith(base + "/")]
    assert not ann_problems + ada_problems, "\n".join(ann_problems + ada_problems)

"""The whole journey of issue #23, as a new user does it with only the pages.

The workspace is made the way docs/web.md tells a new user: ``kam demo`` (what ``make demo``
runs) in an empty folder, ``kam user add`` with a password, then ``kam serve``, whose printed
address the browser opens. From there on only the pages are used, in Debian's Chromium driven by
Playwright: sign in; add an account; add three people and a placeholder with their reporting
lines; add an opportunity; start a sama7 plan; fill sections through the generated forms (one
mistake shown at its field); the advance is refused with findings linking to the section; in a
second browser (a phone) the customer opens the share link, sees no internal field and approves
the joint objectives; the advance then succeeds; an internal review and a scored QBR are
recorded and compared; the HTML export is downloaded and read.

No page may request anything from another origin or log a console error. Screenshots go to the
artefacts folder (``build/test-artefacts/web/journey-*.png``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
Watch = Callable[[Any], tuple[list[str], list[str]]]

#: The people of the new account: name, title, roles, influence, support, placeholder.
PEOPLE = (
    ("Greta Vogel", "CFO", "economic_buyer", "5", "1", False),
    ("Jonas Brandt", "Head of Operations", "champion", "4", "2", False),
    ("Lena Roth", "Plant manager", "user_buyer", "2", "0", False),
    ("Head of Procurement", "Head of Procurement", "gatekeeper", "3", "", True),
)
#: Who reports to whom (the org chart's lines).
REPORTING = (("Jonas Brandt", "Greta Vogel"), ("Lena Roth", "Jonas Brandt"),
             ("Head of Procurement", "Greta Vogel"))
OBJECTIVES = (("o1", "Uptime contracts in two regions", "share of service revenue on uptime",
               "25% by end of 2027"),
              ("o2", "Halve unplanned downtime", "hours of downtime per plant per month",
               "from 30 to 15"))


def _new_users_workspace(folder: Path) -> Path:
    """What a new user does before opening the browser: ``make demo`` (``kam demo``) and one
    ``kam user add`` with a password on stdin, as docs/web.md says."""
    env = {**os.environ, "KAM_WORKSPACE": "kam-demo.db"}
    for argv, stdin in ((["demo"], None),
                        (["user", "add", "ann", "--role", "member", "--password-stdin"],
                         "a long password\n")):
        done = subprocess.run([sys.executable, "-m", "kamcore", *argv], cwd=folder, env=env,
                              input=stdin, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
    return folder / "kam-demo.db"


def _no_sideways_scroll(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, \
        f"{page.url} scrolls sideways at {width} px"


def test_a_new_user_does_the_whole_journey_with_only_the_pages(
        browser: Any, tmp_path: Path, serving: Callable[[Path], str], watch: Watch,
        artefacts: Path) -> None:
    expect = playwright_api.expect
    base = serving(_new_users_workspace(tmp_path))
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    requests, problems = watch(page)

    # -- sign in at the printed address ------------------------------------------------------
    page.goto(base)
    expect(page).to_have_url(f"{base}/signin?next=/")
    page.get_by_label("User name").fill("ann")
    page.get_by_label("Password").fill("a long password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()

    # -- an account --------------------------------------------------------------------------
    page.get_by_text("Add an account").click()
    form = page.locator("#account-form")
    form.get_by_label("Name").fill("Nordlicht Energie")
    form.get_by_label("Tier").fill("strategic")
    form.get_by_label("Industry").fill("Utilities")
    form.get_by_role("button", name="Add account").click()
    expect(page).to_have_url(f"{base}/accounts/nordlicht-energie")
    expect(page.get_by_role("heading", name="Nordlicht Energie")).to_be_visible()

    # -- three people and a placeholder, and who reports to whom ------------------------------
    people = page.locator("table.people tbody tr")
    for count, (name, title, roles, influence, support, placeholder) in enumerate(PEOPLE, 1):
        page.locator("details.add summary", has_text="Add a person").click()
        form = page.locator("details.add form.person")
        form.get_by_label("Name").fill(name)
        form.get_by_label("Title").fill(title)
        form.get_by_label("Roles (comma-separated)").fill(roles)
        form.get_by_label("Influence").select_option(influence)
        form.get_by_label("Support").select_option(support)
        if placeholder:
            form.get_by_label("Placeholder", exact=False).check()
        form.get_by_role("button", name="Add person").click()
        expect(people.filter(has_text=name)).to_have_count(1)
        expect(people).to_have_count(count)
    expect(people.filter(has_text="Head of Procurement")).to_contain_text("placeholder")
    for who, whom in REPORTING:
        form = page.locator("form.relationship")
        form.get_by_label(re.compile("^Who ")).select_option(label=who)
        form.get_by_label(re.compile("^How ")).select_option("reports_to")
        form.get_by_label(re.compile("^Whom ")).select_option(label=whom)
        form.get_by_role("button", name="Link").click()
        expect(page.locator("table.relationships")).to_contain_text(f"{who} reports to {whom}")
    chart = page.locator("ul.org-chart")
    expect(chart.locator(":scope > li")).to_have_count(1)  # Greta heads it
    greta = chart.locator(":scope > li")
    expect(greta.locator(":scope > .person")).to_have_text("Greta Vogel")
    expect(greta.locator(":scope > ul > li > .person")).to_have_text(
        ["Head of Procurement", "Jonas Brandt"])
    expect(greta.locator("li li .person")).to_have_text("Lena Roth")
    expect(chart.locator(".placeholder")).to_have_text("Head of Procurement")

    # -- an opportunity ------------------------------------------------------------------------
    page.get_by_text("Add an opportunity").click()
    form = page.locator("#opportunity-form")
    form.get_by_label("Name").fill("Uptime service contracts")
    form.get_by_label("Stage").fill("proposal")
    form.get_by_label("Amount").fill("250000")
    form.get_by_label("Currency").fill("EUR")
    form.get_by_label("Close date").fill("2027-03-31")
    form.get_by_label("Probability (%)").fill("40")
    form.get_by_role("button", name="Add opportunity").click()
    deals = page.locator("#opportunities table")
    expect(deals).to_contain_text("Uptime service contracts")
    expect(deals).to_contain_text("250,000 EUR")
    page.screenshot(path=str(artefacts / "journey-account.png"), full_page=True)

    # -- a sama7 plan ----------------------------------------------------------------------------
    form = page.locator("#plan-form")
    form.get_by_label("Methodology").select_option("sama7")
    form.get_by_label("Period (optional)").fill("FY2027")
    form.get_by_role("button", name="Start the plan").click()
    expect(page).to_have_url(f"{base}/plans/nordlicht-energie-sama7-FY2027")
    current = page.locator("ol.steps li.current")
    expect(current).to_contain_text("Customer business understanding")

    # the customer's business, with one mistake shown at its field
    section = page.locator("#section-customer_business")
    section.get_by_role("button", name="Edit").click()
    bets = section.locator("fieldset", has_text="Growth bets")
    bets.get_by_label("Title, row 1").fill("Outcome-based service contracts")
    outcomes = section.locator("fieldset", has_text="Measurable outcomes")
    outcomes.get_by_label("Title, row 1").fill("Service share of revenue")
    section.get_by_role("button", name="Save section").click()
    invalid = section.locator("td.field.invalid")
    expect(invalid.locator(".error")).to_have_text("required")
    expect(invalid.locator("input")).to_have_attribute("aria-label", "Measure, row 1")
    expect(outcomes.get_by_label("Title, row 1")).to_have_value("Service share of revenue")
    section.screenshot(path=str(artefacts / "journey-section-error.png"))
    invalid.locator("input").fill("service revenue / total revenue")
    section.get_by_role("button", name="Save section").click()
    expect(section.get_by_role("status")).to_contain_text("Saved as revision")
    advance = page.get_by_role("button", name="Advance to the next step")
    advance.click()
    expect(current).to_contain_text("Customer value research")
    advance.click()
    expect(current).to_contain_text("Account team alignment")

    # the account team: a row per save (the blank last row adds one)
    section = page.locator("#section-account_team")
    for role, name in (("kam", "Ann Member"), ("executive_sponsor", "Pat Sponsor")):
        section.get_by_role("button", name="Edit").click()
        row = section.locator("tr.new-row")
        row.get_by_label("Role", exact=False).select_option(role)
        row.get_by_label("Name", exact=False).fill(name)
        section.get_by_role("button", name="Save section").click()
        expect(section).to_contain_text(name)
    advance.click()
    expect(current).to_contain_text("Joint objective setting")

    # the joint objectives, one new item per save
    section = page.locator("#section-joint_objectives")
    for number, (key, title, measure, target) in enumerate(OBJECTIVES):
        section.get_by_role("button", name="Edit").click()
        item = section.locator("fieldset.new-item")
        for field, value in (("id", key), ("title", title), ("measure", measure),
                             ("target", target)):
            item.locator(f'[name="objectives[{number}].{field}"]').fill(value)
        section.get_by_role("button", name="Save section").click()
        expect(section).to_contain_text(title)

    # refused: no customer sign-off yet; the finding links to the section at fault
    advance.click()
    refused = page.locator("#advance-result")
    expect(refused).to_contain_text("cannot advance yet")
    expect(refused).to_contain_text("customer's sign-off")
    refused.locator('a[href="#section-joint_objectives"]').first.click()
    expect(page).to_have_url(f"{base}/plans/nordlicht-energie-sama7-FY2027"
                             "#section-joint_objectives")
    page.screenshot(path=str(artefacts / "journey-advance-refused.png"))

    # review 1: the internal review, before the customer has answered
    reviews = page.locator("#reviews")
    reviews.get_by_text("Record a review").click()
    form = reviews.locator("form.review")
    form.get_by_label("Kind").select_option("internal")
    form.get_by_label("Attendees, one per line").fill("Ann Member\nPat Sponsor")
    form.get_by_label("Decisions, one per line").fill("Share the objectives with Greta")
    form.get_by_role("button", name="Record review").click()
    expect(page.locator("#reviews").get_by_role("status")).to_contain_text(
        "Recorded the internal review")

    # a share link for the customer
    form = page.locator("#share-form")
    form.get_by_label("Customer contact (name or email)").fill("Greta Vogel")
    form.get_by_role("button", name="Make a share link").click()
    link = page.locator("#share-form a.share-link")
    expect(link).to_be_visible()
    shared = link.get_attribute("href")
    assert shared and shared.startswith(f"{base}/share/")

    # -- the customer, in a browser of their own, on a phone ---------------------------------------
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True,
                                has_touch=True)
    customer = phone.new_page()
    customer_requests, customer_problems = watch(customer)
    customer.goto(shared)
    expect(customer.get_by_role("heading", name="Joint objectives")).to_be_visible()
    shown = customer.locator("body").inner_text()
    for internal in ("Outcome-based service contracts", "Service share of revenue",
                     "Ann Member", "Pat Sponsor", "Jonas Brandt", "Lena Roth",
                     "Uptime service contracts", "Influence", "Share the objectives"):
        assert internal not in shown, f"the customer sees an internal field: {internal!r}"
    _no_sideways_scroll(customer, 375)
    customer.screenshot(path=str(artefacts / "journey-share-phone.png"), full_page=True)
    objectives = customer.locator("article.objective")
    expect(objectives).to_have_count(len(OBJECTIVES))
    for number in range(len(OBJECTIVES)):
        objectives.nth(number).get_by_label("Your title (optional)").fill("CFO")
        objectives.nth(number).get_by_role("button", name="Approve this objective").click()
        expect(customer.get_by_role("status")).to_contain_text("your approval is recorded")
        expect(objectives.nth(number).locator(".signed")).to_contain_text(
            "Approved by Greta Vogel")
    phone.close()
    assert not [url for url in customer_requests if not url.startswith(base + "/")]
    assert not customer_problems, "\n".join(customer_problems)

    # -- back at the plan: the advance succeeds ----------------------------------------------------
    page.reload()
    expect(page.locator("#section-joint_objectives")).to_contain_text("Greta Vogel")
    advance.click()
    expect(current).to_contain_text("Value co-creation")

    # review 2: the QBR with its scores
    reviews.get_by_text("Record a review").click()
    form = reviews.locator("form.review")
    form.get_by_label("Kind").select_option("customer")
    form.get_by_label("Attendees, one per line").fill("Ann Member\nGreta Vogel")
    form.get_by_label("Relationship depth", exact=False).fill("3")
    form.get_by_label("Opportunity pipeline coverage", exact=False).fill("4")
    form.get_by_label("Plan currency", exact=False).fill("5")
    form.get_by_role("button", name="Record review").click()
    expect(page.locator("#reviews").get_by_role("status")).to_contain_text(
        f"Recorded the customer review of {date.today().isoformat()}")
    rows = page.locator("#reviews table.reviews tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1).locator("td").nth(4)).not_to_be_empty()  # its QBR health score
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artefacts / "journey-plan.png"))

    # what changed between the two reviews
    compare = page.locator("form.compare")
    compare.get_by_label(re.compile("^From ")).select_option("review:1")
    compare.get_by_label(re.compile("^To ")).select_option("review:2")
    compare.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", name="What changed")).to_be_visible()
    changes = page.locator("main")
    expect(changes).to_contain_text("review:1")
    expect(changes).to_contain_text("Greta Vogel")
    page.screenshot(path=str(artefacts / "journey-diff.png"), full_page=True)

    # the HTML export, downloaded and read
    page.go_back()
    page.get_by_text("Download", exact=True).click()
    with page.expect_download() as caught:
        page.locator("details.downloads").get_by_role("link", name="html", exact=True).click()
    saved = artefacts / "journey-export.html"
    caught.value.save_as(saved)
    exported = saved.read_text(encoding="utf-8")
    assert "<html" in exported.lower()
    for expected in ("Nordlicht Energie", OBJECTIVES[0][1], OBJECTIVES[1][1], "Greta Vogel",
                     "Jonas Brandt"):
        assert expected in exported, f"the HTML export lacks {expected!r}"

    page.goto(base)
    expect(page.locator("table.portfolio tbody tr")).to_contain_text(["Nordlicht Energie"])
    page.screenshot(path=str(artefacts / "journey-dashboard.png"), full_page=True)
    context.close()
    assert not [url for url in requests if not url.startswith(base + "/")], \
        "a page requested another origin"
    assert not problems, "\n".join(problems)

"""The account page's org chart in a real browser (Debian's Chromium, Playwright, ``kam serve``
on 127.0.0.1; the fixtures are in ``conftest.py``).

Cytoscape.js draws one node per stakeholder and one edge per relationship of the demo account
(counted from the workspace); a click on a person opens that person's form, the keyboard does
the same; adding a placeholder and a dotted line through the page's forms redraws the chart
with them. No request leaves the server's origin, the console shows no error (a
Content-Security-Policy violation would be one), and the page is screenshotted to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kamcore.store import Workspace

playwright_api = pytest.importorskip("playwright.sync_api")

#: The chart's Cytoscape instance, from the page (kam-map.js keeps it on its container).
GRAPH = "document.querySelector('div.org-graph').kamGraph"


def _counts(page: Any) -> tuple[int, int]:
    return tuple(page.evaluate(f"[{GRAPH}.nodes().length, {GRAPH}.edges().length]"))


def _click_person(page: Any, stakeholder_id: str) -> None:
    """Click the middle of a person's node, where the browser draws it."""
    page.locator("div.org-graph").scroll_into_view_if_needed()
    box = page.locator("div.org-graph").bounding_box()
    at = page.evaluate(f"{GRAPH}.getElementById({stakeholder_id!r}).renderedPosition()")
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])


def test_the_org_chart_is_drawn_clicked_and_edited_in_place(
        page: Any, server: str, artefacts: Path, workspace_file: Path, watch: Any,
        sign_in: Any) -> None:
    expect = playwright_api.expect
    with Workspace.open(workspace_file) as ws:
        snapshot = ws.snapshot("helios")
    people = {s.id: s.name for s in snapshot.stakeholders}
    requests, problems = watch(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, server, "ann")
    page.goto(f"{server}/accounts/helios")

    chart = page.locator("div.org-graph")
    expect(chart).to_be_visible()
    page.wait_for_function(f"() => {GRAPH} !== undefined && {GRAPH} !== null")
    assert page.evaluate("cytoscape.version") == "3.35.0"
    assert _counts(page) == (len(people), len(snapshot.relationships))
    assert page.evaluate(f"{GRAPH}.nodes().map(n => n.id()).sort()") == sorted(people)
    expect(page.locator("details.org-list")).not_to_have_attribute("open", "")

    someone = sorted(people)[0]
    _click_person(page, someone)
    editing = page.locator("table.people tr.editing")
    expect(editing.get_by_label("Name")).to_have_value(people[someone])
    expect(editing.get_by_label("Name")).to_be_focused()
    editing.get_by_role("button", name="Cancel").click()
    expect(editing).to_have_count(0)

    page.wait_for_function(f"() => {GRAPH} && {GRAPH}.nodes().length === {len(people)}")
    chart.focus()
    page.keyboard.press("ArrowRight")
    chosen = page.evaluate(f"{GRAPH}.nodes(':selected').id()")
    expect(page.locator("#org-graph-status")).to_contain_text(people[chosen])
    page.keyboard.press("Enter")
    expect(editing.get_by_label("Name")).to_have_value(people[chosen])
    editing.get_by_role("button", name="Cancel").click()

    page.wait_for_function(f"() => {GRAPH} && {GRAPH}.nodes().length === {len(people)}")
    page.get_by_role("button", name="New person").click()
    form = page.locator("details.add form.person")
    expect(form.get_by_label("Name")).to_be_focused()
    form.get_by_label("Name").fill("Head of Procurement")
    form.get_by_label("Roles (comma-separated)").fill("economic_buyer")
    form.get_by_label("Placeholder", exact=False).check()
    form.get_by_role("button", name="Add person").click()
    page.wait_for_function(f"() => {GRAPH} && {GRAPH}.nodes().length === {len(people) + 1}")
    with Workspace.open(workspace_file) as ws:
        placeholder = next(s for s in ws.snapshot("helios").stakeholders if s.placeholder)
    assert page.evaluate(f"{GRAPH}.getElementById({placeholder.id!r}).classes()") == [
        "placeholder", "gap"]

    page.get_by_role("button", name="New relationship").click()
    link = page.locator("form.relationship")
    expect(link.locator("select[name=source_id]")).to_be_focused()
    link.locator("select[name=source_id]").select_option(label="Head of Procurement")
    link.locator("select[name=type]").select_option("dotted_line")
    link.locator("select[name=target_id]").select_option(label=people[someone])
    link.get_by_role("button", name="Link").click()
    edges = len(snapshot.relationships) + 1
    page.wait_for_function(f"() => {GRAPH} && {GRAPH}.edges().length === {edges}")
    assert page.evaluate(f"{GRAPH}.edges('.dotted_line').length") == 1
    assert page.evaluate(f"{GRAPH}.edges('.dotted_line').style('line-style')") == "dashed"
    assert page.evaluate(f"{GRAPH}.edges('.reports_to').style('line-style')") == "solid"
    page.locator("figure.org-graph-figure").screenshot(path=str(artefacts / "org-chart.png"))
    page.screenshot(path=str(artefacts / "account-org-chart.png"), full_page=True)

    foreign = [url for url in requests if not url.startswith(server + "/")]
    assert not foreign, f"requests to another origin: {foreign}"
    assert any(url.endswith("/static/cytoscape.min.js") for url in requests)
    assert not problems, "\n".join(problems)


def test_a_viewer_clicking_a_person_finds_their_row(page: Any, server: str, watch: Any,
                                                   sign_in: Any, workspace_file: Path) -> None:
    with Workspace.open(workspace_file) as ws:
        someone = ws.snapshot("helios").stakeholders[0]
    requests, problems = watch(page)
    sign_in(page, server, "vic")
    page.goto(f"{server}/accounts/helios")
    page.wait_for_function(f"() => {GRAPH} !== undefined && {GRAPH} !== null")
    expect = playwright_api.expect
    expect(page.get_by_role("button", name="New person")).to_have_count(0)
    _click_person(page, someone.id)
    expect(page.locator(f"tr.picked[data-person='{someone.id}']")).to_be_visible()
    expect(page.locator("tr.editing")).to_have_count(0)
    assert all(url.startswith(server + "/") for url in requests)
    assert not problems, "\n".join(problems)

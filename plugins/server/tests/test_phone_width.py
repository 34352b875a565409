"""The signed-in pages at phone width (375 px, a touch screen) in Debian's Chromium against a
real ``kam serve``: the dashboard, an account, a plan (with a section open as its form) and the
reviews due. None scrolls the page sideways, and every control (link, button, field, menu,
each form of the page opened) is on the screen or in a box that scrolls sideways itself (a wide
table). A screenshot of each goes to the artefacts folder as ``phone-*.png``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
Watch = Callable[[Any], tuple[list[str], list[str]]]
WIDTH = 375

#: The controls of the page that can be neither seen nor scrolled to (JavaScript, run in the
#: page after every <details> is opened): each control off the screen sideways whose boxes
#: around it do not scroll sideways.
UNREACHABLE = """() => {
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  const stuck = [];
  const controls = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  for (const el of document.querySelectorAll(controls)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.left >= -1 && box.right <= window.innerWidth + 1) continue;
    let up = el.parentElement, scrolls = false;
    while (up && !scrolls) {
      scrolls = /(auto|scroll)/.test(getComputedStyle(up).overflowX)
        && up.scrollWidth > up.clientWidth;
      up = up.parentElement;
    }
    if (!scrolls) stuck.push(el.outerHTML.slice(0, 160));
  }
  return stuck;
}"""


def _check(page: Any, name: str, artefacts: Path) -> None:
    page.screenshot(path=str(artefacts / f"phone-{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, \
        f"{page.url} scrolls sideways at {WIDTH} px"
    stuck = page.evaluate(UNREACHABLE)
    assert not stuck, f"controls out of reach on {page.url}:\n" + "\n".join(stuck)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, \
        f"{page.url} scrolls sideways at {WIDTH} px once its forms are open"


def test_the_signed_in_pages_fit_a_phone(browser: Any, workspace_file: Path,
                                         serving: Callable[[Path], str], watch: Watch,
                                         artefacts: Path) -> None:
    expect = playwright_api.expect
    base = serving(workspace_file)
    context = browser.new_context(viewport={"width": WIDTH, "height": 740}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    requests, problems = watch(page)
    page.goto(f"{base}/signin")
    page.get_by_label("User name").fill("ann")
    page.get_by_label("Password").fill("password-ann")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
    _check(page, "dashboard", artefacts)

    page.goto(f"{base}/accounts/helios")
    people = page.locator("table.people tbody tr")
    expect(people.first).to_be_visible()
    people.first.get_by_role("button", name="Edit").click()
    expect(page.locator("tr.editing form.person")).to_be_visible()
    _check(page, "account", artefacts)

    page.goto(f"{base}/plans/helios-sama7")
    section = page.locator("#section-value_plan")
    section.get_by_role("button", name="Edit").click()
    expect(section.locator("table.edit")).to_be_visible()
    _check(page, "plan", artefacts)
    page.get_by_role("button", name="Sign out").click()  # reachable at phone width too
    expect(page).to_have_url(f"{base}/signin")

    page.goto(f"{base}/signin")
    page.get_by_label("User name").fill("ann")
    page.get_by_label("Password").fill("password-ann")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Reviews due").click()
    expect(page.get_by_role("heading", name="Reviews due")).to_be_visible()
    _check(page, "reviews", artefacts)

    context.close()
    assert not [url for url in requests if not url.startswith(base + "/")]
    assert not problems, "\n".join(problems)

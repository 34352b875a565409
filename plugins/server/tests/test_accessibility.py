"""Accessibility of the main pages: axe-core (vendored for the tests in ``tests/vendor/``, not
shipped) run in Debian's Chromium on each page served by a real ``kam serve``, with no serious
or critical violation allowed.

axe is injected with Playwright's ``add_script_tag``: an inline script, which the pages' strict
Content-Security-Policy refuses, so these browser contexts bypass the CSP (the other browser
tests keep it and fail on any violation of it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")

VENDOR = Path(__file__).parent / "vendor"
#: The impacts that fail the test (axe's scale: minor, moderate, serious, critical).
FAILING = ("serious", "critical")
#: axe's report: the violations (rule, impact, help and where) and how many rules passed.
RUN_AXE = """async () => {
  const results = await axe.run(document);
  return {passed: results.passes.length,
    violations: results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))};
}"""


def test_the_vendored_axe_core_matches_its_checksums() -> None:
    listed = (VENDOR / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(listed) == 3
    for line in listed:
        digest, name = line.split(maxsplit=1)
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert "Mozilla Public License, version 2.0" in (VENDOR / "axe-core.LICENSE").read_text(
        encoding="utf-8")


def _violations(page: Any) -> list[str]:
    """The serious and critical violations axe finds on ``page`` as it is now."""
    page.add_script_tag(path=str(VENDOR / "axe.min.js"))
    assert page.evaluate("() => axe.version") == "4.14.1"
    report = page.evaluate(RUN_AXE)
    assert report["passed"] > 20, f"axe checked next to nothing on {page.url}"
    return [f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at {v['targets']}"
            for v in report["violations"] if v["impact"] in FAILING]


@pytest.fixture
def context(browser: Any) -> Any:
    """A browser context at desk width that lets the injected axe script run."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def test_axe_reports_what_it_is_there_to_catch(context: Any, server: str) -> None:
    page = context.new_page()
    page.goto(f"{server}/signin")
    page.evaluate("() => document.querySelector('label').replaceWith("
                  "document.querySelector('input[name=name]'))")
    assert any(" label (critical)" in line for line in _violations(page))


def test_the_main_pages_have_no_serious_accessibility_violation(
        context: Any, server: str, people: dict[str, str],
        sign_in: Callable[[Any, str, str], None]) -> None:
    expect = playwright_api.expect
    page = context.new_page()
    found: list[str] = []
    page.goto(f"{server}/signin")
    found += _violations(page)
    sign_in(page, server, "ann")
    found += _violations(page)  # the portfolio
    for address in ("/accounts/helios", "/plans/helios-sama7", "/reviews", "/imports"):
        page.goto(f"{server}{address}")
        expect(page.locator("main h1")).to_be_visible()
        found += _violations(page)

    page.goto(f"{server}/accounts/helios")
    page.locator("table.people tbody tr").first.get_by_role("button", name="Edit").click()
    expect(page.locator("tr.editing form")).to_be_visible()
    for summary in page.locator("details.add summary").all():
        summary.click()
    found += _violations(page)  # with the person's form and every add form open

    page.goto(f"{server}/plans/helios-sama7")
    page.locator("#section-value_plan").get_by_role("button", name="Edit").click()
    expect(page.locator("#section-value_plan table.edit")).to_be_visible()
    found += _violations(page)  # with a section's generated form open

    share = context.new_page()
    share.set_viewport_size({"width": 375, "height": 740})
    share.goto(f"{server}/share/{people['share']}")
    expect(share.locator("article.objective").first).to_be_visible()
    found += _violations(share)
    assert not found, "\n".join(found)

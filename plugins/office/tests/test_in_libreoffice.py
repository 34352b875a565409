"""The office exports opened in a real office suite (issue 25): LibreOffice, headless, converts
the XLSX workbook and the PPTX review pack of every demo plan to PDF, and the PDF is read back
page by page (``pdftotext``) as a reader would see it:

- the Summary and Stakeholders sheets each print on one page (one page wide), each sheet's
  pages named in the footer;
- no page shows an internal path (``sections.``) or JSON (``{"``);
- the stakeholder-map slide names everyone on the plan's map (records and map entries).

LibreOffice and poppler-utils are installed by ``.ci/setup.d/30-libreoffice.sh``; without them
these tests skip, except in CI (``CI`` set), where they fail. With ``KAM_TEST_ARTEFACTS`` set to
a folder, every page is also kept there as a PNG image (``pdftoppm``), to look at.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamcore.model import Plan
from kamcore.shapes import find_items
from kamcore.stakeholder_map import map_people
from kamcore.store import Workspace

PLANS = ("atlas-meddic", "helios-sama7", "kestrel-meddicc", "meridian-simple_plan",
         "northwind-medpicc")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{name} is not installed: .ci/setup.d/30-libreoffice.sh should have "
                    "installed it")
    pytest.skip(f"{name} is not installed (run .ci/setup.d/30-libreoffice.sh); CI requires it")


def _kam(folder: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAMCORE_", "KAM_"))}
    result = subprocess.run([sys.executable, "-m", "kamcore", "-w", "kam-demo.db", *args],
                            cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, list[str]]]]:
    """The demo workspace's folder, and the text of each page of each export's PDF (by file
    name: ``helios-sama7-xlsx.pdf``)."""
    soffice, pdftotext = _tool("soffice"), _tool("pdftotext")
    folder = tmp_path_factory.mktemp("office")
    _kam(folder, "demo")
    exports = []
    for plan in PLANS:
        for suffix in ("xlsx", "pptx"):
            name = f"{plan}-{suffix}.{suffix}"  # distinct stems: one PDF each
            _kam(folder, "export", plan, "--review-pack", "-f", suffix, "-o", name)
            exports.append(name)
    converted = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
         "--convert-to", "pdf", "--outdir", "pdf", *exports],
        cwd=folder, capture_output=True, text=True, timeout=600)
    assert converted.returncode == 0, converted.stderr
    pages: dict[str, list[str]] = {}
    for name in exports:
        pdf = folder / "pdf" / (Path(name).stem + ".pdf")
        text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        pages[pdf.name] = [page for page in text.split("\f") if page.strip()]
        artefacts = os.environ.get("KAM_TEST_ARTEFACTS")
        if artefacts:
            Path(artefacts).mkdir(parents=True, exist_ok=True)
            subprocess.run([_tool("pdftoppm"), "-r", "40", "-png", str(pdf),
                            str(Path(artefacts) / Path(name).stem)], check=True)
    yield folder, pages


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_summary_and_stakeholders_print_one_page_wide(
        pdfs: tuple[Path, dict[str, list[str]]]) -> None:
    folder, pages = pdfs
    with Workspace.open(folder / "kam-demo.db") as workspace:
        accounts = {plan: workspace.snapshot(workspace.get(Plan, plan).account_id).account.name
                    for plan in PLANS}
    for plan in PLANS:
        book = [_flat(page) for page in pages[f"{plan}-xlsx.pdf"]]
        for sheet in ("Summary", "Stakeholders", "Contents"):
            found = [page for page in book if f"{accounts[plan]} \u00b7 {sheet}" in page]
            assert len(found) == 1, (plan, sheet, len(found))
        summary = next(page for page in book if f"{accounts[plan]} \u00b7 Summary" in page)
        for label in ("Annual revenue", "Current step", "Open pipeline", "Findings"):
            assert label in summary, (plan, label)  # labels and values on the same page
        assert "$" in summary  # money in the account's currency


def test_no_page_shows_an_internal_path_or_json(pdfs: tuple[Path, dict[str, list[str]]]) -> None:
    _folder, pages = pdfs
    for name, document in pages.items():
        for number, page in enumerate(document, start=1):
            assert "sections." not in page, (name, number, page)
            assert '{"' not in page, (name, number, page)


def test_the_map_slide_names_everyone_on_the_plans_map(
        pdfs: tuple[Path, dict[str, list[str]]]) -> None:
    folder, pages = pdfs
    with Workspace.open(folder / "kam-demo.db") as workspace:
        for plan_id in PLANS:
            plan = workspace.get(Plan, plan_id)
            people = map_people(workspace.snapshot(plan.account_id).stakeholders,
                                find_items(plan).people)
            slide = next(_flat(page) for page in pages[f"{plan_id}-pptx.pdf"]
                         if "Stakeholder map" in page and "Support for us" in page)
            for someone in people:
                assert someone.name[:14] in slide, (plan_id, someone.name)

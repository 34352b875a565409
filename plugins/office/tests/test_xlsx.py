"""The ``xlsx`` workbook: its sheets, the whitespace grid, and no cell that could run."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import TYPE_CHECKING

import attrs
import openpyxl
import pytest
from kamcore_office.workbook import render_xlsx

from kamcore.exporting import formula_like
from kamcore.testing import (
    FORMULA_PAYLOADS,
    HOSTILE_ACTION_TITLE,
    HOSTILE_NAME,
    INERT_CELL_TEXTS,
)

if TYPE_CHECKING:
    from conftest import OfficeContext


@pytest.fixture
def workbook(office_context: OfficeContext) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(office_context())))


def _rows(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_sheets(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == [
        "Contents", "Summary", "Stakeholders", "Relationships", "Opportunities", "Whitespace",
        "Objectives", "Actions", "Risks", "Scores", "Reviews", "Metrics", "Findings",
        "\u00a7 Joint objectives", "\u00a7 Whitespace", "\u00a7 Value plan", "\u00a7 Risks",
        "\u00a7 Notes"]


def test_no_cell_can_run_as_a_formula(office_context: OfficeContext) -> None:
    data = render_xlsx(office_context())
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in package.read(name) and b"<f " not in package.read(name)
    book = openpyxl.load_workbook(io.BytesIO(data))
    strings = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    strings += 1
                    assert cell.quotePrefix == formula_like(cell.value), (
                        sheet.title, cell.coordinate, cell.value)
    assert strings > 100


def test_formula_payloads_keep_their_text_behind_a_quote_prefix(
        office_context: OfficeContext) -> None:
    """Each payload reads back unchanged, as a string cell with the quote-prefix style (Excel
    and LibreOffice show the text and never evaluate it); other texts get no style."""
    context = office_context()
    texts = [*FORMULA_PAYLOADS, *INERT_CELL_TEXTS]
    risks = [{"title": text, "likelihood": 1, "impact": 1, "mitigation": text}
             for text in texts]
    plan = context.plan.model_copy(update={"sections": {**context.plan.sections,
                                                        "risks": risks}})
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(attrs.evolve(context, plan=plan))))
    rows = list(book["Risks"].iter_rows(min_row=2))
    assert len(rows) == len(texts)
    for text, row in zip(texts, rows, strict=True):
        for cell in (row[1], row[6]):  # title, mitigation
            assert (cell.value, cell.data_type) == (text, "s"), (text, cell.coordinate)
            assert cell.quotePrefix == (text in FORMULA_PAYLOADS), (text, cell.coordinate)


def test_hostile_values_stay_text(workbook: openpyxl.Workbook) -> None:
    actions = _rows(workbook["Actions"])
    assert actions[0][:3] == ["Section", "Id", "Title"]
    assert actions[1][2] == HOSTILE_ACTION_TITLE
    assert workbook["Actions"]["C2"].quotePrefix
    assert actions[1][3] == HOSTILE_NAME  # a name, as text: nothing to run in a cell
    assert actions[3][3] == "\tTab Person" and workbook["Actions"]["D4"].quotePrefix
    assert actions[3][2] == "Kick-off workshop"  # a control character XML can't hold: dropped
    names = [row[1] for row in _rows(workbook["Stakeholders"])[1:]]
    assert "=cmd|' /C calc'!A0" in names
    objectives = _rows(workbook["Objectives"])
    assert objectives[2][4] == "@survey"
    assert _rows(workbook["Risks"])[1][6] == "=1+1"
    notes = _rows(workbook["\u00a7 Notes"])
    assert ["Text", "@mention first"] in [row[:2] for row in notes]
    decisions = _rows(workbook["Reviews"])[1][4]
    # one cell: only its start could make it a formula
    assert decisions == "Escalate the Service renewal to the CRO\n" + HOSTILE_ACTION_TITLE


def test_numbers_and_dates_stay_typed(workbook: openpyxl.Workbook) -> None:
    actions = _rows(workbook["Actions"])
    assert actions[1][5].date() == date(2026, 5, 1) and actions[1][8] == "yes"
    stakeholders = _rows(workbook["Stakeholders"])
    hostile = next(row for row in stakeholders if row[1] == HOSTILE_NAME)
    assert hostile[6:8] == [4, -2]  # influence, support: numbers, not neutralised text
    value_plan = _rows(workbook["\u00a7 Value plan"])
    assert ["Budget", 120000] in [row[:2] for row in value_plan]
    assert ["Summary", "+ a plus sign first"] in [row[:2] for row in value_plan]


def test_whitespace_grid(workbook: openpyxl.Workbook) -> None:
    sheet = workbook["Whitespace"]
    rows = _rows(sheet)
    assert rows[0][0] == "Whitespace by state"
    assert rows[1][:3] == ["Business unit", "Platform", "Analytics"]
    assert rows[2][:3] == ["Plants", "Owned", "Potential"]
    assert rows[3][:3] == ["Service", "Competitor", "Pipeline"]
    assert sheet["B3"].fill.fgColor.rgb.endswith("1F7A45")
    by_value = rows.index(["Whitespace by value"] + [None] * (len(rows[0]) - 1))
    assert rows[by_value + 2][:3] == ["Plants", 500000, 250000]
    listing = [row for row in rows if row[0] == "Joint objectives" or row[0] == "whitespace"]
    assert len(listing) == 4 and listing[2][5] == "-incumbent renews 2027"


def test_scores_and_summary(workbook: openpyxl.Workbook) -> None:
    scores = _rows(workbook["Scores"])
    assert [row[0] for row in scores[1:]] == ["health"] * 4
    assert {row[3] for row in scores[1:]} == {2.5, 3.5}
    assert _rows(workbook["Reviews"])[1][6] == "health 2.5 (watch)"
    summary = {row[0]: row[1] for row in _rows(workbook["Summary"]) if row[0]}
    assert summary["Account"] == "Acme Industrial"
    assert summary["Revision"] == 2 and summary["Overdue actions"] == 1
    assert summary["Whitespace to win (pipeline + potential)"] == 650000


def test_contents_link_to_every_other_sheet(workbook: openpyxl.Workbook) -> None:
    contents = workbook["Contents"]
    links = {cell.value: cell.hyperlink.location for row in contents.iter_rows()
             for cell in row if cell.hyperlink is not None}
    assert set(links) == set(workbook.sheetnames[1:])
    assert links["\u00a7 Value plan"] == "'\u00a7 Value plan'!A1"


def test_every_sheet_prints_landscape_one_page_wide_in_one_font(
        workbook: openpyxl.Workbook) -> None:
    """Issue 25: sheets printed split by columns, headers in a serif beside sans-serif data."""
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.print_area, sheet.title
        fonts = {cell.font.name for row in sheet.iter_rows() for cell in row
                 if cell.value is not None}
        assert fonts == {"Arial"}, (sheet.title, fonts)
    for name in ("Stakeholders", "Actions", "Findings"):
        assert workbook[name].print_title_rows == "$1:$1"  # the header row on every page


def test_money_in_the_accounts_currency_and_values_under_their_headers(
        workbook: openpyxl.Workbook) -> None:
    summary = {row[0].value: row[1] for row in workbook["Summary"].iter_rows() if row[0].value}
    assert summary["Open pipeline"].number_format == '"$"#,##0'  # the opportunities' USD
    amount = workbook["Opportunities"]["E2"]
    assert amount.value == 500_000 and amount.number_format == '"$"#,##0'
    assert amount.alignment.horizontal == "right" and amount.alignment.indent == 1
    assert workbook["Opportunities"]["E1"].alignment.horizontal == "right"  # with its header
    due = workbook["Actions"]["F2"]
    assert isinstance(due.value, date) and due.alignment.horizontal == "left"


def test_long_section_titles_give_readable_unique_sheet_names() -> None:
    from kamcore_office.workbook import _fit_name

    assert _fit_name("\u00a7 Customer business understanding and more", "") == \
        "\u00a7 Customer business\u2026"
    assert len(_fit_name("\u00a7 " + "x" * 40, " (2)")) == 31


def test_the_workbook_carries_the_account_metrics(workbook: openpyxl.Workbook) -> None:
    """The XLSX export carries the programme metrics with their target bands."""
    rows = _rows(workbook["Metrics"])
    assert rows[0] == ["Quarter", "Metric", "Value", "Quarter before", "Unit", "Trend",
                       "Target", "Status"]
    by_metric = {row[1]: row for row in rows[1:]}
    coverage = by_metric["Executive relationship coverage"]
    assert isinstance(coverage[2], (int, float)) and coverage[6] == "2+ per account"
    assert coverage[7] in {"on target", "below target"}

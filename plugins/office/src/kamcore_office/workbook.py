"""The ``xlsx`` exporter: the plan as an Excel workbook (openpyxl).

Sheets: Summary, Stakeholders, Relationships, Opportunities, Whitespace (the business unit x
product line grid by state and by value, then the cells as a list), Objectives, Actions, Risks,
Scores, Reviews, Metrics (the account's programme metrics of the report's quarter, with the
quarter before, trend, target and status), Findings, then one sheet per plan section in the
methodology's order, named ``§ <section title>``.

Every text cell is typed as a string (``data_type = "s"``), so the workbook holds no formula,
and a text that :func:`kamcore.exporting.formula_like` finds a spreadsheet could evaluate (a
leading ``=``, ``+``, ``-``, ``@``, full-width or after whitespace, a tab, a line break) also
gets Excel's quote-prefix style: the cell shows and keeps its text unchanged, and editing it
in Excel or LibreOffice does not turn it into a formula. Numbers and dates are written as such.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from kamcore.exporting import formula_like
from kamcore.metrics import account_metrics
from kamcore.plan_words import PlanWords
from kamcore.plugin.contributions import ExportContext
from kamcore.rendering import flat, label, score_with_band, step_title
from kamcore.shapes import PlanItems, find_items, iter_sections
from kamcore.snapshot import cards_by_rubric
from kamcore.stakeholder_map import map_people

from .facts import STATE_COLOURS, STATE_LABELS, clean, latest_review

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

HEADER_FILL = "1B2330"
TITLE_COLOUR = "15253D"
MAX_WIDTH = 50
#: Every cell's font, set explicitly (a sans-serif every office suite has or substitutes).
FONT = "Arial"
#: Excel's longest sheet name.
SHEET_NAME_LENGTH = 31
_FORBIDDEN_IN_SHEET_NAMES = str.maketrans({c: "_" for c in "[]:*?/\\"})
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "\u20ac", "GBP": "\u00a3", "JPY": "\u00a5"}


def text_cell(cell: Cell, value: Any) -> None:
    """Put ``value`` in ``cell`` as inert text: a string cell holding the text unchanged
    (less what XML cannot carry), quote-prefixed when it could be read as a formula."""
    text = clean(value)
    cell.value = text
    cell.data_type = "s"
    if formula_like(text):
        cell.quotePrefix = True


def put(cell: Cell, value: Any) -> None:
    """Numbers and dates as themselves, everything else as inert text."""
    if value is None:
        return
    if isinstance(value, bool):
        text_cell(cell, "yes" if value else "no")
    elif isinstance(value, (int, float)):
        cell.value = value
    elif isinstance(value, datetime):
        cell.value = value if value.tzinfo is None else value.astimezone(UTC).replace(
            tzinfo=None)
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, str):
        text_cell(cell, value)
    else:
        text_cell(cell, flat(value))


class _Sheets:
    """Creates sheets with unique, valid names and writes simple tables into them."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.names: set[str] = set()
        self.listed: list[tuple[str, str]] = []

    def new(self, title: str, described: str | None = None) -> Worksheet:
        """A sheet named after ``title`` (shortened at a word, made unique), listed on the
        contents sheet as ``described`` (default: ``title``)."""
        base = clean(title).translate(_FORBIDDEN_IN_SHEET_NAMES).strip("' ") or "Sheet"
        name, number = _fit_name(base, ""), 1
        while name.casefold() in self.names or name.casefold() == "history":
            number += 1
            name = _fit_name(base, f" ({number})")
        self.names.add(name.casefold())
        self.listed.append((name, clean(described or title)))
        return self.workbook.create_sheet(name)


def _fit_name(title: str, suffix: str) -> str:
    """``title`` + ``suffix`` in Excel's 31 characters: a longer title is cut at a word and
    ends with an ellipsis (``§ Customer business…``)."""
    room = SHEET_NAME_LENGTH - len(suffix)
    if len(title) <= room:
        return title + suffix
    cut = title[:room - 1]
    at_word = cut.rsplit(" ", 1)[0]
    if len(at_word) >= room // 2:  # a word boundary not too far back
        cut = at_word
    return cut.rstrip(" -,") + "\u2026" + suffix


def _style_header(sheet: Worksheet, row: int, count: int) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for column in range(1, count + 1):
        cell = sheet.cell(row=row, column=column)
        cell.font = Font(name=FONT, bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True,
                                   horizontal=cell.alignment.horizontal)


def _title(sheet: Worksheet, row: int, text: str) -> int:
    from openpyxl.styles import Font

    cell = sheet.cell(row=row, column=1)
    text_cell(cell, text)
    cell.font = Font(name=FONT, bold=True, size=13, color=TITLE_COLOUR)
    return row + 1


def table(sheet: Worksheet, headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
          start: int = 1, filters: bool = True, formats: Mapping[int, str] | None = None,
          ) -> int:
    """Write a header and rows from row ``start``; return the next free row.

    ``formats`` gives number formats by column index (0-based, e.g. money). A column of
    numbers is right-aligned with its header, with a gap before the next column; dates and text
    are left-aligned. A table from row 1 freezes and repeats its header row on every page."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    numeric = [all(_number(row[index]) for row in rows if row[index] is not None)
               and any(row[index] is not None for row in rows)
               for index in range(len(headers))]
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=start, column=column)
        text_cell(cell, header)
        if numeric[column - 1]:
            cell.alignment = Alignment(horizontal="right")
    _style_header(sheet, start, len(headers))
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=start + offset, column=column)
            put(cell, value)
            if formats and column - 1 in formats and _number(value):
                cell.number_format = formats[column - 1]
            cell.alignment = _aligned(value)
    if start == 1:
        sheet.freeze_panes = "A2"
        sheet.print_title_rows = "1:1"
        if filters and rows:
            sheet.auto_filter.ref = (f"A1:{get_column_letter(len(headers))}"
                                     f"{len(rows) + 1}")
    return start + len(rows) + 2


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _aligned(value: Any) -> Any:
    """Numbers right with a gap before the next column; dates, text left; all at the top."""
    from openpyxl.styles import Alignment

    if _number(value):
        return Alignment(horizontal="right", vertical="top", indent=1)
    return Alignment(horizontal="left", vertical="top", wrap_text=True)


def _money_of(codes: Iterable[str | None]) -> str | None:
    """The money format of the one currency ``codes`` share (None: none or several)."""
    found = {code.upper() for code in codes if code}
    if len(found) != 1:
        return None
    code = found.pop()
    return f'"{CURRENCY_SYMBOLS.get(code, code + " ")}"#,##0'


def money_format(context: ExportContext) -> str:
    """The number format of amounts in the account's currency: the account's
    ``attributes["currency"]``, else the one currency all its opportunities share (symbol for
    USD, EUR, GBP, JPY, else the ISO code in front); plain thousands without either."""
    account = context.snapshot.account
    code = account.attributes.get("currency")
    return (_money_of([code]) if isinstance(code, str) else
            _money_of(o.currency for o in context.snapshot.opportunities)) or "#,##0"


def _print_setup(sheet: Worksheet, account: str) -> None:
    """Landscape, one page wide (as many long as it takes), narrow margins, every font set,
    the sheet and page number in the footer."""
    from openpyxl.styles import Font
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top, sheet.page_margins.bottom = 0.5, 0.75
    sheet.page_margins.header, sheet.page_margins.footer = 0.25, 0.3
    sheet.print_options.gridLines = False
    if sheet.max_row and sheet.max_column:
        sheet.print_area = sheet.dimensions
    sheet.oddFooter.left.text = clean(account).replace("&", "&&") + " \u00b7 &A"
    sheet.oddFooter.right.text = "&P / &N"
    for row in sheet.iter_rows():
        for cell in row:
            font = cell.font
            if font.name != FONT:
                cell.font = Font(name=FONT, size=font.sz or 10, bold=font.b, italic=font.i,
                                 color=font.color)


def _contents(sheet: Worksheet, listed: Sequence[tuple[str, str]], account: str) -> None:
    """A contents sheet: each other sheet's name, linked to it, and what it holds."""
    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    row = _title(sheet, 1, f"Account plan: {account}") + 1
    table(sheet, ["Sheet", "What it holds"], [[name, what] for name, what in listed],
          start=row, filters=False)
    for offset, (name, _what) in enumerate(listed, start=1):
        cell = sheet.cell(row=row + offset, column=1)
        quoted = name.replace("'", "''")
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{quoted}'!A1",
                                   display=name)
        cell.font = Font(name=FONT, color="1F5FA8", underline="single")
    sheet.print_title_rows = f"{row}:{row}"


def _fit_columns(sheet: Worksheet) -> None:
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    headers: list[Cell] = []
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            text = (cell.value.isoformat()[:16] if isinstance(cell.value, (date, datetime))
                    else str(cell.value))
            longest = max((len(line) for line in text.splitlines()), default=0)
            if str(cell.fill.fgColor.rgb).endswith(HEADER_FILL):  # a header wraps at words
                headers.append(cell)
                longest = max([min(longest, 14), *(len(word) for word in text.split())])
            elif _number(cell.value):
                longest += 2  # the indent
            widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for column, width in widths.items():
        widths[column] = min(MAX_WIDTH, max(10, width + 2))
        sheet.column_dimensions[get_column_letter(column)].width = widths[column]
    for cell in headers:  # tall enough for the header's wrapped lines
        lines = math.ceil(len(str(cell.value)) / max(1, widths[cell.column] - 2))
        height = 14.0 * max(1, lines) + 2
        current = sheet.row_dimensions[cell.row].height or 0
        sheet.row_dimensions[cell.row].height = max(current, height)


# -- the sheets ---------------------------------------------------------------------------------


def _summary(sheet: Worksheet, context: ExportContext, items: PlanItems, money: str) -> None:
    from openpyxl.styles import Alignment, Font

    plan, snapshot, methodology = context.plan, context.snapshot, context.methodology
    account = snapshot.account
    today = context.as_of
    row = _title(sheet, 1, f"Account plan: {account.name}")
    facts: list[tuple[str, Any]] = [
        ("Account", account.name), ("Account id", account.id), ("Industry", account.industry),
        ("Tier", account.tier), ("Account manager", account.owner),
        ("Annual revenue", account.annual_revenue),
        ("Business units", ", ".join(sorted(account.business_units))),
        ("Plan", plan.id), ("Revision", plan.revision), ("Updated", plan.updated_at),
        ("Methodology", methodology.title if methodology else
         f"{plan.methodology.name} (not installed)"),
        ("Methodology version", plan.methodology.version), ("Period", plan.period),
        ("Current step", step_title(context)), ("Report as of", today),
        ("Stakeholders", len(map_people(snapshot.stakeholders, items.people))),
        ("Open pipeline", sum(o.amount or 0 for o in snapshot.opportunities
                              if o.status == "open")),
        ("Whitespace to win (pipeline + potential)",
         items.whitespace_value("pipeline", "potential")),
        ("Open actions", len(items.open_actions())),
        ("Overdue actions", len(items.overdue_actions(today))),
        ("Findings", len(context.findings)),
    ]
    row += 1
    for name, value in facts:
        cell = sheet.cell(row=row, column=1)
        text_cell(cell, name)
        cell.font = Font(name=FONT, bold=True)
        cell.alignment = _aligned(name)
        value_cell = sheet.cell(row=row, column=2)
        put(value_cell, value)
        value_cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        if name in ("Annual revenue", "Open pipeline") or name.startswith("Whitespace"):
            value_cell.number_format = money
        row += 1


def _whitespace(sheet: Worksheet, context: ExportContext, items: PlanItems,
                money: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    cells = [c.model for c in items.whitespace]
    units = list(dict.fromkeys(c.business_unit for c in cells))
    units += sorted(u for u in context.snapshot.account.business_units if u not in units)
    lines = list(dict.fromkeys(c.product_line for c in cells))
    grid = {(c.business_unit, c.product_line): c for c in cells}
    row = 1
    for heading, show_value in (("Whitespace by state", False), ("Whitespace by value", True)):
        row = _title(sheet, row, heading)
        text_cell(sheet.cell(row=row, column=1), "Business unit")
        for column, line in enumerate(lines, start=2):
            text_cell(sheet.cell(row=row, column=column), line)
        _style_header(sheet, row, len(lines) + 1)
        for unit in units:
            row += 1
            head = sheet.cell(row=row, column=1)
            text_cell(head, unit)
            head.font = Font(bold=True)
            for column, line in enumerate(lines, start=2):
                cell = sheet.cell(row=row, column=column)
                found = grid.get((unit, line))
                if found is None:
                    continue
                if show_value:
                    put(cell, found.value)
                    cell.number_format = money
                else:
                    text_cell(cell, STATE_LABELS[found.state])
                fill, ink = STATE_COLOURS[found.state]
                cell.fill = PatternFill("solid", fgColor=fill)
                cell.font = Font(color=ink, bold=not show_value)
                cell.alignment = Alignment(horizontal="center")
        row += 2
    if not cells:
        text_cell(sheet.cell(row=row, column=1), "No whitespace cells in this plan.")
        return
    row = _title(sheet, row, "Cells")
    table(sheet, ["Section", "Business unit", "Product line", "State", "Value", "Note"],
          [[c.section, c.model.business_unit, c.model.product_line,
            STATE_LABELS[c.model.state], c.model.value, c.model.note]
           for c in items.whitespace], start=row, formats={4: money})


def _section_sheet(sheet: Worksheet, title: str, data: Any) -> None:
    row = _title(sheet, 1, title)
    if data in (None, [], {}, ""):
        text_cell(sheet.cell(row=row + 1, column=1), "Not filled in yet.")
        return
    _value(sheet, row + 1, data, title)


def _columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    columns: list[str] = []
    for item in rows:
        columns.extend(str(k) for k in item if str(k) not in columns)
    return columns


def _is_table(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _value(sheet: Worksheet, row: int, value: Any, name: str) -> int:
    """Write section data from ``row``: tables for lists of objects, key/value rows for
    objects (their tables below, under a heading), one value per row for lists."""
    from openpyxl.styles import Font

    if _is_table(value):
        columns = _columns(value)
        return table(sheet, [label(c) for c in columns],
                     [[_cell_value(item.get(c)) for c in columns] for item in value],
                     start=row, filters=False)
    if isinstance(value, Mapping):
        nested = []
        for key, item in value.items():
            if _is_table(item) or (isinstance(item, Mapping) and any(
                    _is_table(v) or isinstance(v, Mapping) for v in item.values())):
                nested.append((key, item))
                continue
            cell = sheet.cell(row=row, column=1)
            text_cell(cell, label(key))
            cell.font = Font(bold=True)
            put(sheet.cell(row=row, column=2), _cell_value(item))
            row += 1
        for key, item in nested:
            row += 1
            heading = sheet.cell(row=row, column=1)
            text_cell(heading, label(key))
            heading.font = Font(bold=True, color=TITLE_COLOUR)
            row = _value(sheet, row + 1, item, str(key))
        return row + 1
    if isinstance(value, list):
        for item in value:
            put(sheet.cell(row=row, column=1), _cell_value(item))
            row += 1
        return row + 1
    put(sheet.cell(row=row, column=1), _cell_value(value))
    return row + 2


def _cell_value(value: Any) -> Any:
    """Scalars stay (numbers as numbers); nested values become one line of text."""
    if isinstance(value, (Mapping, list, tuple, set, frozenset)):
        return flat(value)
    return value


def render_xlsx(context: ExportContext) -> bytes:
    """The workbook's bytes."""
    from openpyxl import Workbook

    plan, snapshot = context.plan, context.snapshot
    items = find_items(plan, context.methodology)
    today = context.as_of
    workbook = Workbook()
    sheets = _Sheets(workbook)
    contents = workbook.active
    contents.title = "Contents"
    sheets.names.add("contents")
    money = money_format(context)
    _summary(sheets.new("Summary", "The account and the plan at a glance"), context, items,
             money)

    names = {s.id: s.name for s in snapshot.stakeholders}
    table(sheets.new("Stakeholders", "The account's stakeholders, as on record"),
          ["Id", "Name", "Title", "Business unit", "Seniority", "Roles", "Influence (1-5)",
           "Support (-2..+2)", "Relationship strength (0-5)", "Decision authority",
           "Our owner", "Last contact", "Email"],
          [[s.id, s.name, s.title, s.business_unit, s.seniority, ", ".join(sorted(s.roles)),
            s.influence, s.support, s.relationship_strength, s.decision_authority,
            s.seller_owner, s.last_contact, s.email] for s in snapshot.stakeholders])
    table(sheets.new("Relationships", "Who reports to, influences or conflicts with whom"),
          ["From", "Relationship", "To", "Note"],
          [[names.get(r.source_id, r.source_id), label(r.type),
            names.get(r.target_id, r.target_id), r.note] for r in snapshot.relationships])
    table(sheets.new("Opportunities", "Open and closed deals"),
          ["Id", "Name", "Stage", "Status", "Amount", "Currency", "Close date",
           "Probability (%)", "Product line", "Business unit"],
          [[o.id, o.name, o.stage, o.status, o.amount, o.currency, o.close_date,
            o.probability, o.product_line, o.business_unit] for o in snapshot.opportunities],
          formats={4: _money_of(o.currency for o in snapshot.opportunities) or money})
    _whitespace(sheets.new("Whitespace", "Business unit \u00d7 product line, by state and "
                           "value"), context, items, money)
    table(sheets.new("Objectives", "Joint objectives and the customer's sign-off"),
          ["Section", "Id", "Title", "Description", "Measure", "Target", "Due",
           "Signed off by", "Sign-off title", "Sign-off date"],
          [[o.section, o.model.id, o.model.title, o.model.description, o.model.measure,
            o.model.target, o.model.due,
            *((o.model.customer_signoff.name, o.model.customer_signoff.title,
               o.model.customer_signoff.date) if o.model.customer_signoff else
              (None, None, None))] for o in items.objectives])
    overdue = {a.location for a in items.overdue_actions(today)}
    table(sheets.new("Actions", "Every action of the plan, overdue marked"),
          ["Section", "Id", "Title", "Owner", "Customer owner", "Due", "Status", "Objective",
           "Overdue"],
          [[a.section, a.model.id, a.model.title, a.model.owner, a.model.customer_owner,
            a.model.due, a.model.status, a.model.objective,
            a.location in overdue] for a in items.actions])
    table(sheets.new("Risks", "Risks by likelihood and impact"),
          ["Section", "Title", "Category", "Likelihood (1-5)", "Impact (1-5)", "Exposure",
           "Mitigation", "Owner"],
          [[r.section, r.model.title, r.model.category, r.model.likelihood, r.model.impact,
            r.model.likelihood * r.model.impact, r.model.mitigation, r.model.owner]
           for r in items.risks])
    score_rows = []
    for name, cards in cards_by_rubric(snapshot.score_cards, plan_id=plan.id).items():
        for card in cards:
            for criterion, value in card.values.items():
                score_rows.append([name, card.rubric.version, card.scored_at, card.total,
                                   card.band, criterion, value, criterion in card.inputs])
    table(sheets.new("Scores", "Every score card, criterion by criterion"),
          ["Rubric", "Version", "Scored at", "Total", "Band", "Criterion", "Value",
           "Entered by a person"], score_rows)
    latest = latest_review(context)
    table(sheets.new("Reviews", "Reviews held, their decisions and scores"),
          ["Date", "Kind", "Attendees", "Plan revision", "Decisions", "Notes", "Scores",
           "Latest"],
          [[r.date, r.review_kind, ", ".join(r.attendees), r.plan_revision,
            "\n".join(r.decisions), r.notes,
            "; ".join(f"{c.rubric.name} {score_with_band(c.total, c.band)}"
                      for c in r.score_cards), r is latest]
           for r in sorted(snapshot.reviews_of(plan.id), key=lambda r: (r.date, r.id))])
    quarter, metrics = account_metrics(snapshot, context.methodology, context.as_of)
    table(sheets.new("Metrics", "Programme metrics of the account, by quarter"),
          ["Quarter", "Metric", "Value", "Quarter before", "Unit", "Trend", "Target", "Status"],
          [[str(quarter), v.metric.title, v.value, v.previous, v.metric.unit, v.trend,
            v.metric.target.text if v.metric.target else None, v.status] for v in metrics])
    words = PlanWords.of(plan, context.methodology, snapshot.stakeholders)
    table(sheets.new("Findings", "What the methodology's checks say"),
          ["Severity", "Code", "Message", "Where", "Source"],
          [[f.severity, f.code, f.message, words.where(f), f.source]
           for f in sorted(context.findings, key=lambda f: f.sort_key())])
    for key, title, data in iter_sections(plan, context.methodology):
        _section_sheet(sheets.new(f"\u00a7 {title or key}", f"Section: {title or key}"),
                       title or key, data)
    _contents(contents, sheets.listed, snapshot.account.name)
    for sheet in workbook.worksheets:
        _fit_columns(sheet)
        _print_setup(sheet, snapshot.account.name)

    stamp = (plan.updated_at or datetime(2000, 1, 1, tzinfo=UTC)).astimezone(UTC).replace(
        tzinfo=None)
    workbook.properties.creator = "kamcore"
    workbook.properties.title = clean(f"Account plan: {snapshot.account.name}")
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

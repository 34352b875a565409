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
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from kamcore.exporting import formula_like
from kamcore.metrics import account_metrics
from kamcore.plugin.contributions import ExportContext
from kamcore.rendering import flat, label, score_with_band, step_title
from kamcore.shapes import PlanItems, find_items, iter_sections
from kamcore.snapshot import cards_by_rubric

from .facts import STATE_COLOURS, STATE_LABELS, clean, latest_review

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

HEADER_FILL = "1B2330"
TITLE_COLOUR = "15253D"
MAX_WIDTH = 60
_FORBIDDEN_IN_SHEET_NAMES = str.maketrans({c: "_" for c in "[]:*?/\\"})


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

    def new(self, title: str) -> Worksheet:
        base = clean(title).translate(_FORBIDDEN_IN_SHEET_NAMES).strip("' ")[:31] or "Sheet"
        name, number = base, 1
        while name.casefold() in self.names or name.casefold() == "history":
            number += 1
            suffix = f" ({number})"
            name = base[: 31 - len(suffix)] + suffix
        self.names.add(name.casefold())
        return self.workbook.create_sheet(name)


def _style_header(sheet: Worksheet, row: int, count: int) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for column in range(1, count + 1):
        cell = sheet.cell(row=row, column=column)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def _title(sheet: Worksheet, row: int, text: str) -> int:
    from openpyxl.styles import Font

    cell = sheet.cell(row=row, column=1)
    text_cell(cell, text)
    cell.font = Font(bold=True, size=13, color=TITLE_COLOUR)
    return row + 1


def table(sheet: Worksheet, headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
          start: int = 1, filters: bool = True) -> int:
    """Write a header and rows from row ``start``; return the next free row."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for column, header in enumerate(headers, start=1):
        text_cell(sheet.cell(row=start, column=column), header)
    _style_header(sheet, start, len(headers))
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=start + offset, column=column)
            put(cell, value)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    if start == 1:
        sheet.freeze_panes = "A2"
        if filters and rows:
            sheet.auto_filter.ref = (f"A1:{get_column_letter(len(headers))}"
                                     f"{len(rows) + 1}")
    return start + len(rows) + 2


def _fit_columns(sheet: Worksheet) -> None:
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            text = (cell.value.isoformat()[:16] if isinstance(cell.value, (date, datetime))
                    else str(cell.value))
            longest = max((len(line) for line in text.splitlines()), default=0)
            widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(MAX_WIDTH,
                                                                       max(10, width + 2))


# -- the sheets ---------------------------------------------------------------------------------


def _summary(sheet: Worksheet, context: ExportContext, items: PlanItems) -> None:
    from openpyxl.styles import Font

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
        ("Stakeholders", len(snapshot.stakeholders)),
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
        cell.font = Font(bold=True)
        put(sheet.cell(row=row, column=2), value)
        if name in ("Annual revenue", "Open pipeline") or name.startswith("Whitespace"):
            sheet.cell(row=row, column=2).number_format = "#,##0"
        row += 1


def _whitespace(sheet: Worksheet, context: ExportContext, items: PlanItems) -> None:
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
                    cell.number_format = "#,##0"
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
           for c in items.whitespace], start=row)


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
    workbook.remove(workbook.active)
    _summary(sheets.new("Summary"), context, items)

    names = {s.id: s.name for s in snapshot.stakeholders}
    table(sheets.new("Stakeholders"),
          ["Id", "Name", "Title", "Business unit", "Seniority", "Roles", "Influence (1-5)",
           "Support (-2..+2)", "Relationship strength (0-5)", "Decision authority",
           "Our owner", "Last contact", "Email"],
          [[s.id, s.name, s.title, s.business_unit, s.seniority, ", ".join(sorted(s.roles)),
            s.influence, s.support, s.relationship_strength, s.decision_authority,
            s.seller_owner, s.last_contact, s.email] for s in snapshot.stakeholders])
    table(sheets.new("Relationships"), ["From", "Relationship", "To", "Note"],
          [[names.get(r.source_id, r.source_id), label(r.type),
            names.get(r.target_id, r.target_id), r.note] for r in snapshot.relationships])
    table(sheets.new("Opportunities"),
          ["Id", "Name", "Stage", "Status", "Amount", "Currency", "Close date",
           "Probability (%)", "Product line", "Business unit"],
          [[o.id, o.name, o.stage, o.status, o.amount, o.currency, o.close_date,
            o.probability, o.product_line, o.business_unit] for o in snapshot.opportunities])
    _whitespace(sheets.new("Whitespace"), context, items)
    table(sheets.new("Objectives"),
          ["Section", "Id", "Title", "Description", "Measure", "Target", "Due",
           "Signed off by", "Sign-off title", "Sign-off date"],
          [[o.section, o.model.id, o.model.title, o.model.description, o.model.measure,
            o.model.target, o.model.due,
            *((o.model.customer_signoff.name, o.model.customer_signoff.title,
               o.model.customer_signoff.date) if o.model.customer_signoff else
              (None, None, None))] for o in items.objectives])
    overdue = {a.location for a in items.overdue_actions(today)}
    table(sheets.new("Actions"),
          ["Section", "Id", "Title", "Owner", "Customer owner", "Due", "Status", "Objective",
           "Overdue"],
          [[a.section, a.model.id, a.model.title, a.model.owner, a.model.customer_owner,
            a.model.due, a.model.status, a.model.objective,
            a.location in overdue] for a in items.actions])
    table(sheets.new("Risks"),
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
    table(sheets.new("Scores"), ["Rubric", "Version", "Scored at", "Total", "Band",
                                 "Criterion", "Value", "Entered by a person"], score_rows)
    latest = latest_review(context)
    table(sheets.new("Reviews"),
          ["Date", "Kind", "Attendees", "Plan revision", "Decisions", "Notes", "Scores",
           "Latest"],
          [[r.date, r.review_kind, ", ".join(r.attendees), r.plan_revision,
            "\n".join(r.decisions), r.notes,
            "; ".join(f"{c.rubric.name} {score_with_band(c.total, c.band)}"
                      for c in r.score_cards), r is latest]
           for r in sorted(snapshot.reviews_of(plan.id), key=lambda r: (r.date, r.id))])
    quarter, metrics = account_metrics(snapshot, context.methodology, context.as_of)
    table(sheets.new("Metrics"),
          ["Quarter", "Metric", "Value", "Quarter before", "Unit", "Trend", "Target", "Status"],
          [[str(quarter), v.metric.title, v.value, v.previous, v.metric.unit, v.trend,
            v.metric.target.text if v.metric.target else None, v.status] for v in metrics])
    table(sheets.new("Findings"), ["Severity", "Code", "Message", "Path", "Source"],
          [[f.severity, f.code, f.message, f.path, f.source]
           for f in sorted(context.findings, key=lambda f: f.sort_key())])
    for key, title, data in iter_sections(plan, context.methodology):
        _section_sheet(sheets.new(f"\u00a7 {title or key}"), title or key, data)
    for sheet in workbook.worksheets:
        _fit_columns(sheet)

    stamp = (plan.updated_at or datetime(2000, 1, 1, tzinfo=UTC)).astimezone(UTC).replace(
        tzinfo=None)
    workbook.properties.creator = "kamcore"
    workbook.properties.title = clean(f"Account plan: {snapshot.account.name}")
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

"""The ``csv`` exporter: the plan's actions as a CSV table, safe to open in a spreadsheet.

The actions are found in any section (see :mod:`kamcore.shapes`), so the export works for every
methodology. Cells are written by :func:`kamcore.builtin.csv_table.render_table`: formulas
neutralised, a UTF-8 byte-order mark first unless the options say ``bom: False``.
"""

from __future__ import annotations

from ..plugin.contributions import ExportContext
from ..shapes import find_items
from .csv_table import render_table

COLUMNS = ("plan", "section", "id", "title", "owner", "customer_owner", "due", "status",
           "objective")


def render_csv(context: ExportContext) -> str:
    """One header row, then one row per action."""
    return render_table(COLUMNS, ([
        context.plan.id, item.section, item.model.id, item.model.title, item.model.owner,
        item.model.customer_owner, item.model.due.isoformat() if item.model.due else None,
        item.model.status, item.model.objective]
        for item in find_items(context.plan, context.methodology).actions), context.options)

"""The ``csv`` exporter: the plan's actions as a CSV table, safe to open in a spreadsheet.

The actions are found in any section (see :mod:`kamcore.shapes`), so the export
works for every methodology. Every text cell goes through
:func:`kamcore.exporting.neutralise_formula`: a value a spreadsheet could evaluate (OWASP's
leading ``=``, ``+``, ``-``, ``@``, tab, carriage return, also line feed, leading whitespace and
the full-width signs) gets an apostrophe in front, so a spreadsheet shows it as text instead of
running it as a formula.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ..plugin.contributions import ExportContext
from ..shapes import find_items

COLUMNS = ("plan", "section", "id", "title", "owner", "customer_owner", "due", "status",
           "objective")


def _cell(value: Any) -> str:
    from ..exporting import neutralise_formula

    if value is None:
        return ""
    return neutralise_formula(str(value))


def render_csv(context: ExportContext) -> str:
    """One header row, then one row per action (``\\r\\n`` line ends, as RFC 4180 says)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in find_items(context.plan, context.methodology).actions:
        action = item.model
        writer.writerow([_cell(v) for v in (
            context.plan.id, item.section, action.id, action.title, action.owner,
            action.customer_owner, action.due.isoformat() if action.due else None,
            action.status, action.objective)])
    return out.getvalue()

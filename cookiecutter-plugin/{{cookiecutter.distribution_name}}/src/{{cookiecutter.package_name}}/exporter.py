"""An exporter: the plan's actions as CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from kamcore import ExportContext
from kamcore.exporting import neutralise_formula

COLUMNS = ("title", "owner", "due", "status")


def render_actions_csv(context: ExportContext) -> str:
    """One row per action of the plan's ``actions`` section; every cell formula-neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for action in context.plan.sections.get("actions", []):
        writer.writerow([neutralise_formula(str(action.get(c) or "")) for c in COLUMNS])
    return out.getvalue()

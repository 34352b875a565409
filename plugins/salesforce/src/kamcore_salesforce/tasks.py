"""Write-back: a plan's actions as a Salesforce Task CSV for Data Loader (``salesforce-tasks``).

One row per action, with the columns Data Loader maps onto Task fields: ``Subject``,
``ActivityDate`` (the due date), ``Status``, ``Priority``, ``WhatId`` (the account's
Salesforce Id) and ``Description`` (where the action comes from, its owners and objective).
Every cell goes through :func:`kamcore.exporting.neutralise_formula`, so a title starting
with ``=`` stays text when the file is opened in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from kamcore.errors import InvalidInputError
from kamcore.exporting import neutralise_formula
from kamcore.model import Action, Plan
from kamcore.plugin.contributions import ExportContext
from kamcore.shapes import find_items

if TYPE_CHECKING:
    from kamcore.methodology import Methodology

COLUMNS = ("Subject", "ActivityDate", "Status", "Priority", "WhatId", "Description")

#: kamcore action status -> Salesforce's standard Task Status values.
STATUS: dict[str, str] = {
    "open": "Not Started",
    "in_progress": "In Progress",
    "done": "Completed",
    "blocked": "Waiting on someone else",
    "cancelled": "Deferred",
}
PRIORITY: dict[str, str] = {"high": "High", "normal": "Normal", "medium": "Normal",
                            "low": "Low"}
#: Task.Subject holds at most 255 characters.
SUBJECT_MAX = 255


def plan_actions(plan: Plan, methodology: Methodology | None = None,
                 ) -> Iterator[tuple[str, Action, Mapping[str, Any]]]:
    """``(path, action, item data)`` for every valid action of the plan's sections, as the
    core recognises them (:func:`kamcore.shapes.find_items`; ``methodology`` adds its schema
    hints), so this exporter lists the same actions as the other exporters."""
    for item in find_items(plan, methodology).actions:
        yield item.location, item.model, item.item


def _description(plan: Plan, path: str, action: Action) -> str:
    lines = [f"kamcore plan {plan.id}, {path}"]
    if action.id:
        lines.append(f"Action id: {action.id}")
    if action.owner:
        lines.append(f"Owner: {action.owner}")
    if action.customer_owner:
        lines.append(f"Customer owner: {action.customer_owner}")
    if action.objective:
        lines.append(f"Objective: {action.objective}")
    return "\n".join(lines)


def render_tasks(context: ExportContext) -> str:
    """The Task CSV of the plan's actions (header only when it has none)."""
    account = context.snapshot.account
    what_id = account.external_ids.get("salesforce")
    if not what_id:
        raise InvalidInputError(
            f"account {account.id!r} has no Salesforce Id (external_ids.salesforce), so its "
            "tasks cannot be linked (WhatId); import the account from Salesforce first")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for path, action, data in plan_actions(context.plan, context.methodology):
        priority = data.get("priority")
        row = (
            action.title[:SUBJECT_MAX],
            action.due.isoformat() if action.due else "",
            STATUS[action.status],
            PRIORITY.get(priority.lower(), "Normal") if isinstance(priority, str) else "Normal",
            what_id,
            _description(context.plan, path, action),
        )
        writer.writerow([neutralise_formula(cell) for cell in row])
    return out.getvalue()

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
from typing import Any

from kamcore.contributions import ExportContext
from kamcore.errors import InvalidInputError
from kamcore.exporting import neutralise_formula
from kamcore.model import Action, Plan

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
_ACTION_WORDS = ("action", "initiative", "task", "next_step", "commitment", "todo")


def plan_actions(plan: Plan) -> Iterator[tuple[str, Action, Mapping[str, Any]]]:
    """``(path, action, item data)`` for every action-shaped item of the plan's sections.

    Uses the core's recogniser (``kamcore.builtin.plan_items``) when it is there, so this
    exporter lists the same actions as the other exporters; else lists named like actions.
    """
    try:
        from kamcore.builtin.plan_items import find_items
    except ImportError:
        yield from _named_actions(plan)
        return
    for item in find_items(plan).actions:
        yield item.path, item.shape, item.data


def _named_actions(plan: Plan) -> Iterator[tuple[str, Action, Mapping[str, Any]]]:
    def walk(value: Any, path: str, name: str) -> Iterator[tuple[str, Action, Mapping[str, Any]]]:
        if isinstance(value, Mapping):
            for key, sub in value.items():
                yield from walk(sub, f"{path}.{key}", str(key))
        elif isinstance(value, list):
            named = any(word in name.lower() for word in _ACTION_WORDS)
            for index, item in enumerate(value):
                if named and isinstance(item, Mapping) and isinstance(item.get("title"), str):
                    known = {k: v for k, v in item.items() if k in Action.model_fields}
                    try:
                        yield f"{path}[{index}]", Action.model_validate(known), item
                    except ValueError:
                        continue
                elif isinstance(item, Mapping | list):
                    yield from walk(item, f"{path}[{index}]", name)

    for key, data in plan.sections.items():
        yield from walk(data, f"sections.{key}", key)


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
    for path, action, data in plan_actions(context.plan):
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

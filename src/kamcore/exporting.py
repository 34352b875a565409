"""Exporting a plan: gather its context once, hand it to the chosen exporter."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from .model import Plan
from .planning import check_plan
from .plugin.contributions import ExportContext
from .plugin.registry import Registry
from .snapshot import AccountSnapshot
from .store import Workspace


def export_context(workspace: Workspace, registry: Registry, plan: Plan, *,
                   as_of: date | None = None,
                   options: Mapping[str, Any] | None = None) -> ExportContext:
    """The plan, its account's snapshot, its methodology (None if not installed) and findings."""
    return _context(registry, plan, workspace.snapshot(plan.account_id), as_of, options)


def _context(registry: Registry, plan: Plan, snapshot: AccountSnapshot, as_of: date | None,
             options: Mapping[str, Any] | None) -> ExportContext:
    methodology = registry.methodologies.get(plan.methodology.name)
    findings = (check_plan(plan, methodology, snapshot, registry.host, as_of)
                if methodology is not None else [])
    return ExportContext(plan=plan, snapshot=snapshot, methodology=methodology,
                         findings=tuple(findings), options=dict(options or {}))


def export_contexts(workspace: Workspace, registry: Registry, *,
                    as_of: date | None = None) -> Iterator[ExportContext]:
    """The :func:`export_context` of every plan, account by account (plans in id order within
    an account), reading the workspace in one streamed pass (:meth:`Workspace.snapshots`); a
    plan whose account does not exist comes last, read on its own."""
    seen: set[str] = set()
    for snapshot in workspace.snapshots():
        for plan in snapshot.plans:
            seen.add(plan.id)
            yield _context(registry, plan, snapshot, as_of, None)
    for plan_id in workspace.ids(Plan):
        if plan_id not in seen:
            yield export_context(workspace, registry, workspace.get(Plan, plan_id), as_of=as_of)


def render_plan(workspace: Workspace, registry: Registry, plan: Plan, format_name: str, *,
                options: Mapping[str, Any] | None = None) -> str | bytes:
    """Render ``plan`` with the exporter ``format_name``."""
    exporter = registry.exporter(format_name)
    return exporter.render(export_context(workspace, registry, plan, options=options))


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """Make a spreadsheet cell value inert: a leading ``= + - @``, tab or carriage return gets
    an apostrophe in front, so CSV/XLSX readers show it as text instead of evaluating it."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text

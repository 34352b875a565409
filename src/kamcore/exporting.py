"""Exporting a plan: gather its context once, hand it to the chosen exporter."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from .contributions import ExportContext
from .model import Plan
from .planning import check_plan
from .registry import Registry
from .store import Workspace


def export_context(workspace: Workspace, registry: Registry, plan: Plan, *,
                   as_of: date | None = None,
                   options: Mapping[str, Any] | None = None) -> ExportContext:
    """The plan, its account's snapshot, its methodology (None if not installed) and findings."""
    snapshot = workspace.snapshot(plan.account_id)
    methodology = registry.methodologies.get(plan.methodology.name)
    findings = (check_plan(plan, methodology, snapshot, registry.host, as_of)
                if methodology is not None else [])
    return ExportContext(plan=plan, snapshot=snapshot, methodology=methodology,
                         findings=tuple(findings), options=dict(options or {}))


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

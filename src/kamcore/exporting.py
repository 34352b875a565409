"""Exporting a plan: gather its context once, hand it to the chosen exporter."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from .model import Finding, Plan
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
             options: Mapping[str, Any] | None,
             findings: Sequence[Finding] | None = None) -> ExportContext:
    """The context of ``plan``; ``findings`` None: checked now."""
    methodology = registry.methodologies.get(plan.methodology.name)
    if findings is None:
        findings = (check_plan(plan, methodology, snapshot, registry.host, as_of)
                    if methodology is not None else [])
    return ExportContext(plan=plan, snapshot=snapshot, methodology=methodology,
                         findings=tuple(findings), options=dict(options or {}))


def export_contexts(workspace: Workspace, registry: Registry, *,
                    as_of: date | None = None,
                    options: Mapping[str, Any] | None = None) -> Iterator[ExportContext]:
    """The :func:`export_context` of every plan, account by account (plans in id order within
    an account), reading the workspace in one streamed pass (:meth:`Workspace.snapshots`); a
    plan whose account does not exist comes last, read on its own.

    The findings are the kept ones (:func:`kamcore.portfolio.plan_findings`): the checks run
    again only for the accounts that changed since the last portfolio view or export (or
    all of them on another day, or with other plugins). A plan it has none for (an account
    created meanwhile) is checked here.
    """
    from .portfolio import plan_findings

    kept = plan_findings(workspace, registry, as_of)
    pending = next(kept, None)  # computes and keeps what changed before the pass starts
    seen: set[str] = set()
    for snapshot in workspace.snapshots():
        account_id = snapshot.account.id
        while pending is not None and pending[0] < account_id:
            pending = next(kept, None)
        found = pending[1] if pending is not None and pending[0] == account_id else {}
        for plan in snapshot.plans:
            seen.add(plan.id)
            yield _context(registry, plan, snapshot, as_of, options, found.get(plan.id))
    for plan_id in workspace.ids(Plan):
        if plan_id not in seen:
            yield export_context(workspace, registry, workspace.get(Plan, plan_id), as_of=as_of,
                                 options=options)


def render_plan(workspace: Workspace, registry: Registry, plan: Plan, format_name: str, *,
                options: Mapping[str, Any] | None = None) -> str | bytes:
    """Render ``plan`` with the exporter ``format_name``."""
    exporter = registry.exporter(format_name)
    return exporter.render(export_context(workspace, registry, plan, options=options))


#: How a cell that a spreadsheet could evaluate starts (OWASP "CSV Injection"): a tab, carriage
#: return, line feed or NUL, or, after any leading whitespace, a formula sign ``= + - @`` in
#: ASCII or full width (U+FF1D, U+FF0B, U+FF0D, U+FF20, which East Asian input methods type).
_FORMULA_START = re.compile(r"[\t\r\n\x00]|[\s\x00]*[=+\-@\uff1d\uff0b\uff0d\uff20]")
#: A plain signed decimal number, which a spreadsheet reads as that number and nothing more.
_SIGNED_NUMBER = re.compile(r"[+-][0-9]+(?:\.[0-9]+)?")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula: it starts with a tab, carriage
    return, line feed or NUL, or its first character after any leading whitespace is ``=``,
    ``+``, ``-``, ``@`` or one of their full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20). A
    plain signed decimal number such as ``-5`` or ``+2.5`` is not formula-like: a spreadsheet
    reads it as the same number."""
    return (_FORMULA_START.match(text) is not None
            and _SIGNED_NUMBER.fullmatch(text) is None)


def neutralise_formula(text: str) -> str:
    """Make a CSV cell inert: a :func:`formula_like` text gets an apostrophe in front (OWASP's
    rule), so a spreadsheet shows it as text instead of evaluating it; any other text is
    returned unchanged. The CSV writer quotes and escapes the result as RFC 4180 says.

    Cell formats with a type of their own do not change the value: the ``xlsx`` exporter
    writes the original text as a string cell with Excel's quote-prefix style instead."""
    return "'" + text if formula_like(text) else text

"""The plan page (``GET /plans/{id}``): the methodology's steps with the plan's place among them
and the current step's gate, the findings (each linked to the section at fault), each section
(read, then edited in place as a form generated from its JSON Schema, see :mod:`.forms`),
advancing, and the history (what each revision changed, in the words of ``kam plan diff``,
shown on demand).

A section form carries the plan revision it was read at; saving calls
:func:`kamcore.operations.set_section` with it. Invalid data comes back as the form with each
problem at its field; a stale save (someone saved the plan since) comes back as the form with
who changed it, the section as they saved it beside what was typed (kept), and the current
revision, so saving again is a decision.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from kamcore import operations
from kamcore.errors import ConflictError, InvalidInputError
from kamcore.methodology import Methodology
from kamcore.model import Account, Finding, Plan
from kamcore.operations import Actor
from kamcore.planning import AdvanceRefused
from kamcore.plugin.registry import get_registry
from kamcore.store import Workspace

from ..principal import Principal
from ..rules import KamRouter, checker, require_account, workspace
from . import forms
from .rendering import PageRoute, go, page
from .reviewing import reviews_view

router = KamRouter(tags=["pages"], include_in_schema=False, route_class=PageRoute)

#: How many revisions the history shows (newest first).
HISTORY: int = 30


def plan_of(ws: Workspace, who: Principal, plan_id: str, *, write: bool = False
            ) -> tuple[Plan, Methodology]:
    """The plan ``who`` may see (or change, with ``write``) and its methodology."""
    plan = ws.get(Plan, plan_id)
    require_account(who, plan.account_id, write=write)
    return plan, get_registry().methodology(plan.methodology.name)


def section_keys(methodology: Methodology) -> list[str]:
    """The methodology's sections in the order its steps first work on them."""
    ordered = [key for step in methodology.steps for key in step.sections]
    ordered += [section.key for section in methodology.sections]
    return list(dict.fromkeys(ordered))


_REQUIRED_SECTION = re.compile(r"'([A-Za-z0-9_]+)' is a required property")


def section_of(finding: Finding) -> str | None:
    """The plan section a finding is about, for its link to that section on the page: the key
    its path starts with (``sections.KEY...``), or, for a finding on the sections as a whole,
    the section it says is required (a gate on an empty section); else None."""
    path = finding.path or ""
    if path.startswith("sections."):
        return re.split(r"[.\[]", path[len("sections."):], maxsplit=1)[0] or None
    if path == "sections":
        required = _REQUIRED_SECTION.search(finding.message)
        return required.group(1) if required else None
    return None


def _findings_of(findings: list[Finding], key: str) -> list[Finding]:
    prefix = f"sections.{key}"
    return [f for f in findings if f.path == prefix or (f.path or "").startswith(
        (prefix + ".", prefix + "["))]


def section_view(who: Principal, plan: Plan, methodology: Methodology, key: str,
                 findings: list[Finding], *, editing: bool = False, value: Any = forms.MISSING,
                 errors: dict[str, list[str]] | None = None, revision: int | None = None,
                 conflict: ConflictError | None = None, saved: bool = False) -> dict[str, Any]:
    """What ``_section.html`` shows of section ``key``: read, or as its form (``editing``)
    holding ``value`` (default: the plan's data) with ``errors`` at their fields. With a
    ``conflict``, ``theirs`` is the section as ``plan`` (the plan now) has it, shown beside
    the form that keeps what was typed."""
    section = methodology.section(key)
    shown = plan.sections.get(key, forms.MISSING) if value is forms.MISSING else value
    left = dict(errors or {})
    item = forms.widget(section.schema.schema)
    bound = forms.bind(item, shown, left)
    theirs = forms.bind(item, plan.sections.get(key, forms.MISSING), {}) if conflict else None
    return {"plan": plan, "section": section, "bound": bound, "filled": key in plan.sections,
            "theirs": theirs,
            "editing": editing, "loose": left, "conflict": conflict, "saved": saved,
            "revision": plan.revision if revision is None else revision,
            "findings": _findings_of(findings, key),
            "may_write": who.role in ("admin", "member")}


def _fragment(request: Request, who: Principal, ws: Workspace, plan: Plan,
              methodology: Methodology, key: str, **state: Any) -> HTMLResponse:
    _, findings = operations.check(ws, plan.id)
    return page(request, who, "_section.html", option_value=forms.option_value,
                sec=section_view(who, plan, methodology, key, findings, **state))


@router.get("/plans/{plan_id}", access="read", response_class=HTMLResponse)
def plan_page(plan_id: str, request: Request, who: Principal = Depends(checker("read")),
              ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """The plan: steps and gate, findings, sections, advance, reviews, downloads, history."""
    plan, methodology = plan_of(ws, who, plan_id)
    _, findings = operations.check(ws, plan.id)
    current = methodology.step_index(plan.step)
    steps = [{"step": step, "state": "done" if index < current else
              "current" if index == current else "next"}
             for index, step in enumerate(methodology.steps)]
    gate = [f for f in findings if f.code == "gate-not-met"]
    history = list(reversed(ws.history(Plan, plan.id)))[:HISTORY]
    sections = [section_view(who, plan, methodology, key, findings)
                for key in section_keys(methodology)]
    account = ws.get(Account, plan.account_id)
    return page(request, who, "plan.html", plan=plan, account=account,
                methodology=methodology, steps=steps,
                current=methodology.steps[current], gate=gate, findings=findings,
                sections=sections, history=history, last=current + 1 >= len(methodology.steps),
                rv=reviews_view(ws, who, plan, methodology),
                may_write=who.role in ("admin", "member"), option_value=forms.option_value,
                section_of=section_of)


@router.get("/plans/{plan_id}/sections/{key}", access="read", response_class=HTMLResponse)
def section_fragment(plan_id: str, key: str, request: Request, edit: bool = False,
                     who: Principal = Depends(checker("read")),
                     ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """One section, read (or as its form with ``?edit=true``), at the plan's revision now."""
    plan, methodology = plan_of(ws, who, plan_id, write=edit)
    return _fragment(request, who, ws, plan, methodology, key, editing=edit)


@router.post("/plans/{plan_id}/sections/{key}", access="write", response_class=HTMLResponse)
async def save_section(plan_id: str, key: str, request: Request,
                       who: Principal = Depends(checker("write")),
                       ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """Save a section's form, based on the plan revision it was read at."""
    plan, methodology = plan_of(ws, who, plan_id, write=True)
    form = {name: str(value) for name, value in (await request.form()).items()}
    item = forms.widget(methodology.section(key).schema.schema)
    data = forms.read(item, form)
    revision = form.get("revision", "")
    try:
        saved = operations.set_section(ws, Actor(who.name), plan.id, key, data,
                                       base_revision=int(revision) if revision.isdigit() else 0)
    except InvalidInputError as exc:
        errors = forms.errors_by_field(exc.problems, ("sections", key))
        return _fragment(request, who, ws, plan, methodology, key, editing=True, value=data,
                         errors=errors, revision=int(revision) if revision.isdigit() else 0)
    except ConflictError as exc:
        return _fragment(request, who, ws, plan, methodology, key, editing=True, value=data,
                         revision=exc.current_revision, conflict=exc)
    response = _fragment(request, who, ws, saved, methodology, key, saved=True)
    # the page's other forms (advance) now move on from this revision: static/kam.js
    response.headers["HX-Trigger"] = json.dumps({"kam:plan-saved": {
        "revision": saved.revision}})
    return response


@router.get("/plans/{plan_id}/history/{revision}", access="read", response_class=HTMLResponse)
def revision_changes(plan_id: str, revision: int, request: Request,
                     who: Principal = Depends(checker("read")),
                     ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """What revision ``revision`` changed, in words (the changes of ``kam plan diff``)."""
    from kamcore.changes import compare

    plan, methodology = plan_of(ws, who, plan_id)
    changes = compare(ws, plan.id, str(revision - 1), str(revision), methodology).changes \
        if revision > 1 else ()
    return page(request, who, "_changes.html", revision=revision, changes=changes)


@router.post("/plans/{plan_id}/advance", access="write")
def advance(plan_id: str, request: Request, revision: int = Form(..., ge=0),
            who: Principal = Depends(checker("write")),
            ws: Workspace = Depends(workspace)) -> Response:
    """Move the plan to its next step if the gate is met; else say what blocks it."""
    plan, _ = plan_of(ws, who, plan_id, write=True)
    try:
        operations.advance(ws, Actor(who.name), plan.id, base_revision=revision)
    except AdvanceRefused as exc:
        return page(request, who, "_advance.html", refused=exc,
                    findings=list(getattr(exc, "findings", ())), conflict=None,
                    section_of=section_of)
    except ConflictError as exc:
        return page(request, who, "_advance.html", refused=None, findings=[], conflict=exc)
    except InvalidInputError as exc:
        return page(request, who, "_advance.html", refused=exc, findings=[], conflict=None)
    return go(request, f"/plans/{plan.id}")


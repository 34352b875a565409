"""The account page (``GET /accounts/{id}``): the account, its stakeholder map, org chart and
people, their relationships, its plans and opportunities.

People are added and edited in place with htmx: the forms post to this module's routes, which
call :func:`kamcore.operations.add_stakeholder`, :func:`~kamcore.operations.edit_stakeholder`
(with the revision the form was read at: a stale save shows the conflict and keeps what was
typed), :func:`~kamcore.operations.add_relationship`,
:func:`~kamcore.operations.remove_relationship` and, for a relationship's note,
:func:`kamcore.operations.records.edit`, and answer with the refreshed people
section (map included), or with the form again, each problem at its field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

import attrs
from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from kamcore import operations
from kamcore.errors import ConflictError, InvalidInputError, format_path
from kamcore.model import Relationship, Stakeholder
from kamcore.operations import Actor
from kamcore.operations.records import edit
from kamcore.plugin.contributions import ExportContext
from kamcore.plugin.registry import get_registry
from kamcore.shapes import find_items
from kamcore.snapshot import AccountSnapshot
from kamcore.store import Workspace

from ..principal import Principal
from ..problems import Denied
from ..rules import KamRouter, checker, require_account, workspace
from .org_graph import org_graph
from .portfolio import current_plan
from .rendering import PageRoute, page

router = KamRouter(tags=["pages"], include_in_schema=False, route_class=PageRoute)

#: The stakeholder fields the page edits, in form order (the rest stay as they are).
PERSON_FIELDS: Final = ("name", "title", "business_unit", "roles", "influence", "support",
                        "relationship_strength", "seller_owner", "last_contact", "placeholder")
RELATIONSHIP_TYPES: Final = ("reports_to", "dotted_line", "influences", "conflicts", "informal")


def people_view(snapshot: AccountSnapshot) -> dict[str, Any]:
    """The stakeholder map (as the HTML report draws it, from the account's current plan), the
    org chart (as a tree of :class:`Branch` and as graph data for the page's script), and the
    people and relationship rows of the account."""
    from kamcore.builtin.html import EDGE_LABELS, SUPPORT_COLOURS, SUPPORT_LABELS, stakeholder_map

    plan = current_plan(snapshot.plans)
    drawn = None
    if plan is not None:
        methodology = get_registry().methodologies.get(plan.methodology.name)
        context = ExportContext(plan=plan, snapshot=snapshot, methodology=methodology)
        drawn = stakeholder_map(context, find_items(plan, methodology))
    names = {s.id: s.name for s in snapshot.stakeholders}
    return {
        "account": snapshot.account, "map": drawn, "map_plan": plan,
        "legend": [(SUPPORT_LABELS[k], v) for k, v in sorted(SUPPORT_COLOURS.items())],
        "people": snapshot.stakeholders,
        "relationships": [{"record": r, "source": names.get(r.source_id, r.source_id),
                           "label": EDGE_LABELS[r.type],
                           "target": names.get(r.target_id, r.target_id)}
                          for r in snapshot.relationships],
        "relationship_types": RELATIONSHIP_TYPES,
        "org_chart": org_chart(snapshot.stakeholders, snapshot.relationships),
        "graph": org_graph(snapshot.stakeholders, snapshot.relationships, date.today()),
    }


@attrs.frozen
class Branch:
    """One person in the org chart and the people who report to them."""

    person: Stakeholder
    reports: tuple[Branch, ...] = ()


def org_chart(people: Sequence[Stakeholder],
              relationships: Sequence[Relationship]) -> tuple[Branch, ...]:
    """The reporting lines as trees: everyone without a manager among ``people`` is a root, and
    under each person the people who report to them (``reports_to``), in name order. A person
    reached twice (two managers) is shown under the first; a cycle is cut where it closes."""
    by_id = {p.id: p for p in people}
    reports: dict[str, list[str]] = {}
    managed: set[str] = set()
    for line in relationships:
        if line.type == "reports_to" and line.source_id in by_id and line.target_id in by_id:
            reports.setdefault(line.target_id, []).append(line.source_id)
            managed.add(line.source_id)
    placed: set[str] = set()

    def grow(person_id: str) -> Branch:
        placed.add(person_id)
        under = sorted((i for i in reports.get(person_id, ()) if i not in placed),
                       key=lambda i: by_id[i].name.casefold())
        return Branch(by_id[person_id], tuple(grow(i) for i in under if i not in placed))

    ordered = sorted(people, key=lambda p: p.name.casefold())
    roots = [grow(p.id) for p in ordered if p.id not in managed]
    roots += [grow(p.id) for p in ordered if p.id not in placed]  # only in a cycle
    return tuple(roots)


def person_fields(form: Mapping[str, Any]) -> dict[str, Any]:
    """The stakeholder fields of a submitted form: blanks are None (cleared), roles a list
    from comma-separated words, ``placeholder`` true when its box is ticked; the record's own
    validation checks the rest."""
    fields: dict[str, Any] = {}
    for key in PERSON_FIELDS:
        text = str(form.get(key) or "").strip()
        if key == "placeholder":
            fields[key] = bool(text)
        elif key == "roles":
            fields[key] = [word.strip() for word in text.split(",") if word.strip()]
        else:
            fields[key] = text or None
    return fields


def field_errors(exc: InvalidInputError) -> dict[str, str]:
    """Each problem's message by its top field (the form shows it there); problems without a
    path under ``""``."""
    errors: dict[str, str] = {}
    for problem in exc.problems:
        key = str(problem.path[0]) if problem.path else ""
        message = problem.message if len(problem.path) < 2 else \
            f"{format_path(problem.path[1:])}: {problem.message}"
        errors[key] = f"{errors[key]}; {message}" if key in errors else message
    if not exc.problems:
        errors[""] = str(exc)
    return errors


def _person(ws: Workspace, account_id: str, stakeholder_id: str) -> Stakeholder:
    person = ws.snapshot(account_id).stakeholder(stakeholder_id)
    if person is None:
        raise Denied(404, f"no stakeholder {stakeholder_id!r} of account {account_id!r}")
    return person


def _snapshot(ws: Workspace, who: Principal, account_id: str) -> AccountSnapshot:
    require_account(who, account_id)
    return ws.snapshot(account_id)


@router.get("/accounts/{account_id}", access="read", response_class=HTMLResponse)
def account_page(account_id: str, request: Request, who: Principal = Depends(checker("read")),
                 ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """The account with its map, people, relationships, plans and opportunities."""
    from .additions import methodology_names

    snapshot = _snapshot(ws, who, account_id)
    return page(request, who, "account.html", snapshot=snapshot,
                may_write=who.role in ("admin", "member"), methodologies=methodology_names(),
                **people_view(snapshot))


def _people(request: Request, who: Principal, ws: Workspace, account_id: str,
            **extra: Any) -> HTMLResponse:
    """The people section, refreshed; it replaces ``#people`` whatever the form aimed at."""
    snapshot = ws.snapshot(account_id)
    response = page(request, who, "_people.html", may_write=who.role in ("admin", "member"),
                    **people_view(snapshot), **extra)
    response.headers["HX-Retarget"] = "#people"
    response.headers["HX-Reswap"] = "outerHTML"
    return response


@router.get("/accounts/{account_id}/people", access="read", response_class=HTMLResponse)
def people_section(account_id: str, request: Request,
                   who: Principal = Depends(checker("read")),
                   ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """The people section alone (map, people, relationships): what htmx swaps in."""
    require_account(who, account_id)
    return _people(request, who, ws, account_id)


@router.get("/accounts/{account_id}/people/{stakeholder_id}/edit", access="write",
            response_class=HTMLResponse)
def edit_form(account_id: str, stakeholder_id: str, request: Request,
              who: Principal = Depends(checker("write")),
              ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """The row of one person as a form (htmx swaps it in place of the row)."""
    require_account(who, account_id, write=True)
    person = _person(ws, account_id, stakeholder_id)
    values = person.model_dump(mode="json")
    values["roles"] = ", ".join(sorted(person.roles))
    return page(request, who, "_person_form.html", account_id=account_id, person=person,
                values=values, revision=person.revision, errors={}, conflict=None)


@router.post("/accounts/{account_id}/people/{stakeholder_id}", access="write",
             response_class=HTMLResponse)
async def save_person(account_id: str, stakeholder_id: str, request: Request,
                      who: Principal = Depends(checker("write")),
                      ws: Workspace = Depends(workspace)) -> Response:
    """Save a person's form, based on the revision it was read at."""
    require_account(who, account_id, write=True)
    form = await request.form()
    values = {key: str(form.get(key) or "") for key in PERSON_FIELDS}
    revision = str(form.get("revision") or "")
    person = _person(ws, account_id, stakeholder_id)
    try:
        operations.edit_stakeholder(ws, Actor(who.name), stakeholder_id, person_fields(form),
                                    base_revision=int(revision) if revision.isdigit() else 0)
    except InvalidInputError as exc:
        return page(request, who, "_person_form.html", account_id=account_id, person=person,
                    values=values, revision=revision, errors=field_errors(exc), conflict=None)
    except ConflictError as exc:
        return page(request, who, "_person_form.html", account_id=account_id, person=person,
                    values=values, revision=exc.current_revision, errors={}, conflict=exc)
    return _people(request, who, ws, account_id)


@router.post("/accounts/{account_id}/people", access="write", response_class=HTMLResponse)
async def add_person(account_id: str, request: Request,
                     who: Principal = Depends(checker("write")),
                     ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """Add a person from the form under the people table."""
    require_account(who, account_id, write=True)
    form = await request.form()
    fields = {key: value for key, value in person_fields(form).items()
              if value is not None and value != []}
    name = fields.pop("name", None) or ""
    try:
        operations.add_stakeholder(ws, Actor(who.name), account_id, name, **fields)
    except (InvalidInputError, ConflictError) as exc:
        errors = field_errors(exc) if isinstance(exc, InvalidInputError) else {"": str(exc)}
        if not name:
            errors["name"] = "a name is required"
        return _people(request, who, ws, account_id, new_values=dict(form), new_errors=errors)
    return _people(request, who, ws, account_id)


@router.post("/accounts/{account_id}/relationships", access="write",
             response_class=HTMLResponse)
def add_relationship(account_id: str, request: Request,
                     source_id: str = Form(..., max_length=200),
                     type_: str = Form(..., alias="type", max_length=40),
                     target_id: str = Form(..., max_length=200),
                     note: str = Form("", max_length=2000),
                     who: Principal = Depends(checker("write")),
                     ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """Link two people of the account."""
    require_account(who, account_id, write=True)
    known = {s.id for s in ws.snapshot(account_id).stakeholders}
    try:
        if source_id not in known or target_id not in known:
            raise InvalidInputError("both people must be stakeholders of this account")
        operations.add_relationship(ws, Actor(who.name), source_id, type_, target_id,
                                    note=note.strip() or None)
    except (InvalidInputError, ConflictError) as exc:
        return _people(request, who, ws, account_id, relationship_error=str(exc))
    return _people(request, who, ws, account_id)


def _relationship(ws: Workspace, account_id: str, relationship_id: str) -> Relationship:
    found = next((r for r in ws.snapshot(account_id).relationships
                  if r.id == relationship_id), None)
    if found is None:
        raise Denied(404, f"no relationship {relationship_id!r} of account {account_id!r}")
    return found


@router.get("/accounts/{account_id}/relationships/{relationship_id}/edit", access="write",
            response_class=HTMLResponse)
def relationship_form(account_id: str, relationship_id: str, request: Request,
                      who: Principal = Depends(checker("write")),
                      ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """One relationship's row as a form for its note (htmx swaps it in place of the row)."""
    require_account(who, account_id, write=True)
    found = _relationship(ws, account_id, relationship_id)
    return page(request, who, "_relationship_form.html", account_id=account_id,
                relationship=found, note=found.note or "", revision=found.revision,
                conflict=None, **_names(ws, account_id))


def _names(ws: Workspace, account_id: str) -> dict[str, Any]:
    from kamcore.builtin.html import EDGE_LABELS

    return {"names": {s.id: s.name for s in ws.snapshot(account_id).stakeholders},
            "labels": EDGE_LABELS}


@router.post("/accounts/{account_id}/relationships/{relationship_id}",
             access="write", response_class=HTMLResponse)
def save_relationship(account_id: str, relationship_id: str, request: Request,
                      revision: int = Form(..., ge=0), note: str = Form("", max_length=2000),
                      who: Principal = Depends(checker("write")),
                      ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """Change a relationship's note, based on the revision the form was read at (its type and
    ends are changed by removing it and linking anew, so the reporting lines stay checked)."""
    require_account(who, account_id, write=True)
    found = _relationship(ws, account_id, relationship_id)
    try:
        edit(ws, Actor(who.name), Relationship, found.id, {"note": note.strip() or None},
             base_revision=revision)
    except ConflictError as exc:
        return page(request, who, "_relationship_form.html", account_id=account_id,
                    relationship=found, note=note, revision=exc.current_revision,
                    conflict=exc, **_names(ws, account_id))
    return _people(request, who, ws, account_id)


@router.post("/accounts/{account_id}/relationships/{relationship_id}/remove",
             access="write", response_class=HTMLResponse)
def remove_relationship(account_id: str, relationship_id: str, request: Request,
                        revision: int = Form(..., ge=0),
                        who: Principal = Depends(checker("write")),
                        ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """Remove a relationship as it was when the page showed it (its history stays)."""
    require_account(who, account_id, write=True)
    found = _relationship(ws, account_id, relationship_id)
    try:
        operations.remove_relationship(ws, Actor(who.name), found.id, base_revision=revision)
    except ConflictError as exc:
        return _people(request, who, ws, account_id, relationship_error=str(exc))
    return _people(request, who, ws, account_id)

"""The stakeholder map of an account: stakeholders and the relationships between them (list a
page, read, add, change, remove), through :mod:`kamcore.operations.people`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import Body, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from kamcore import operations
from kamcore.model import Relationship, Stakeholder
from kamcore.operations import Actor
from kamcore.store import Workspace

from ..principal import Principal
from ..revisions import base_revision
from ..rules import KamRouter, checker, require_account, workspace
from .owned import account_page, changes_and_clears, given, new_body, owned, shown
from .paging import After, Limit, Page

router = KamRouter(prefix="/api/v1/accounts/{account_id}", tags=["stakeholders"])

if TYPE_CHECKING:
    NewStakeholder = BaseModel
else:
    NewStakeholder = new_body(Stakeholder, ("reports_to",))


class NewRelationship(BaseModel):
    """A typed line between two stakeholders of the account: ``source`` reports_to
    ``target``, ...; the id defaults to ``SOURCE.TYPE.TARGET-ID-LAST-PART``."""

    source_id: str = Field(min_length=1, max_length=128)
    type: str = Field(min_length=1, max_length=40,
                      examples=["reports_to", "dotted_line", "influences", "conflicts",
                                "informal"])
    target_id: str = Field(min_length=1, max_length=128)
    id: str | None = Field(default=None, min_length=1, max_length=128)
    note: str | None = Field(default=None, max_length=2000)


@router.get("/stakeholders", access="read", response_model=Page, summary="List stakeholders")
def list_stakeholders(account_id: str, limit: Limit = 50, after: After = None,
                      who: Principal = Depends(checker("read")),
                      ws: Workspace = Depends(workspace)) -> Page:
    """The account's stakeholders in id order, a page at a time."""
    return account_page(ws, who, Stakeholder, account_id, after, limit)


@router.post("/stakeholders", access="write", status_code=201, summary="Add a stakeholder")
def add_stakeholder(account_id: str, body: NewStakeholder,
                    who: Principal = Depends(checker("write")),
                    ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Add a person at the customer (``placeholder``: a role whose holder is not known yet);
    ``reports_to`` saves their manager line with them."""
    require_account(who, account_id, write=True)
    fields = given(body)
    person = operations.add_stakeholder(ws, Actor(who.name), account_id, fields.pop("name"),
                                        stakeholder_id=fields.pop("id", None),
                                        reports_to=fields.pop("reports_to", None), **fields)
    return shown(person, 201)


@router.get("/stakeholders/{stakeholder_id}", access="read", summary="Read a stakeholder")
def get_stakeholder(account_id: str, stakeholder_id: str,
                    who: Principal = Depends(checker("read")),
                    ws: Workspace = Depends(workspace)) -> JSONResponse:
    """The stakeholder, with its revision as the ETag."""
    return shown(owned(ws, who, Stakeholder, account_id, stakeholder_id))


@router.patch("/stakeholders/{stakeholder_id}", access="write", summary="Change a stakeholder")
def edit_stakeholder(account_id: str, stakeholder_id: str, request: Request,
                     changes: dict[str, Any] = Body(..., examples=[{"support": 1}]),
                     who: Principal = Depends(checker("write")),
                     ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Change fields (``null`` sets one back to its default); ``reports_to`` replaces the
    manager line (``null`` removes it). Needs If-Match (412 if stale)."""
    owned(ws, who, Stakeholder, account_id, stakeholder_id, write=True)
    changes = dict(changes)
    manager_given = "reports_to" in changes
    manager = changes.pop("reports_to", None)
    values, clear = changes_and_clears(changes)
    person = operations.edit_stakeholder(
        ws, Actor(who.name), stakeholder_id, values, clear=clear,
        reports_to=None if manager is None else str(manager),
        clear_reports_to=manager_given and manager is None,
        base_revision=base_revision(request))
    return shown(person)


@router.delete("/stakeholders/{stakeholder_id}", access="write",
               summary="Remove a stakeholder")
def remove_stakeholder(account_id: str, stakeholder_id: str, request: Request,
                       cascade: bool = Query(default=False, description=(
                           "Also remove their relationships and their opportunity contact "
                           "entries (plans keep their entries).")),
                       who: Principal = Depends(checker("write")),
                       ws: Workspace = Depends(workspace)) -> dict[str, Any]:
    """Remove the stakeholder (their history stays); refused (422, every reference listed)
    while anything refers to them, unless ``cascade``. Needs If-Match."""
    owned(ws, who, Stakeholder, account_id, stakeholder_id, write=True)
    removal = operations.remove_stakeholder(ws, Actor(who.name), stakeholder_id,
                                            cascade=cascade,
                                            base_revision=base_revision(request))
    return {"removed": removal.stakeholder.model_dump(mode="json"),
            "relationships": [r.id for r in removal.relationships],
            "opportunities": [o.id for o in removal.opportunities],
            "plan_entries": [{"plan_id": e.plan_id, "path": e.path}
                             for e in removal.plan_entries]}


@router.get("/relationships", access="read", response_model=Page,
            summary="List relationships", tags=["relationships"])
def list_relationships(account_id: str, limit: Limit = 50, after: After = None,
                       who: Principal = Depends(checker("read")),
                       ws: Workspace = Depends(workspace)) -> Page:
    """The lines between the account's stakeholders in id order, a page at a time."""
    return account_page(ws, who, Relationship, account_id, after, limit)


@router.post("/relationships", access="write", status_code=201, summary="Add a relationship",
             tags=["relationships"])
def add_relationship(account_id: str, body: NewRelationship,
                     who: Principal = Depends(checker("write")),
                     ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Link two stakeholders of the account; a ``reports_to`` line that would close a cycle is
    refused (422, the cycle named)."""
    owned(ws, who, Stakeholder, account_id, body.source_id, write=True)
    line = operations.add_relationship(ws, Actor(who.name), body.source_id, body.type,
                                       body.target_id, relationship_id=body.id,
                                       note=body.note)
    return shown(line, 201)


@router.get("/relationships/{relationship_id}", access="read", summary="Read a relationship",
            tags=["relationships"])
def get_relationship(account_id: str, relationship_id: str,
                     who: Principal = Depends(checker("read")),
                     ws: Workspace = Depends(workspace)) -> JSONResponse:
    """The relationship, with its revision as the ETag."""
    return shown(owned(ws, who, Relationship, account_id, relationship_id))


@router.patch("/relationships/{relationship_id}", access="write",
              summary="Change a relationship", tags=["relationships"])
def edit_relationship(account_id: str, relationship_id: str, request: Request,
                      changes: dict[str, Any] = Body(..., examples=[{"type": "influences"}]),
                      who: Principal = Depends(checker("write")),
                      ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Change the type or note (``null`` clears the note); the stakeholders it links are
    fixed. A new ``reports_to`` type that would close a cycle is refused. Needs If-Match."""
    owned(ws, who, Relationship, account_id, relationship_id, write=True)
    values, clear = changes_and_clears(changes)
    return shown(operations.edit_relationship(ws, Actor(who.name), relationship_id, values,
                                              clear=clear,
                                              base_revision=base_revision(request)))


@router.delete("/relationships/{relationship_id}", access="write",
               summary="Remove a relationship", tags=["relationships"])
def remove_relationship(account_id: str, relationship_id: str, request: Request,
                        who: Principal = Depends(checker("write")),
                        ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Remove the relationship (its history stays); returns it as it was. Needs If-Match."""
    owned(ws, who, Relationship, account_id, relationship_id, write=True)
    return shown(operations.remove_relationship(ws, Actor(who.name), relationship_id,
                                                base_revision=base_revision(request)))

"""An account's opportunities (list a page, read, add, change, remove), through
:mod:`kamcore.operations.opportunities`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import Body, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from kamcore import operations
from kamcore.model import Opportunity
from kamcore.operations import Actor
from kamcore.store import Workspace

from ..principal import Principal
from ..revisions import base_revision
from ..rules import KamRouter, checker, require_account, workspace
from .owned import account_page, changes_and_clears, given, new_body, owned, shown
from .paging import After, Limit, Page

router = KamRouter(prefix="/api/v1/accounts/{account_id}/opportunities",
                   tags=["opportunities"])

if TYPE_CHECKING:
    NewOpportunity = BaseModel
else:
    NewOpportunity = new_body(Opportunity)


@router.get("", access="read", response_model=Page, summary="List opportunities")
def list_opportunities(account_id: str, limit: Limit = 50, after: After = None,
                       who: Principal = Depends(checker("read")),
                       ws: Workspace = Depends(workspace)) -> Page:
    """The account's opportunities in id order, a page at a time."""
    return account_page(ws, who, Opportunity, account_id, after, limit)


@router.post("", access="write", status_code=201, summary="Add an opportunity")
def add_opportunity(account_id: str, body: NewOpportunity,
                    who: Principal = Depends(checker("write")),
                    ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Add a deal to the account; ``contact_roles`` must name stakeholders of the account."""
    require_account(who, account_id, write=True)
    fields = given(body)
    deal = operations.add_opportunity(ws, Actor(who.name), account_id, fields.pop("name"),
                                      opportunity_id=fields.pop("id", None), **fields)
    return shown(deal, 201)


@router.get("/{opportunity_id}", access="read", summary="Read an opportunity")
def get_opportunity(account_id: str, opportunity_id: str,
                    who: Principal = Depends(checker("read")),
                    ws: Workspace = Depends(workspace)) -> JSONResponse:
    """The opportunity, with its revision as the ETag."""
    return shown(owned(ws, who, Opportunity, account_id, opportunity_id))


@router.patch("/{opportunity_id}", access="write", summary="Change an opportunity")
def edit_opportunity(account_id: str, opportunity_id: str, request: Request,
                     changes: dict[str, Any] = Body(..., examples=[{"stage": "proposal"}]),
                     who: Principal = Depends(checker("write")),
                     ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Change fields (``null`` sets one back to its default). Needs If-Match (412 if stale)."""
    owned(ws, who, Opportunity, account_id, opportunity_id, write=True)
    values, clear = changes_and_clears(changes)
    deal = operations.edit_opportunity(ws, Actor(who.name), opportunity_id, values,
                                       clear=clear, base_revision=base_revision(request))
    return shown(deal)


@router.delete("/{opportunity_id}", access="write", summary="Remove an opportunity")
def remove_opportunity(account_id: str, opportunity_id: str, request: Request,
                       who: Principal = Depends(checker("write")),
                       ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Remove the opportunity (its history stays); returns it as it was. Needs If-Match."""
    owned(ws, who, Opportunity, account_id, opportunity_id, write=True)
    return shown(operations.remove_opportunity(ws, Actor(who.name), opportunity_id,
                                               base_revision=base_revision(request)))

"""Accounts: list (a page, only what the caller may see), read, add, change."""

from __future__ import annotations

from typing import Any

from fastapi import Body, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from kamcore import operations
from kamcore.model import Account
from kamcore.operations import Actor, access
from kamcore.store import Workspace

from ..principal import Principal
from ..revisions import base_revision, tagged
from ..rules import KamRouter, checker, require_account, workspace
from .paging import After, Limit, Page, page

router = KamRouter(prefix="/api/v1/accounts", tags=["accounts"])


class NewAccount(BaseModel):
    """An account to add; the id defaults to the name in lower-case-dashes."""

    name: str = Field(min_length=1, max_length=200)
    id: str | None = Field(default=None, max_length=128)
    industry: str | None = None
    annual_revenue: float | None = Field(default=None, ge=0)
    owner: str | None = None
    tier: str | None = None
    parent_id: str | None = None
    business_units: list[str] = Field(default_factory=list)


@router.get("", access="read", response_model=Page, summary="List accounts")
def list_accounts(limit: Limit = 50, after: After = None,
                  who: Principal = Depends(checker("read")),
                  ws: Workspace = Depends(workspace)) -> Page:
    """The accounts the caller may see, in id order, a page at a time."""
    among = None if who.role in ("admin", "viewer") else sorted(who.teams)
    return page(ws.iter(Account, after=after, limit=limit + 1, among=among), limit)


@router.post("", access="write", status_code=201, summary="Add an account")
def add_account(new: NewAccount, who: Principal = Depends(checker("write")),
                ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Add an account; a member who adds one joins its team."""
    fields = new.model_dump(exclude={"name", "id"})
    account = add_account_as(ws, who, new.name, account_id=new.id, **fields)
    return tagged(account.model_dump(mode="json"), account.revision, 201)


def add_account_as(ws: Workspace, who: Principal, name: str, **fields: Any) -> Account:
    """Add an account (:func:`kamcore.operations.add_account`) as ``who``: a member who adds
    one joins its team, so they see and edit what they added (the API and the dashboard's
    form both add accounts this way)."""
    account = operations.add_account(ws, Actor(who.name), name, **fields)
    if who.role == "member":
        access.add_team_member(ws, Actor(who.name), account.id, who.user.name)  # type: ignore[union-attr]
    return account


@router.get("/{account_id}", access="read", summary="Read an account")
def get_account(account_id: str, who: Principal = Depends(checker("read")),
                ws: Workspace = Depends(workspace)) -> JSONResponse:
    """The account, with its revision as the ETag."""
    require_account(who, account_id)
    account = ws.get(Account, account_id)
    return tagged(account.model_dump(mode="json"), account.revision)


@router.patch("/{account_id}", access="write", summary="Change an account")
def edit_account(account_id: str, request: Request,
                 changes: dict[str, Any] = Body(..., examples=[{"tier": "strategic"}]),
                 who: Principal = Depends(checker("write")),
                 ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Change fields of the account (``null`` clears an optional field); needs If-Match."""
    require_account(who, account_id, write=True)
    base = base_revision(request)
    account = operations.edit_account(ws, Actor(who.name), account_id, changes,
                                      base_revision=base)
    return tagged(account.model_dump(mode="json"), account.revision)

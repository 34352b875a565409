"""The portfolio dashboard (``GET /``): the accounts the user may see, a page at a time, sorted
and filtered by the query string (``?q=&tier=&sort=&page=``), each linked to its account and
plan pages; and its "Add an account" form (``POST /accounts``), which opens the new account's
page, or comes back with each problem at its field."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from kamcore.errors import ConflictError, InvalidInputError, NotFoundError, Problem
from kamcore.store import Workspace

from ..api.accounts import add_account_as
from ..principal import Principal
from ..rules import KamRouter, checker, workspace
from .account import field_errors
from .portfolio import SORTS, rows, select, visible_accounts
from .rendering import PageRoute, go, page

router = KamRouter(tags=["pages"], include_in_schema=False, route_class=PageRoute)


@router.get("/", access="read", response_class=HTMLResponse)
def dashboard(request: Request,
              q: Annotated[str, Query(max_length=200)] = "",
              tier: Annotated[str, Query(max_length=100)] = "",
              sort: Annotated[str, Query(max_length=20)] = "name",
              page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
              who: Principal = Depends(checker("read")),
              ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """The portfolio: tier, plan and step, findings, next review and latest score per account."""
    today = date.today()
    chosen = select(rows(ws, visible_accounts(ws, who), today), sort=sort, query=q, tier=tier,
                    page=page_number)
    return page(request, who, "dashboard.html", view=chosen, sorts=SORTS, today=today)


#: The account fields the dashboard's form takes.
ACCOUNT_FIELDS = ("name", "tier", "industry", "owner")


@router.post("/accounts", access="write", response_class=HTMLResponse)
async def add_account(request: Request, who: Principal = Depends(checker("write")),
                      ws: Workspace = Depends(workspace)) -> Response:
    """Add an account (a member who adds one joins its team) and open its page."""
    form = await request.form()
    values = {key: str(form.get(key) or "").strip()[:200] for key in ACCOUNT_FIELDS}
    name = values["name"]
    try:
        if not name:
            raise InvalidInputError("the account needs a name",
                                    [Problem("a name is required", path=("name",))])
        account = add_account_as(ws, who, name, **{key: value for key, value in values.items()
                                                   if value and key != "name"})
    except (InvalidInputError, ConflictError, NotFoundError) as exc:
        errors = field_errors(exc) if isinstance(exc, InvalidInputError) else {"": str(exc)}
        return page(request, who, "_account_form.html", values=values, errors=errors,
                    tiers=())
    return go(request, f"/accounts/{quote(account.id)}")

"""The portfolio dashboard (``GET /``): the accounts the user may see, a page at a time, sorted
and filtered by the query string (``?q=&tier=&sort=&page=``), each linked to its account and
plan pages."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse

from kamcore.store import Workspace

from ..principal import Principal
from ..rules import KamRouter, checker, workspace
from .portfolio import SORTS, rows, select, visible_accounts
from .rendering import PageRoute, page

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

"""What the account page adds besides people: a plan (``POST /accounts/{id}/plans``, through
:func:`kamcore.operations.new_plan`, which opens the new plan's page) and an opportunity
(``POST /accounts/{id}/opportunities``, through :func:`kamcore.operations.add_opportunity`,
which answers with the account's opportunities, refreshed). A refused form comes back in
place with each problem at its field and what was typed kept; nothing is written.
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from kamcore import operations
from kamcore.errors import ConflictError, InvalidInputError, NotFoundError, Problem
from kamcore.model import Account
from kamcore.operations import Actor
from kamcore.plugin.registry import get_registry
from kamcore.store import Workspace

from ..principal import Principal
from ..rules import KamRouter, checker, require_account, workspace
from .account import field_errors
from .rendering import PageRoute, go, page

router = KamRouter(tags=["pages"], include_in_schema=False, route_class=PageRoute)

#: The fields of the "Start a plan" form.
PLAN_FIELDS: Final = ("methodology", "period")
#: The fields of the "Add an opportunity" form, in form order.
OPPORTUNITY_FIELDS: Final = ("name", "stage", "amount", "currency", "close_date", "probability")


def methodology_names() -> list[str]:
    """The installed methodologies a plan may follow, by name."""
    return sorted(get_registry().methodologies)


def _errors(exc: Exception) -> dict[str, str]:
    return field_errors(exc) if isinstance(exc, InvalidInputError) else {"": str(exc)}


async def _values(request: Request, keys: tuple[str, ...]) -> dict[str, str]:
    form = await request.form()
    return {key: str(form.get(key) or "").strip()[:200] for key in keys}


@router.post("/accounts/{account_id}/plans", access="write", response_class=HTMLResponse)
async def start_plan(account_id: str, request: Request,
                     who: Principal = Depends(checker("write")),
                     ws: Workspace = Depends(workspace)) -> Response:
    """Start a plan for the account at its methodology's first step; open the plan."""
    require_account(who, account_id, write=True)
    values = await _values(request, PLAN_FIELDS)
    try:
        plan = operations.new_plan(ws, Actor(who.name), account_id, values["methodology"],
                                   period=values["period"] or None)
    except (InvalidInputError, ConflictError, NotFoundError) as exc:
        return page(request, who, "_plan_form.html", account_id=account_id, values=values,
                    errors=_errors(exc), methodologies=methodology_names())
    return go(request, f"/plans/{quote(plan.id)}")


@router.post("/accounts/{account_id}/opportunities", access="write",
             response_class=HTMLResponse)
async def add_opportunity(account_id: str, request: Request,
                          who: Principal = Depends(checker("write")),
                          ws: Workspace = Depends(workspace)) -> Response:
    """Add a deal to the account (its record validates the fields); reload the account."""
    require_account(who, account_id, write=True)
    values = await _values(request, OPPORTUNITY_FIELDS)
    fields: dict[str, Any] = {key: value for key, value in values.items()
                              if value and key != "name"}
    try:
        if not values["name"]:
            raise InvalidInputError("the opportunity needs a name",
                                    [Problem("a name is required", path=("name",))])
        operations.add_opportunity(ws, Actor(who.name), account_id, values["name"], **fields)
    except (InvalidInputError, ConflictError, NotFoundError) as exc:
        return page(request, who, "_opportunity_form.html", account_id=account_id,
                    values=values, errors=_errors(exc))
    response = page(request, who, "_opportunities.html", snapshot=ws.snapshot(account_id),
                    account=ws.get(Account, account_id), may_write=True)
    response.headers["HX-Retarget"] = "#opportunities"
    response.headers["HX-Reswap"] = "outerHTML"
    return response

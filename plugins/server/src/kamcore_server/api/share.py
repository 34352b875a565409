"""What a customer does through a share link: see the customer-facing plan, approve a joint
objective or ask for a change. The link's token in the URL is the credential; it names one
plan and one recipient, and expires or is revoked like a token."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from kamcore import operations
from kamcore.model import Account, Plan
from kamcore.operations import Actor, access
from kamcore.plugin.registry import get_registry
from kamcore.sharing import CustomerView, customer_view
from kamcore.store import Workspace

from ..principal import Principal, from_share
from ..problems import Denied
from ..revisions import base_revision, tagged
from ..rules import KamRouter, workspace

router = KamRouter(prefix="/api/v1/share", tags=["share"])


class Approval(BaseModel):
    """The customer's sign-off: their title, if they want it shown."""

    title: str | None = Field(default=None, max_length=200)


class ChangeRequest(BaseModel):
    """What the customer wants changed."""

    comment: str = Field(min_length=1, max_length=4000)


def customer(ws: Workspace, token: str) -> Principal:
    """The customer a share token stands for (401 if it is not usable)."""
    try:
        return from_share(ws, token)
    except access.AccessDenied as exc:
        raise Denied(401, str(exc)) from None


def view_of(ws: Workspace, who: Principal) -> CustomerView:
    """The customer-facing parts of the shared plan, as it is now."""
    assert who.link is not None
    plan = ws.get(Plan, who.link.plan_id)
    return customer_view(plan, ws.get(Account, plan.account_id),
                         get_registry().methodology(plan.methodology.name))


def shown(view: CustomerView, who: Principal) -> dict[str, Any]:
    """The JSON a customer gets: the view and who the link is for."""
    assert who.link is not None
    return {**view.as_dict(), "recipient": who.link.recipient,
            "expires_at": who.link.expires_at}


@router.get("/{token}", access="share", summary="The shared plan (customer-facing parts)")
def shared_plan(token: str, ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Joint objectives, the value story and the customer's actions; never internal notes,
    scores, risks or stakeholder assessments. The ETag is the plan's revision."""
    who = customer(ws, token)
    view = view_of(ws, who)
    return tagged(shown(view, who), view.revision)


def approve_objective(ws: Workspace, who: Principal, objective_id: str, base: int,
                      title: str | None) -> CustomerView:
    """Record the customer's sign-off of one joint objective; the new view."""
    assert who.link is not None
    _customer_facing(ws, who, objective_id)
    operations.sign_off_objective(ws, Actor(who.name), who.link.plan_id, objective_id,
                                  name=who.link.recipient, title=title, via=who.link.id,
                                  base_revision=base)
    return view_of(ws, who)


def ask_for_change(ws: Workspace, who: Principal, objective_id: str, base: int,
                   comment: str) -> CustomerView:
    """Record the customer's request to change one joint objective; the new view."""
    assert who.link is not None
    _customer_facing(ws, who, objective_id)
    operations.request_objective_change(ws, Actor(who.name), who.link.plan_id, objective_id,
                                        name=who.link.recipient, comment=comment,
                                        via=who.link.id, base_revision=base)
    return view_of(ws, who)


def _customer_facing(ws: Workspace, who: Principal, objective_id: str) -> None:
    """Refuse (404) an objective the customer cannot see (one in an internal section)."""
    if not any(str(o.get("id")) == objective_id for o in view_of(ws, who).objectives):
        raise Denied(404, f"no joint objective {objective_id!r} in this plan")


@router.post("/{token}/objectives/{objective_id}/approve", access="share",
             summary="Approve a joint objective")
def approve(token: str, objective_id: str, request: Request, body: Approval | None = None,
            ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Sign off the objective as the link's recipient; needs If-Match (the plan's ETag)."""
    who = customer(ws, token)
    view = approve_objective(ws, who, objective_id, base_revision(request),
                             body.title if body else None)
    return tagged(shown(view, who), view.revision)


@router.post("/{token}/objectives/{objective_id}/changes", access="share",
             summary="Ask for a change to a joint objective")
def request_change(token: str, objective_id: str, body: ChangeRequest, request: Request,
                   ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Ask for a change with a comment (withdraws a sign-off given before); needs If-Match."""
    who = customer(ws, token)
    view = ask_for_change(ws, who, objective_id, base_revision(request), body.comment)
    return tagged(shown(view, who), view.revision)

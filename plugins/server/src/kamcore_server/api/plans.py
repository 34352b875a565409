"""Plans: list, read, start, set a section, advance, check, restore, history and diff."""

from __future__ import annotations

from typing import Any

from fastapi import Body, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from kamcore import operations
from kamcore.model import Plan
from kamcore.operations import Actor
from kamcore.store import Workspace

from ..principal import Principal
from ..revisions import base_revision, tagged
from ..rules import KamRouter, checker, require_account, workspace
from .paging import After, Limit, Page, page

router = KamRouter(prefix="/api/v1/plans", tags=["plans"])


class NewPlan(BaseModel):
    """A plan to start, at the first step of an installed methodology."""

    account_id: str = Field(min_length=1, max_length=128)
    methodology: str = Field(min_length=1, max_length=100)
    period: str | None = Field(default=None, max_length=40)
    id: str | None = Field(default=None, max_length=128)


class Advance(BaseModel):
    """Where to move the plan: the next step, or forward to ``to``."""

    to: str | None = None


class Restore(BaseModel):
    """The point to restore: a revision number, ``review:N``, ``review:last`` or a review id."""

    revision: str = Field(min_length=1, max_length=100)


def plan_for(ws: Workspace, who: Principal, plan_id: str, *, write: bool = False) -> Plan:
    """The plan, if the caller may see it (and change it, with ``write``)."""
    plan = ws.get(Plan, plan_id)
    require_account(who, plan.account_id, write=write)
    return plan


def _plan(plan: Plan) -> JSONResponse:
    return tagged(plan.model_dump(mode="json"), plan.revision)


@router.get("", access="read", response_model=Page, summary="List plans")
def list_plans(account_id: str | None = Query(default=None, max_length=128),
               limit: Limit = 50, after: After = None,
               who: Principal = Depends(checker("read")),
               ws: Workspace = Depends(workspace)) -> Page:
    """Plans in id order, of one account or of every account the caller may see."""
    if account_id is not None:
        require_account(who, account_id)
        return page(ws.iter(Plan, account_id=account_id, after=after, limit=limit + 1), limit)
    return page(visible_plans(ws, who, after, limit + 1), limit)


def visible_plans(ws: Workspace, who: Principal, after: str | None, limit: int) -> list[Plan]:
    """The first ``limit`` plans after ``after`` in id order, of the accounts the caller may
    see (a member's: read team by team, at most ``limit`` each)."""
    if who.role in ("admin", "viewer"):
        return list(ws.iter(Plan, after=after, limit=limit))
    plans = [plan for team in sorted(who.teams)
             for plan in ws.iter(Plan, account_id=team, after=after, limit=limit)]
    return sorted(plans, key=lambda plan: plan.id)[:limit]


@router.post("", access="write", status_code=201, summary="Start a plan")
def new_plan(new: NewPlan, who: Principal = Depends(checker("write")),
             ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Start a plan for an account at the first step of the methodology."""
    require_account(who, new.account_id, write=True)
    plan = operations.new_plan(ws, Actor(who.name), new.account_id, new.methodology,
                               period=new.period, plan_id=new.id)
    return tagged(plan.model_dump(mode="json"), plan.revision, 201)


@router.get("/{plan_id}", access="read", summary="Read a plan")
def get_plan(plan_id: str, who: Principal = Depends(checker("read")),
             ws: Workspace = Depends(workspace)) -> JSONResponse:
    """The plan, with its revision as the ETag."""
    return _plan(plan_for(ws, who, plan_id))


@router.put("/{plan_id}/sections/{section}", access="write", summary="Set a section")
def set_section(plan_id: str, section: str, request: Request,
                data: Any = Body(..., examples=[{"objectives": []}]),
                who: Principal = Depends(checker("write")),
                ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Replace one section, validated by its JSON Schema; needs If-Match (412 if stale)."""
    plan_for(ws, who, plan_id, write=True)
    plan = operations.set_section(ws, Actor(who.name), plan_id, section, data,
                                  base_revision=base_revision(request))
    return _plan(plan)


@router.post("/{plan_id}/advance", access="write", summary="Advance a plan")
def advance(plan_id: str, request: Request, body: Advance | None = None,
            who: Principal = Depends(checker("write")),
            ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Move the plan to its next step (or to ``to``) if every gate is met (else 409 with the
    findings); needs If-Match."""
    plan_for(ws, who, plan_id, write=True)
    plan = operations.advance(ws, Actor(who.name), plan_id, to=body.to if body else None,
                              base_revision=base_revision(request))
    return _plan(plan)


@router.post("/{plan_id}/restore", access="write", summary="Restore an earlier point")
def restore(plan_id: str, body: Restore, request: Request,
            who: Principal = Depends(checker("write")),
            ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Save a new revision with the content of an earlier point; needs If-Match."""
    plan_for(ws, who, plan_id, write=True)
    restored = operations.restore_plan(ws, Actor(who.name), plan_id, body.revision,
                                       base_revision=base_revision(request))
    return _plan(restored.plan)


@router.get("/{plan_id}/check", access="read", summary="Check a plan")
def check(plan_id: str, who: Principal = Depends(checker("read")),
          ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Every finding about the plan (every plugin's checks), errors first; the ETag is the
    plan revision checked."""
    plan_for(ws, who, plan_id)
    plan, findings = operations.check(ws, plan_id)
    return tagged({"plan": plan.id, "revision": plan.revision,
                   "findings": [finding.model_dump(mode="json") for finding in findings]},
                  plan.revision)


@router.get("/{plan_id}/history", access="read", summary="A plan's history")
def history(plan_id: str, who: Principal = Depends(checker("read")),
            ws: Workspace = Depends(workspace)) -> dict[str, Any]:
    """Every revision: number, when, and who saved it."""
    plan_for(ws, who, plan_id)
    return {"plan": plan_id, "revisions": [
        {"revision": h.revision, "saved_at": h.saved_at, "saved_by": h.saved_by}
        for h in ws.history(Plan, plan_id)]}


@router.get("/{plan_id}/diff", access="read", summary="What changed between two points")
def diff(plan_id: str, from_: str | None = Query(default=None, alias="from", max_length=100),
         to: str | None = Query(default=None, max_length=100),
         who: Principal = Depends(checker("read")),
         ws: Workspace = Depends(workspace)) -> dict[str, Any]:
    """The changes from ``from`` (default: the revision before ``to``) to ``to`` (default:
    now); each a revision number, ``review:N``, ``review:last`` or a review id."""
    from kamcore.changes import compare

    plan = plan_for(ws, who, plan_id)
    methodology = request_methodology(plan)
    return compare(ws, plan_id, from_, to, methodology).as_dict()


def request_methodology(plan: Plan) -> Any:
    """The plan's methodology if it is installed (for diffs in words), else None."""
    from kamcore.errors import NotFoundError
    from kamcore.plugin.registry import get_registry

    try:
        return get_registry().methodology(plan.methodology.name)
    except NotFoundError:
        return None


class NewShare(BaseModel):
    """A share link for a named customer contact."""

    to: str = Field(min_length=1, max_length=200,
                    description="The customer contact's name or email.")
    expires_days: int = Field(default=30, ge=1, le=3650)


@router.post("/{plan_id}/shares", access="write", status_code=201,
             summary="Share with the customer")
def share(plan_id: str, body: NewShare, request: Request,
          who: Principal = Depends(checker("write")),
          ws: Workspace = Depends(workspace)) -> dict[str, Any]:
    """A signed, expiring, revocable link through which the customer sees the customer-facing
    parts of the plan and signs off its joint objectives."""
    from kamcore.operations import access

    plan_for(ws, who, plan_id, write=True)
    link, token = access.create_share(ws, Actor(who.name), plan_id, body.to,
                                      expires_days=body.expires_days)
    return {"id": link.id, "plan_id": plan_id, "recipient": link.recipient,
            "expires_at": link.expires_at, "token": token,
            "url": str(request.base_url).rstrip("/") + f"/share/{token}"}


@router.get("/{plan_id}/shares", access="read", summary="A plan's share links")
def shares(plan_id: str, who: Principal = Depends(checker("read")),
           ws: Workspace = Depends(workspace)) -> dict[str, Any]:
    """Every share link of the plan (without their tokens), revoked ones too."""
    from kamcore.operations import access

    plan_for(ws, who, plan_id)
    return {"plan": plan_id, "links": [
        {"id": link.id, "recipient": link.recipient, "created_by": link.created_by,
         "created_at": link.created_at, "expires_at": link.expires_at,
         "revoked_at": link.revoked_at} for link in access.list_shares(ws, plan_id)]}


@router.delete("/{plan_id}/shares/{link_id}", access="write", summary="Revoke a share link")
def revoke_share(plan_id: str, link_id: str, who: Principal = Depends(checker("write")),
                 ws: Workspace = Depends(workspace)) -> dict[str, Any]:
    """Revoke the link at once."""
    from kamcore.operations import access

    plan_for(ws, who, plan_id, write=True)
    if link_id not in {link.id for link in access.list_shares(ws, plan_id)}:
        from ..problems import Denied

        raise Denied(404, f"no share link {link_id!r} of plan {plan_id!r}")
    link = access.revoke_share(ws, Actor(who.name), link_id)
    return {"id": link.id, "revoked_at": link.revoked_at}

"""Live changes over server-sent events: one stream per plan, one per account (see
:mod:`..live` for what they send and how they find it)."""

from __future__ import annotations

from fastapi import Depends, Header, Query, Request
from fastapi.responses import StreamingResponse

from kamcore.model import Account
from kamcore.store import Workspace

from ..live import AccountFeed, Feed, PlanFeed, stream
from ..principal import Principal
from ..rules import KamRouter, checker, workspace

router = KamRouter(prefix="/api/v1", tags=["events"])

#: the documented response: an endless text/event-stream
EVENT_STREAM = {200: {"content": {"text/event-stream": {"schema": {"type": "string"}}},
                      "description": "Server-sent events: `change` per record saved."}}
LastEventId = Header(default=None, alias="Last-Event-ID", max_length=64,
                     description="The id of the last event seen: the stream resumes after it.")
After = Query(default=None, max_length=64,
              description="As Last-Event-ID, for clients that cannot send the header.")


def _events(request: Request, ws: Workspace, feed: Feed) -> StreamingResponse:
    def recheck() -> object:
        request.state.principal = None  # read the token or session again
        return checker("read")(request)

    return StreamingResponse(stream(ws, feed, recheck), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.get("/plans/{plan_id}/events", access="read", response_class=StreamingResponse,
            responses=EVENT_STREAM, summary="A plan's changes, live")
def plan_events(plan_id: str, request: Request, last_event_id: str | None = LastEventId,
                after: str | None = After, who: Principal = Depends(checker("read")),
                ws: Workspace = Depends(workspace)) -> StreamingResponse:
    """A `change` event for each revision of the plan saved from now (or after the revision
    named by Last-Event-ID): its id, revision and who saved it."""
    return _events(request, ws, PlanFeed.start(ws, plan_id, last_event_id or after))


@router.get("/accounts/{account_id}/events", access="read", response_class=StreamingResponse,
            responses=EVENT_STREAM, summary="An account's changes, live")
def account_events(account_id: str, request: Request, last_event_id: str | None = LastEventId,
                   after: str | None = After, who: Principal = Depends(checker("read")),
                   ws: Workspace = Depends(workspace)) -> StreamingResponse:
    """A `change` event whenever the account or one of its records (stakeholders, plans,
    reviews, ...) is saved: kind, id, revision and who saved it. Event ids are moments; a
    reconnect may repeat events of the last seconds (key them by kind, id and revision)."""
    ws.get(Account, account_id)
    return _events(request, ws, AccountFeed.start(ws, account_id, last_event_id or after))

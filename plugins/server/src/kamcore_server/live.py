"""Live changes: server-sent events telling open clients that a record changed.

Server processes keep nothing in memory between requests, so a stream does not wait for
in-process notifications (a save handled by another worker or host would never arrive): it
polls the store every :func:`poll_seconds` for what was saved since it last looked, and sends
one ``change`` event per record saved, its data ``{"kind", "id", "revision", "saved_by",
"saved_at"}``. Every event carries an ``id``; a client that reconnects sends it back as
``Last-Event-ID`` (``EventSource`` does so by itself) and misses nothing.

- :class:`PlanFeed`: every revision of one plan; the event id is the revision number, so a
  reconnect resumes exactly.
- :class:`AccountFeed`: the account and every record of it (stakeholders, plans, ...), at its
  newest revision; the event id is when it was saved. Saves committed out of order (a long
  transaction stamped before a short one) are caught by looking :data:`GRACE` back on every
  poll, so a reconnect may repeat an event seen in that window: clients treat ``(kind, id,
  revision)`` as the key.

A stream re-checks its caller's access every :data:`RECHECK_SECONDS` (a revoked token or a
disabled user ends it with an ``end`` event), sends a comment as a keep-alive when quiet, and
closes after :func:`max_seconds` (the client reconnects with its last event id), so that no
connection stays on one worker for ever.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

import attrs
from starlette.concurrency import run_in_threadpool

from kamcore.errors import KamError
from kamcore.model import Plan
from kamcore.store import Change, Workspace

from .problems import Denied

#: how far back each account poll looks for saves committed after later-stamped ones
GRACE = timedelta(seconds=10)
#: a keep-alive comment after this many quiet seconds (proxies close idle connections)
HEARTBEAT_SECONDS = 15.0
#: the caller's access is checked again this often while a stream is open
RECHECK_SECONDS = 30.0
#: what a browser waits before reconnecting, in milliseconds
RETRY_MS = 2000


def poll_seconds() -> float:
    """Seconds between polls of the store: ``$KAM_EVENTS_POLL`` (default 1)."""
    try:
        return max(0.05, float(os.environ.get("KAM_EVENTS_POLL", "1")))
    except ValueError:
        return 1.0


def max_seconds() -> float:
    """Seconds a stream stays open: ``$KAM_EVENTS_MAX_SECONDS`` (default an hour)."""
    try:
        return max(0.1, float(os.environ.get("KAM_EVENTS_MAX_SECONDS", "3600")))
    except ValueError:
        return 3600.0


class Feed(Protocol):
    """What one stream reports: each poll returns the new changes with their event ids."""

    def poll(self, ws: Workspace) -> list[tuple[str, Change]]:
        """The changes since the last poll, oldest first, each with its event id."""


@attrs.define
class PlanFeed:
    """Every revision of plan ``plan_id`` after revision ``last``."""

    plan_id: str
    last: int

    @classmethod
    def start(cls, ws: Workspace, plan_id: str, last_event_id: str | None) -> PlanFeed:
        """From the revision a client last saw (``Last-Event-ID``), else from now."""
        if last_event_id is not None and last_event_id.strip().isdigit():
            return cls(plan_id, int(last_event_id))
        return cls(plan_id, ws.get(Plan, plan_id).revision)

    def poll(self, ws: Workspace) -> list[tuple[str, Change]]:
        found = ws.revisions_after(Plan, self.plan_id, self.last)
        if found:
            self.last = found[-1].revision
        return [(str(change.revision), change) for change in found]


@attrs.define
class AccountFeed:
    """The account ``account_id`` and its records, as they are saved after ``cursor``."""

    account_id: str
    cursor: datetime
    seen: dict[tuple[str, str], tuple[int, datetime]] = attrs.field(factory=dict)

    @classmethod
    def start(cls, ws: Workspace, account_id: str, last_event_id: str | None) -> AccountFeed:
        """From the moment of the event a client last saw (``Last-Event-ID``), else from
        now (what was saved before counts as seen)."""
        if last_event_id:
            try:
                moment = datetime.fromisoformat(last_event_id.strip())
            except ValueError:
                moment = None
            if moment is not None and moment.tzinfo is not None:
                return cls(account_id, moment)
        feed = cls(account_id, datetime.now(UTC))
        feed.poll(ws)
        return feed

    def poll(self, ws: Workspace) -> list[tuple[str, Change]]:
        since = self.cursor - GRACE
        found = []
        for change in ws.changed_since(self.account_id, since.isoformat()):
            key = (change.kind, change.id)
            saved_at = datetime.fromisoformat(change.saved_at)
            if key in self.seen and self.seen[key][0] >= change.revision:
                continue
            self.seen[key] = (change.revision, saved_at)
            self.cursor = max(self.cursor, saved_at)
            found.append((change.saved_at, change))
        self.seen = {key: value for key, value in self.seen.items() if value[1] >= since}
        return found


def event(event_id: str, change: Change) -> str:
    """One ``change`` event in the text/event-stream format."""
    data = json.dumps({"kind": change.kind, "id": change.id, "revision": change.revision,
                       "saved_by": change.saved_by, "saved_at": change.saved_at})
    return f"id: {event_id}\nevent: change\ndata: {data}\n\n"


async def stream(ws: Workspace, feed: Feed, recheck: Callable[[], object]) -> AsyncIterator[str]:
    """The event stream of ``feed`` until the client goes (the server cancels the stream),
    ``recheck`` refuses the caller (:class:`Denied`), the workspace fails, or the stream has
    been open :func:`max_seconds`."""
    yield f"retry: {RETRY_MS}\n\n"
    interval = poll_seconds()
    last_sent = checked = time.monotonic()
    closes = last_sent + max_seconds()
    while time.monotonic() < closes:
        try:
            if time.monotonic() - checked >= RECHECK_SECONDS:
                await run_in_threadpool(recheck)
                checked = time.monotonic()
            changes = await run_in_threadpool(feed.poll, ws)
        except (Denied, KamError) as exc:
            yield f"event: end\ndata: {json.dumps({'detail': str(exc)})}\n\n"
            return
        for event_id, change in changes:
            yield event(event_id, change)
            last_sent = time.monotonic()
        if time.monotonic() - last_sent >= HEARTBEAT_SECONDS:
            yield ": keep-alive\n\n"
            last_sent = time.monotonic()
        await asyncio.sleep(interval)

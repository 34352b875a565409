"""Pages of a list: ``?after=<id>&limit=<n>`` (keyset pagination, stable while records are
added), answered as ``{"items": [...], "next_after": <id or null>}``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel

from kamcore.model import Record

MAX_LIMIT = 200

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page (1-200).")]
After = Annotated[str | None, Query(max_length=128,
                                    description="Start after this id (the page's next_after).")]


class Page(BaseModel):
    """One page of a list."""

    items: list[dict[str, Any]]
    next_after: str | None = None


def page(records: Iterable[Record], limit: int,
         shown: Callable[[Record], dict[str, Any]] | None = None) -> Page:
    """The first ``limit`` of ``records`` (fetched as ``limit + 1`` to know if more follow)."""
    items = list(records)
    more = len(items) > limit
    items = items[:limit]
    render = shown or (lambda record: record.model_dump(mode="json"))
    return Page(items=[render(item) for item in items],
                next_after=items[-1].id if more and items else None)

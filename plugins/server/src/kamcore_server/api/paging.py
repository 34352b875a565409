"""Pages of a list: ``?after=<id>&limit=<n>`` (keyset pagination, stable while records are
added), answered as ``{"items": [...], "next_after": <id or null>}``.

Records in id order are paged by the store (:func:`page`); a list in another order computed
whole (a ranking, a plan's reviews by date) is cut after the item with that id
(:func:`page_of`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Query
from pydantic import BaseModel

from kamcore.errors import InvalidInputError, Problem
from kamcore.model import Record

T = TypeVar("T")

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


def page_of(items: Sequence[T], after: str | None, limit: int, id_of: Callable[[T], str],
            shown: Callable[[T], dict[str, Any]]) -> Page:
    """The ``limit`` items of an ordered list that follow the one whose id is ``after`` (from
    the start when ``after`` is None).

    :raises InvalidInputError: ``after`` names no item of the list (it left since).
    """
    ids = [id_of(item) for item in items]
    if after is not None and after not in ids:
        raise InvalidInputError(f"after={after!r} names nothing in this list (any more): "
                                "start again without it",
                                [Problem("not in the list", path=("after",))])
    start = ids.index(after) + 1 if after is not None else 0
    chosen = items[start:start + limit]
    more = start + limit < len(items)
    return Page(items=[shown(item) for item in chosen],
                next_after=id_of(chosen[-1]) if more and chosen else None)

"""Scores: an account's latest score cards, scoring an account, the portfolio ranked by a
rubric and the key-account programme cut (:mod:`kamcore.operations.scoring`).

The ranking and the segment judge every account against every other, so they read the whole
portfolio on each request (streamed, a small row kept per account: see
:mod:`kamcore.portfolio`); the page and a member's view are cut from that.
"""

from __future__ import annotations

from typing import Any

import attrs
from fastapi import Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from kamcore import operations
from kamcore.model import Account, ScoreCard
from kamcore.operations import Actor
from kamcore.portfolio import PortfolioRow
from kamcore.snapshot import latest_by_rubric
from kamcore.store import Workspace

from ..principal import Principal
from ..problems import Denied
from ..rules import KamRouter, checker, may_read, require_account, workspace
from .owned import shown
from .paging import After, Limit, Page, page_of

router = KamRouter(prefix="/api/v1", tags=["scores"])


class NewScore(BaseModel):
    """What to score the account with: a rubric, the values of the criteria a person enters
    (computed ones come from the installed signals), and the plan the card belongs to."""

    rubric: str = Field(min_length=1, max_length=100)
    inputs: dict[str, float | str] = Field(default_factory=dict, examples=[{"fit": 4}])
    plan_id: str | None = Field(default=None, max_length=128)


def _latest(ws: Workspace, account_id: str) -> dict[str, ScoreCard]:
    return latest_by_rubric(ws.iter(ScoreCard, account_id=account_id))


@router.get("/accounts/{account_id}/scores", access="read", summary="An account's scores")
def scores(account_id: str, who: Principal = Depends(checker("read")),
           ws: Workspace = Depends(workspace)) -> dict[str, Any]:
    """The account's latest score card of each rubric (one per rubric: not paged)."""
    require_account(who, account_id)
    ws.get(Account, account_id)  # 404 for an account that does not exist
    return {"account": account_id,
            "items": [card.model_dump(mode="json") for card in _latest(ws, account_id).values()]}


@router.get("/accounts/{account_id}/scores/{rubric}", access="read",
            summary="An account's score by a rubric")
def score(account_id: str, rubric: str, who: Principal = Depends(checker("read")),
          ws: Workspace = Depends(workspace)) -> JSONResponse:
    """The account's latest score card of the rubric, its revision as the ETag."""
    require_account(who, account_id)
    card = _latest(ws, account_id).get(rubric)
    if card is None:
        raise Denied(404, f"account {account_id!r} has no score card of rubric {rubric!r}")
    return shown(card)


@router.post("/accounts/{account_id}/scores", access="write", status_code=201,
             summary="Score an account")
def score_account(account_id: str, body: NewScore, who: Principal = Depends(checker("write")),
                  ws: Workspace = Depends(workspace)) -> JSONResponse:
    """Score the account with the rubric and store the card (a new card: no If-Match)."""
    require_account(who, account_id, write=True)
    card = operations.score_account(ws, Actor(who.name), account_id, body.rubric, body.inputs,
                                    plan_id=body.plan_id)
    return shown(card, 201)


def _row(row: PortfolioRow) -> dict[str, Any]:
    return attrs.asdict(row)


@router.get("/rubrics/{rubric}/ranking", access="read", response_model=Page,
            summary="The portfolio ranked")
def ranking(rubric: str, limit: Limit = 50, after: After = None,
            who: Principal = Depends(checker("read")),
            ws: Workspace = Depends(workspace)) -> Page:
    """Every account the caller may see ranked by the rubric, highest first (``rank`` counts
    the whole portfolio); a page at a time (``after``: an account id)."""
    rows = [(rank, row) for rank, row in enumerate(
        operations.score_portfolio(ws, Actor(who.name), rubric), start=1)
        if may_read(who, row.account_id)]
    return page_of(rows, after, limit, lambda item: item[1].account_id,
                   lambda item: {"rank": item[0], **_row(item[1])})


@router.get("/rubrics/{rubric}/segment", access="read", summary="The key-account programme")
def segment(rubric: str,
            share: float = Query(default=0.2, gt=0, le=1, description=(
                "Share of the scored portfolio that belongs in the programme.")),
            programme_tier: list[str] = Query(default=["strategic", "key"], max_length=20,
                                              description="Tiers that mean 'in the programme "
                                                          "today'."),
            who: Principal = Depends(checker("read")),
            ws: Workspace = Depends(workspace)) -> dict[str, Any]:
    """Which accounts belong in the programme (the top ``share`` by score) and which are in it
    today without the scores to support it (scope inflation); a member sees their accounts'
    rows only."""
    cut = operations.segment_portfolio(ws, rubric, share=share,
                                       programme_tiers=tuple(programme_tier))

    def seen(rows: tuple[PortfolioRow, ...]) -> list[dict[str, Any]]:
        return [_row(row) for row in rows if may_read(who, row.account_id)]

    return {"rubric": rubric, "share": share, "members": seen(cut.members),
            "scope_inflation": seen(cut.inflated)}

"""Portfolio views: every account scored with one rubric, ranked, and segmented; the reviews
due across every plan.

Accounts are streamed from the workspace one at a time; only a small row per account is kept,
so memory stays flat as the portfolio grows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING

import attrs

from .errors import InvalidInputError
from .model import Account, Plan, Review, ScoreCard
from .plugin.registry import Registry
from .rubric import Rubric, score_account
from .store import Workspace

if TYPE_CHECKING:
    from .reviews import DueReview


@attrs.frozen
class PortfolioRow:
    """One account's place in the portfolio: its latest (or computed) score, or why none."""

    account_id: str
    name: str
    tier: str | None
    total: float | None
    band: str | None
    rubric_version: str | None
    note: str = ""


def latest_card_by_account(workspace: Workspace, rubric_name: str) -> dict[str, ScoreCard]:
    """The newest score card of each account for ``rubric_name``."""
    latest: dict[str, ScoreCard] = {}
    for card in workspace.iter(ScoreCard):
        if card.rubric.name != rubric_name:
            continue
        held = latest.get(card.account_id)
        if held is None or card.scored_at > held.scored_at:
            latest[card.account_id] = card
    return latest


def score_portfolio(workspace: Workspace, registry: Registry, rubric: Rubric, *,
                    save: bool = False, by: str | None = None) -> Iterator[PortfolioRow]:
    """A row per account: computed now when every criterion is a signal, else the latest card.

    :param save: store the computed cards (only for fully computed rubrics), as ``by``.
    """
    computed = all(c.computed for c in rubric.criteria)
    cards = {} if computed else latest_card_by_account(workspace, rubric.name)
    if not computed:
        for account in workspace.iter(Account):
            card = cards.get(account.id)
            yield _row(account, card, "" if card else "not scored yet")
        return
    for snapshot in workspace.snapshots():
        account = snapshot.account
        try:
            card = score_account(rubric, snapshot, {}, registry.signals)
        except InvalidInputError as exc:
            yield _row(account, None, "; ".join(p.message for p in exc.problems))
            continue
        if save:
            card = workspace.save(card, base_revision=0, by=by)
        yield _row(account, card, "")


def _row(account: Account, card: ScoreCard | None, note: str) -> PortfolioRow:
    return PortfolioRow(account.id, account.name, account.tier,
                        card.total if card else None, card.band if card else None,
                        card.rubric.version if card else None, note)


def ranked(rows: Iterator[PortfolioRow]) -> list[PortfolioRow]:
    """Scored rows by total, highest first, then unscored rows by id."""
    return sorted(rows, key=lambda r: (r.total is None, -(r.total or 0), r.account_id))


@attrs.frozen
class Segment:
    """The key-account programme cut: who belongs in it, and scope inflation."""

    members: tuple[PortfolioRow, ...]
    inflated: tuple[PortfolioRow, ...]
    outside: tuple[PortfolioRow, ...]
    share: float
    programme_tiers: tuple[str, ...]


def segment(rows: list[PortfolioRow], share: float,
            programme_tiers: tuple[str, ...] = ("strategic", "key")) -> Segment:
    """The top ``share`` of scored accounts belong in the programme (at least one).

    Accounts already tiered into the programme (``programme_tiers``) but outside the top share
    are scope inflation: the programme is carrying accounts the scores don't support.
    """
    if not 0 < share <= 1:
        raise InvalidInputError(f"share must be between 0 and 1, not {share:g}")
    scored = [r for r in ranked(iter(rows)) if r.total is not None]
    size = max(1, math.ceil(len(scored) * share)) if scored else 0
    members = tuple(scored[:size])
    member_ids = {r.account_id for r in members}
    inflated = tuple(r for r in ranked(iter(rows))
                     if r.account_id not in member_ids and (r.tier or "") in programme_tiers)
    outside = tuple(r for r in scored[size:] if r not in inflated)
    return Segment(members, inflated, outside, share, programme_tiers)


def reviews_due(workspace: Workspace, registry: Registry, as_of: date, *,
                only_overdue: bool = False,
                plans: Iterable[Plan] | None = None) -> list[tuple[Plan, DueReview]]:
    """Each plan's next review of each kind of its cadence, overdue ones first (then by due
    date, plan and kind). Plans whose methodology is not installed are left out.

    :param only_overdue: keep only the reviews past due on ``as_of``.
    :param plans: the plans to look at (default: every plan, streamed).
    """
    from .reviews import due_reviews

    rows: list[tuple[Plan, DueReview]] = []
    for plan in workspace.iter(Plan) if plans is None else plans:
        methodology = registry.methodologies.get(plan.methodology.name)
        if methodology is None:
            continue
        reviews = list(workspace.iter(Review, account_id=plan.account_id))
        rows.extend((plan, item) for item in due_reviews(plan, methodology, reviews, as_of)
                    if item.overdue or not only_overdue)
    return sorted(rows, key=lambda row: (not row[1].overdue, row[1].due, row[0].id, row[1].kind))

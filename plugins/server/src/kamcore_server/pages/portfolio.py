"""What the portfolio dashboard shows: one row per account the user may see.

A row holds the account's tier, its current plan (the one saved last) with its methodology and
step, the counts of that plan's findings (every plugin's checks, the results kept by
:func:`kamcore.portfolio.plan_findings`, so a plan is checked again only when its account
changed), the plan's next review (overdue or not) and the account's
latest score card. :func:`rows` builds them; :func:`select` filters, sorts and cuts one page,
reading only the query string's words it knows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Final

import attrs

from kamcore.model import Account, Plan
from kamcore.plugin.registry import get_registry
from kamcore.portfolio import plan_findings
from kamcore.reviews import DueReview, due_reviews
from kamcore.store import Workspace

from ..principal import Principal

#: Rows per page of the dashboard.
PAGE_SIZE: Final = 25
#: The columns the dashboard sorts by (``?sort=name``, ``?sort=-errors`` for descending).
SORTS: Final = ("name", "tier", "step", "errors", "review", "score")


@attrs.frozen
class Row:
    """One account on the dashboard (plan fields empty without a plan)."""

    account_id: str
    name: str
    tier: str | None
    plan_id: str | None = None
    methodology: str | None = None
    step: str | None = None
    errors: int = 0
    warnings: int = 0
    review: DueReview | None = None
    score: float | None = None
    band: str | None = None
    rubric: str | None = None
    note: str = ""


@attrs.frozen
class Selection:
    """One page of rows and how it was chosen."""

    rows: tuple[Row, ...]
    total: int
    page: int
    pages: int
    sort: str
    query: str
    tier: str
    tiers: tuple[str, ...]


def visible_accounts(ws: Workspace, who: Principal) -> Iterator[Account]:
    """The accounts ``who`` may see, in id order (a member: their teams' only)."""
    among = None if who.role in ("admin", "viewer") else sorted(who.teams)
    return ws.iter(Account, among=among)


def rows(ws: Workspace, accounts: Iterable[Account], as_of: date) -> Iterator[Row]:
    """The dashboard row of each account."""
    registry = get_registry()
    findings = dict(plan_findings(ws, registry, as_of))
    for account in accounts:
        snapshot = ws.snapshot(account.id)
        card = max(snapshot.score_cards, key=lambda c: c.scored_at, default=None)
        row = Row(account.id, account.name, account.tier, score=card.total if card else None,
                  band=card.band if card else None, rubric=card.rubric.name if card else None)
        plan = current_plan(snapshot.plans)
        if plan is None:
            yield attrs.evolve(row, note="no plan yet")
            continue
        row = attrs.evolve(row, plan_id=plan.id, methodology=plan.methodology.name,
                           step=plan.step)
        methodology = registry.methodologies.get(plan.methodology.name)
        found = findings.get(account.id, {}).get(plan.id)
        if methodology is None or found is None:
            yield attrs.evolve(row, note=f"methodology {plan.methodology.name!r} is not "
                                         "installed")
            continue
        severities = [f.severity for f in found]
        due = due_reviews(plan, methodology, snapshot.reviews, as_of)
        yield attrs.evolve(row, errors=severities.count("error"),
                           warnings=severities.count("warning"), review=due[0] if due else None)


def current_plan(plans: Iterable[Plan]) -> Plan | None:
    """The plan saved last (None without one): the one the dashboard and map show."""
    return max(plans, key=lambda p: p.updated_at.isoformat() if p.updated_at else "",
               default=None)


def select(all_rows: Iterable[Row], *, sort: str = "name", query: str = "", tier: str = "",
           page: int = 1) -> Selection:
    """Keep the rows whose id or name contains ``query`` (any case) and whose tier is
    ``tier`` (when given), sort them by ``sort`` (a name of :data:`SORTS`, ``-`` first for
    descending; empty values last either way), and cut page ``page`` (1-based; past the end:
    the last page)."""
    listed = list(all_rows)
    tiers = tuple(sorted({r.tier for r in listed if r.tier}))
    needle = query.casefold().strip()
    kept = [r for r in listed
            if (not needle or needle in r.account_id.casefold() or needle in r.name.casefold())
            and (not tier or r.tier == tier)]
    key = sort.removeprefix("-")
    if key not in SORTS:
        key, sort = "name", "name"
    present = [r for r in kept if _value(r, key) is not None]
    absent = [r for r in kept if _value(r, key) is None]
    present.sort(key=lambda r: (_value(r, key), r.name.casefold()),
                 reverse=sort.startswith("-"))
    ordered = present + sorted(absent, key=lambda r: r.name.casefold())
    pages = max(1, -(-len(ordered) // PAGE_SIZE))
    page = min(max(1, page), pages)
    shown = ordered[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    return Selection(tuple(shown), len(ordered), page, pages, sort, query, tier, tiers)


def _value(row: Row, key: str) -> str | int | float | None:
    if key == "name":
        return row.name.casefold()
    if key == "tier":
        return row.tier
    if key == "step":
        return row.step
    if key == "errors":
        return row.errors * 1_000_000 + row.warnings if row.plan_id else None
    if key == "review":
        return row.review.due.isoformat() if row.review else None
    return row.score

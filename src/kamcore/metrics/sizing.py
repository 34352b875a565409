"""Portfolio sizing findings: how many accounts each KAM carries, and which programme
accounts are too small for a formal plan.

The sources' rules: "a KAM carries ... typically 10-30 accounts"; coverage ratios "top 5
accounts 1:3-5, top 20 1:8-12, growth accounts 1:15-25"; formal plans pay off on "$100K+
ARR, and a 3+ year horizon".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import attrs

from ..checking import finding
from ..model import Finding

#: Most accounts a KAM carries.
MOST_ACCOUNTS_PER_KAM = 30
#: (accounts ranked at most this high by revenue, the most accounts their KAM should carry).
RATIOS: tuple[tuple[int, int], ...] = ((5, 5), (20, 12))
#: Most accounts for a KAM whose accounts are all outside the top 20 (growth accounts).
GROWTH_RATIO = 25
#: Annual revenue below which a formal account plan does not pay off.
FORMAL_PLAN_FLOOR = 100_000.0


@attrs.frozen
class Carried:
    """A programme account as sizing sees it: who owns it and its trailing-year revenue
    (None without revenue facts)."""

    account_id: str
    owner: str | None
    annual_revenue: float | None


def sizing_findings(accounts: Iterable[Carried]) -> list[Finding]:
    """``kam-overloaded`` for a KAM carrying more accounts than the ratio of their
    highest-ranked account allows (or more than 30); ``below-formal-plan-floor`` for an account
    with less than $100K of revenue in the trailing year."""
    rows = list(accounts)
    ranked = sorted((r for r in rows if r.annual_revenue is not None),
                    key=lambda r: (-(r.annual_revenue or 0), r.account_id))
    rank = {r.account_id: i for i, r in enumerate(ranked, start=1)}
    by_owner: dict[str, list[Carried]] = defaultdict(list)
    for row in rows:
        if row.owner:
            by_owner[row.owner].append(row)
    findings = []
    for owner, carried in sorted(by_owner.items()):
        best = min(rank.get(r.account_id, len(rows) + 1) for r in carried)
        limit = next((most for top, most in RATIOS if best <= top), GROWTH_RATIO)
        limit = min(limit, MOST_ACCOUNTS_PER_KAM)
        if len(carried) > limit:
            findings.append(finding(
                "kamcore", "kam-overloaded",
                f"{owner} carries {len(carried)} programme accounts, their best ranked "
                f"#{best} by revenue: the usual coverage is at most {limit} (top 5 accounts "
                "1:3-5, top 20 1:8-12, growth accounts 1:15-25, 10-30 accounts per KAM)",
                subject=owner))
    for row in rows:
        if row.annual_revenue is not None and row.annual_revenue < FORMAL_PLAN_FLOOR:
            findings.append(finding(
                "kamcore", "below-formal-plan-floor",
                f"{row.account_id} booked {row.annual_revenue:,.0f} in the trailing year: a "
                f"formal account plan pays off on {FORMAL_PLAN_FLOOR:,.0f}+ annual revenue and a "
                "3+ year horizon", subject=row.account_id, severity="info"))
    return findings

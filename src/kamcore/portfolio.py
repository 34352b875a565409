"""Portfolio views: every account scored with one rubric, ranked, and segmented; every plan's
findings; the reviews due across every plan.

Accounts are streamed from the workspace one at a time; only a small row per account is kept,
so memory stays flat as the portfolio grows. What is computed per account (a rubric's row, the
plans' findings) is kept in the workspace with the fingerprint of what it was computed from
(:mod:`kamcore.store.derived`), and computed again only for the accounts where that changed:
a portfolio nobody touched since the last view is read, not recomputed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING

import attrs

from . import cache
from .errors import InvalidInputError
from .model import Account, Finding, Plan, Review, ScoreCard
from .movements import Scope, find_movements, plan_since
from .plugin.registry import Registry
from .rubric import Rubric, score_account
from .store import Workspace
from .store.derived import salt

if TYPE_CHECKING:
    from .reviews import AdHocRefresh, DueReview
    from .snapshot import AccountSnapshot


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
    scored_at: datetime | None = None


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

    Computed rows are kept (see the module) and reused while nothing they depend on changed:
    the account's records other than its score cards, the rubric, the installed plugins and
    the date (signals count days).

    :param save: store the computed cards (only for fully computed rubrics), as ``by``; every
        account is scored then.
    """
    computed = all(c.computed for c in rubric.criteria)
    cards = {} if computed else latest_card_by_account(workspace, rubric.name)
    if not computed:
        for account in workspace.iter(Account):
            card = cards.get(account.id)
            yield _row(account, card, "" if card else "not scored yet")
        return
    if save:
        for snapshot in workspace.snapshots():
            row, card = _scored(rubric, snapshot, registry)
            if card is not None:
                row = _row(snapshot.account, workspace.save(card, base_revision=0, by=by), "")
            yield row
        return
    salted = salt("portfolio-row", rubric.name, rubric.version, dict(rubric.document),
                  _installed(registry), cache.fingerprint(), date.today())

    def compute(snapshot: AccountSnapshot) -> str:
        return _row_json(_scored(rubric, snapshot, registry)[0])

    for _account_id, data in kept_results(workspace, f"portfolio-row/{rubric.name}", salted,
                                          compute, ignoring=(ScoreCard.kind,)):
        yield _row_from_json(data)


def _row_json(row: PortfolioRow) -> str:
    """``row`` as JSON text, its time in ISO 8601 (the form a kept row is stored in)."""
    return json.dumps(attrs.asdict(row, value_serializer=lambda _cls, _field, value:
                                   value.isoformat() if isinstance(value, datetime) else value))


def _row_from_json(data: str) -> PortfolioRow:
    """The row :func:`_row_json` wrote."""
    fields = json.loads(data)
    if fields.get("scored_at") is not None:
        fields["scored_at"] = datetime.fromisoformat(fields["scored_at"])
    return PortfolioRow(**fields)


def _scored(rubric: Rubric, snapshot: AccountSnapshot,
            registry: Registry) -> tuple[PortfolioRow, ScoreCard | None]:
    """An account's row scored now with ``rubric``, and its card (None when refused)."""
    try:
        card = score_account(rubric, snapshot, {}, registry.signals)
    except InvalidInputError as exc:
        return _row(snapshot.account, None, "; ".join(p.message for p in exc.problems)), None
    return _row(snapshot.account, card, ""), card


def plan_findings(workspace: Workspace, registry: Registry,
                  as_of: date | None = None) -> Iterator[tuple[str, dict[str, list[Finding]]]]:
    """``(account id, {plan id: findings})`` of every account, in account id order: each plan
    checked by its methodology (plans whose methodology is not installed are left out).

    Kept (see the module) and reused while nothing they depend on changed: the account's
    records, the installed methodologies and plugins, and ``as_of`` (default today).
    """
    from .planning import check_plan

    when = as_of or date.today()
    methodologies = registry.methodologies
    salted = salt("plan-findings", {name: dict(m.document) for name, m in methodologies.items()},
                  _installed(registry), cache.fingerprint(), when)

    def compute(snapshot: AccountSnapshot) -> str:
        found = {plan.id: [f.model_dump(mode="json") for f in check_plan(
                     plan, methodologies[plan.methodology.name], snapshot, registry.host, when)]
                 for plan in snapshot.plans if plan.methodology.name in methodologies}
        return json.dumps(found)

    for account_id, data in kept_results(workspace, "plan-findings", salted, compute):
        yield account_id, {plan_id: [Finding.model_validate(f) for f in found]
                           for plan_id, found in json.loads(data).items()}


def kept_results(workspace: Workspace, name: str, salted: str,
                 compute: Callable[[AccountSnapshot], str], *,
                 ignoring: Collection[str] = ()) -> Iterator[tuple[str, str]]:
    """``(account id, result)`` of every account, in account id order: the kept result of
    ``name`` where its fingerprint (the account's records but the kinds ``ignoring``, and
    ``salted``) still matches, else ``compute(snapshot)`` (JSON text), which is then kept."""
    derived = workspace.derived
    fingerprints = list(derived.fingerprints(salted, ignoring=ignoring))
    kept = derived.kept(name)
    stale = {account_id: fingerprint for account_id, fingerprint in fingerprints
             if kept.get(account_id, ("",))[0] != fingerprint}
    computed: dict[str, str] = {}
    if stale:
        snapshots = (workspace.snapshots(among=stale) if len(stale) > _FEW
                     else (workspace.snapshot(account_id) for account_id in sorted(stale)))
        computed = {snapshot.account.id: compute(snapshot) for snapshot in snapshots}
        derived.keep(name, [(account_id, stale[account_id], data)
                            for account_id, data in computed.items()])
    for account_id, _fingerprint in fingerprints:
        yield account_id, computed[account_id] if account_id in stale else kept[account_id][1]


#: Up to so many accounts to recompute are read one by one; more, in one streamed pass.
_FEW = 50


def _installed(registry: Registry) -> list[tuple[str, str | None, str]]:
    """The plugins loaded, with their versions (a result computed under others is stale)."""
    return sorted((info.name, info.version, info.status) for info in registry.host.listing())


def _row(account: Account, card: ScoreCard | None, note: str) -> PortfolioRow:
    return PortfolioRow(account.id, account.name, account.tier,
                        card.total if card else None, card.band if card else None,
                        card.rubric.version if card else None, note,
                        card.scored_at if card else None)


def ranked(rows: Iterator[PortfolioRow]) -> list[PortfolioRow]:
    """Scored rows by total, highest first, then unscored rows by id."""
    return sorted(rows, key=lambda r: (r.total is None, -(r.total or 0), r.account_id))


#: The usual size of a key-account programme: "typically the top 10-20% of the customer base".
PROGRAMME_SHARE = (0.10, 0.20)


@attrs.frozen
class Segment:
    """The key-account programme cut: who belongs in it, scope inflation, and findings about
    the programme's size."""

    members: tuple[PortfolioRow, ...]
    inflated: tuple[PortfolioRow, ...]
    outside: tuple[PortfolioRow, ...]
    share: float
    programme_tiers: tuple[str, ...]
    rule: str
    findings: tuple[Finding, ...] = ()


def segment(rows: list[PortfolioRow], share: float = PROGRAMME_SHARE[1],
            programme_tiers: tuple[str, ...] = ("strategic", "key"),
            qualifying: frozenset[str] = frozenset()) -> Segment:
    """Who belongs in the key-account programme.

    With ``qualifying`` bands (the rubric's qualifying rule, e.g. ``strategic`` from 4.0), every
    scored account in one of them is a member, however many there are; the share is then a
    check on the programme's size: members making up less than 10% or more than ``share`` of
    the scored accounts give a ``programme-size`` finding, never a silent cut. Without
    qualifying bands the top ``share`` of scored accounts (rounded up, at least one) are members.

    Accounts already tiered into the programme (``programme_tiers``) but not members are scope
    inflation: the programme is carrying accounts the scores don't support.

    :raises InvalidInputError: ``share`` not above 0 and at most 1.
    """
    if not 0 < share <= 1:
        raise InvalidInputError(f"share must be above 0 and at most 1 (a fraction such as 0.2), "
                                f"not {share:g}")
    everyone = ranked(iter(rows))
    scored = [r for r in everyone if r.total is not None]
    findings: tuple[Finding, ...] = ()
    if qualifying:
        members = tuple(r for r in scored if r.band in qualifying)
        rule = "band " + " or ".join(sorted(qualifying))
        findings = _size_findings(len(members), len(scored), share)
    else:
        size = max(1, math.ceil(len(scored) * share)) if scored else 0
        members = tuple(scored[:size])
        rule = f"top {share:.0%}"
    member_ids = {r.account_id for r in members}
    inflated = tuple(r for r in everyone
                     if r.account_id not in member_ids and (r.tier or "") in programme_tiers)
    outside = tuple(r for r in scored if r.account_id not in member_ids and r not in inflated)
    return Segment(members, inflated, outside, share, programme_tiers, rule, findings)


def _size_findings(members: int, scored: int, share: float) -> tuple[Finding, ...]:
    """``programme-size`` when the qualifying accounts are outside 10%..``share`` of the
    scored portfolio."""
    from .checking import finding

    if not scored:
        return ()
    low, high = min(PROGRAMME_SHARE[0], share), share
    actual = members / scored
    if low - 1e-9 <= actual <= high + 1e-9:
        return ()
    direction = "more" if actual > high else "fewer"
    return (finding(
        "kamcore", "programme-size",
        f"{members} of {scored} scored accounts ({actual:.0%}) qualify for the programme: "
        f"{direction} than the usual {low:.0%}-{high:.0%} of the customer base; "
        + ("check the scores or fund the coverage they call for" if direction == "more"
           else "the programme may be too small to matter"),
    ),)


def stale_score_findings(rows: Iterable[PortfolioRow], rubric: Rubric,
                         as_of: date) -> list[Finding]:
    """``score-stale`` for each row whose card is older than the rubric's ``rescore_every``
    ("update the scoring quarterly"); none for a rubric without it."""
    from .cadence import Cadence
    from .checking import finding

    if rubric.rescore_every is None:
        return []
    cadence = Cadence.parse("rescore", rubric.rescore_every)
    found = []
    for row in rows:
        if row.scored_at is None:
            continue
        due = cadence.next_due(row.scored_at.date())
        if due < as_of:
            found.append(finding(
                "kamcore", "score-stale",
                f"{row.account_id}'s {rubric.name} score is from {row.scored_at:%Y-%m-%d}: "
                f"{rubric.name} is rescored every {cadence.every} (due by {due.isoformat()}); "
                "rescore it before relying on it", subject=row.account_id))
    return found


def reviews_due(workspace: Workspace, registry: Registry, as_of: date, *,
                only_overdue: bool = False, plans: Iterable[Plan] | None = None,
                movements: bool = True) -> list[tuple[Plan, DueReview | AdHocRefresh]]:
    """Each plan's next review of each kind of its cadence, overdue ones first (then by due
    date, plan and kind). Plans whose methodology is not installed are left out, and so are
    plans rolled over into a successor (``superseded_by``): the successor is reviewed now.

    With ``movements``, a plan whose account moved since its last review held on or before
    ``as_of`` (see :mod:`kamcore.movements`) is listed as needing an ad-hoc refresh
    (:class:`~kamcore.reviews.AdHocRefresh`, due on ``as_of``, after the overdue reviews); the
    movements of every plan are read in one pass.

    :param only_overdue: keep only the reviews past due on ``as_of`` (no ad-hoc refresh).
    :param plans: the plans to look at (default: every plan, streamed).
    """
    from .reviews import due_reviews, last_review

    rows: list[tuple[Plan, DueReview | AdHocRefresh]] = []
    scopes: list[tuple[Scope, date | None]] = []
    for plan in workspace.iter(Plan) if plans is None else plans:
        methodology = registry.methodologies.get(plan.methodology.name)
        if methodology is None or plan.superseded_by is not None:
            continue
        reviews = list(workspace.iter(Review, account_id=plan.account_id))
        rows.extend((plan, item) for item in due_reviews(plan, methodology, reviews, as_of)
                    if item.overdue or not only_overdue)
        if movements and not only_overdue:
            held = [r for r in reviews if r.date <= as_of]
            last = last_review(held, plan.id)
            scopes.append((Scope(plan.account_id, plan_since(plan, held), plan, methodology),
                           last.date if last is not None else None))
    rows.extend(_refreshes(workspace, scopes, as_of))
    return sorted(rows, key=lambda row: (not row[1].overdue, row[1].due, row[0].id, row[1].kind))


def _refreshes(workspace: Workspace, scopes: list[tuple[Scope, date | None]],
               as_of: date) -> Iterator[tuple[Plan, AdHocRefresh]]:
    """An ad-hoc refresh for each scope's plan with movements since its moment."""
    from .reviews import AdHocRefresh

    found = find_movements(workspace, [scope for scope, _last in scopes])
    for (scope, last), moves in zip(scopes, found, strict=True):
        if moves and scope.plan is not None:
            yield scope.plan, AdHocRefresh(tuple(moves), scope.since, last, as_of)

"""Derived results kept (:mod:`kamcore.store.derived`, :mod:`kamcore.portfolio`): a portfolio
view computes each account once, and again only when something it depends on changed.

On a real workspace (SQLite file, and PostgreSQL when configured) with the installed
``simple_plan`` methodology and the fully computed ``stakeholder-coverage`` rubric. What is
counted is how often the real rubric and the real checks run.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from kamcore import Workspace, portfolio
from kamcore.model import Account, MethodologyRef, Plan, ScoreCard, Stakeholder
from kamcore.planning import check_plan
from kamcore.plugin.registry import Registry, get_registry
from kamcore.rubric import score_account

if TYPE_CHECKING:
    from conftest import Backend

RUBRIC = "stakeholder-coverage"
ACCOUNTS = ("acme", "globex", "initech")


@pytest.fixture
def registry() -> Registry:
    return get_registry()


@pytest.fixture
def ws(backend: Backend) -> Iterator[Workspace]:
    workspace = Workspace.open(backend.target, create=True)
    for n, account_id in enumerate(ACCOUNTS):
        workspace.save(Account(id=account_id, name=account_id.title(), tier="key"))
        for s in range(n + 1):
            workspace.save(Stakeholder(id=f"{account_id}-s{s}", account_id=account_id,
                                       name=f"Person {s}", seniority="vp", influence=4,
                                       support=1, roles=frozenset({"champion"})))
        workspace.save(Plan(id=f"{account_id}-plan", account_id=account_id,
                            methodology=MethodologyRef(name="simple_plan", version="1.0.0"),
                            step="understand"))
    yield workspace
    workspace.close()


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The accounts the real rubric scored and the real checks checked, call by call."""
    seen: dict[str, list[str]] = {"scored": [], "checked": []}

    def scoring(rubric: Any, snapshot: Any, *args: Any) -> Any:
        seen["scored"].append(snapshot.account.id)
        return score_account(rubric, snapshot, *args)

    def checking(plan: Plan, *args: Any) -> Any:
        seen["checked"].append(plan.account_id)
        return check_plan(plan, *args)

    monkeypatch.setattr(portfolio, "score_account", scoring)
    monkeypatch.setattr("kamcore.planning.check_plan", checking)
    return seen


def _rows(ws: Workspace, registry: Registry) -> list[portfolio.PortfolioRow]:
    return list(portfolio.score_portfolio(ws, registry, registry.rubrics[RUBRIC]))


def _fresh_rows(ws: Workspace, registry: Registry) -> list[portfolio.PortfolioRow]:
    """The rows computed now from every snapshot, keeping nothing (what a view must show)."""
    rubric = registry.rubrics[RUBRIC]
    return [portfolio._scored(rubric, snapshot, registry)[0] for snapshot in ws.snapshots()]


def _scores(rows: list[portfolio.PortfolioRow]) -> list[portfolio.PortfolioRow]:
    """``rows`` without the moment each was computed (a kept row keeps its own)."""
    return [attrs.evolve(row, scored_at=None) for row in rows]


def test_an_unchanged_portfolio_is_read_not_scored_again(
        ws: Workspace, registry: Registry, runs: dict[str, list[str]]) -> None:
    first = _rows(ws, registry)
    assert runs["scored"] == list(ACCOUNTS)
    assert [row.account_id for row in first] == list(ACCOUNTS)
    assert all(row.total is not None for row in first)
    assert _scores(first) == _scores(_fresh_rows(ws, registry))
    assert all(row.scored_at is not None for row in first)
    runs["scored"].clear()

    assert _rows(ws, registry) == first
    assert runs["scored"] == []  # read back, not recomputed


def test_a_change_to_one_account_rescores_that_account_only(
        ws: Workspace, registry: Registry, runs: dict[str, list[str]]) -> None:
    before = _rows(ws, registry)
    runs["scored"].clear()
    person = ws.get(Stakeholder, "globex-s0")
    ws.save(person.model_copy(update={"roles": frozenset({"economic_buyer"}), "influence": 5}))
    after = _rows(ws, registry)
    assert runs["scored"] == ["globex"]
    assert _scores(after) == _scores(_fresh_rows(ws, registry))
    assert after[1] != before[1] and after[0] == before[0] and after[2] == before[2]

    runs["scored"].clear()  # a record removed, one added: both are changes
    ws.delete(Stakeholder, "initech-s2")
    ws.save(Stakeholder(id="acme-s9", account_id="acme", name="New", seniority="c_level"))
    rows = _rows(ws, registry)
    assert sorted(runs["scored"]) == ["acme", "initech"]
    assert _scores(rows) == _scores(_fresh_rows(ws, registry))


def test_saved_score_cards_do_not_make_the_rows_stale(
        ws: Workspace, registry: Registry, runs: dict[str, list[str]]) -> None:
    rubric = registry.rubrics[RUBRIC]
    rows = _rows(ws, registry)
    saved = list(portfolio.score_portfolio(ws, registry, rubric, save=True, by="lee"))
    assert [row.total for row in saved] == [row.total for row in rows]
    assert ws.count(ScoreCard) == len(ACCOUNTS)
    runs["scored"].clear()
    assert _rows(ws, registry) == rows
    assert runs["scored"] == []


def test_accounts_added_and_removed(ws: Workspace, registry: Registry,
                                    runs: dict[str, list[str]]) -> None:
    _rows(ws, registry)
    runs["scored"].clear()
    ws.save(Account(id="hooli", name="Hooli"))
    for record_id in ("acme-s0", "acme-plan"):
        ws.delete(Plan if record_id.endswith("plan") else Stakeholder, record_id)
    ws.delete(Account, "acme")
    rows = _rows(ws, registry)
    assert [row.account_id for row in rows] == ["globex", "hooli", "initech"]
    assert runs["scored"] == ["hooli"]
    assert "acme" not in ws.derived.kept(f"portfolio-row/{RUBRIC}")  # dropped with it


def test_plan_findings_are_kept_per_day(ws: Workspace, registry: Registry,
                                        runs: dict[str, list[str]]) -> None:
    today = date.today()
    first = dict(portfolio.plan_findings(ws, registry, today))
    assert sorted(runs["checked"]) == sorted(ACCOUNTS)
    methodology = registry.methodologies["simple_plan"]
    for account_id in ACCOUNTS:
        plan = ws.get(Plan, f"{account_id}-plan")
        expected = check_plan(plan, methodology, ws.snapshot(account_id), registry.host, today)
        assert first[account_id] == {plan.id: expected}
        assert expected  # an empty plan has something to say
    runs["checked"].clear()
    assert dict(portfolio.plan_findings(ws, registry, today)) == first
    assert runs["checked"] == []
    # another day: staleness findings count days
    list(portfolio.plan_findings(ws, registry, today + timedelta(days=1)))
    assert sorted(runs["checked"]) == sorted(ACCOUNTS)


def test_a_fingerprint_covers_each_record_and_the_salt(ws: Workspace) -> None:
    derived = ws.derived
    before = dict(derived.fingerprints("a"))
    assert list(before) == list(ACCOUNTS)
    assert dict(derived.fingerprints("a")) == before
    assert dict(derived.fingerprints("b")).keys() == before.keys()
    assert all(dict(derived.fingerprints("b"))[a] != before[a] for a in ACCOUNTS)
    ws.save(ScoreCard.model_validate({
        "id": "card-1", "account_id": "acme", "rubric": {"name": RUBRIC, "version": "1"},
        "scored_at": "2026-01-01T00:00:00Z", "total": 1.0}))
    assert dict(derived.fingerprints("a", ignoring=("scorecard",))) == before
    assert dict(derived.fingerprints("a"))["acme"] != before["acme"]


def test_an_export_of_every_plan_reads_kept_findings(ws: Workspace, registry: Registry,
                                                     runs: dict[str, list[str]],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """``kam export --all`` (:func:`kamcore.exporting.export_contexts`): each plan's findings
    are those a fresh check gives, checked once, then read back until an account changes."""
    from kamcore import exporting

    monkeypatch.setattr(exporting, "check_plan", lambda plan, *args: runs["checked"].append(
        plan.account_id) or check_plan(plan, *args))
    methodology = registry.methodologies["simple_plan"]
    today = date.today()

    def exported() -> dict[str, tuple[Any, ...]]:
        return {c.plan.id: c.findings for c in exporting.export_contexts(ws, registry)}

    first = exported()
    assert sorted(runs["checked"]) == sorted(ACCOUNTS)
    for account_id in ACCOUNTS:
        plan = ws.get(Plan, f"{account_id}-plan")
        fresh = check_plan(plan, methodology, ws.snapshot(account_id), registry.host, today)
        assert first[plan.id] == tuple(fresh) and fresh
    runs["checked"].clear()
    assert exported() == first
    assert runs["checked"] == []
    ws.save(Stakeholder(id="globex-new", account_id="globex", name="New", seniority="vp"))
    assert exported().keys() == first.keys()
    assert runs["checked"] == ["globex"]

"""Programme metrics and revenue facts, on a real SQLite workspace, each rule quoting its source.

The quarter under test is 2026-Q4 (its window: 2026-Q1..Q4; the year before: 2025-Q1..Q4),
judged on 2026-12-31.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kamcore import operations
from kamcore.cli import run
from kamcore.errors import ConflictError, InvalidInputError, NotFoundError
from kamcore.metrics import ProgrammeMetrics
from kamcore.model import (
    Opportunity,
    Plan,
    RevenueFact,
    Review,
    RubricRef,
    ScoreCard,
    Stakeholder,
)
from kamcore.operations import Actor
from kamcore.plugin.host import make_plugin_host
from kamcore.plugin.registry import Registry
from kamcore.quarters import Quarter
from kamcore.store import Workspace

DANA = Actor("dana")
AS_OF = date(2026, 12, 31)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(make_plugin_host(allowlist=frozenset({"sama7"}), strict=True))


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = Workspace.open(tmp_path / "kam.db", create=True)
    yield workspace
    workspace.close()


def _account(ws: Workspace, key: str, tier: str = "strategic", owner: str = "Kim") -> None:
    operations.add_account(ws, DANA, key.title(), account_id=key, tier=tier, owner=owner)


def _revenue(ws: Workspace, key: str, quarters: dict[str, dict[str, Any]]) -> None:
    for period, fields in quarters.items():
        operations.record_revenue(ws, DANA, key, period, **fields)


def _metrics(ws: Workspace, registry: Registry, **options: Any) -> dict[str, Any]:
    result = operations.programme_metrics(ws, period="2026-Q4", as_of=AS_OF, registry=registry,
                                          **options)
    return {v.metric.key: v for v in result.programme}


def _year(booked: float, **fields: Any) -> dict[str, dict[str, Any]]:
    """The same figures in each quarter of 2026."""
    return {f"2026-Q{n}": {"booked": booked, **fields} for n in (1, 2, 3, 4)}


def test_quarters() -> None:
    q = Quarter.parse("2026-Q1")
    assert str(q.shifted(-1)) == "2025-Q4" and str(q.shifted(4)) == "2027-Q1"
    assert [str(x) for x in q.trailing_year()] == ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]
    assert (q.first_day, q.last_day) == (date(2026, 1, 1), date(2026, 3, 31))
    assert Quarter.of(date(2026, 11, 5)) == Quarter(2026, 4)
    with pytest.raises(InvalidInputError, match="'2026-Q5' is not a quarter"):
        Quarter.parse("2026-Q5")


def test_net_revenue_retention_is_growth_minus_churn(ws: Workspace, registry: Registry) -> None:
    """"Net revenue retention (growth minus churn in strategic accounts): 115-130%"."""
    _account(ws, "acme")
    _revenue(ws, "acme", {"2025-Q4": {"booked": 400_000}})
    _revenue(ws, "acme", _year(110_000, expansion=40_000, churn=5_000))
    nrr = _metrics(ws, registry)["net_revenue_retention"]
    # (400k + 160k expansion - 20k churn) / 400k
    assert nrr.value == pytest.approx(540 / 400)
    assert nrr.status == "above target"
    _revenue(ws, "acme", {"2026-Q4": {"booked": 110_000, "expansion": 0, "churn": 0}})
    nrr = _metrics(ws, registry)["net_revenue_retention"]
    assert nrr.value == pytest.approx(505 / 400) and nrr.status == "on target"
    # the quarter before (window 2025-Q4..2026-Q3) has no year before it: no value, no trend
    assert (nrr.previous, nrr.trend) == (None, "")


def test_expansion_share_growth_and_share_of_wallet(ws: Workspace, registry: Registry) -> None:
    """"Expansion revenue as % of total: 30-40%"; account growth rate; share of wallet."""
    _account(ws, "acme")
    _revenue(ws, "acme", {f"2025-Q{n}": {"booked": 100_000} for n in (1, 2, 3, 4)})
    _revenue(ws, "acme", _year(125_000, expansion=25_000, wallet=500_000))
    metrics = _metrics(ws, registry)
    assert metrics["expansion_share"].value == pytest.approx(0.2)
    assert metrics["expansion_share"].status == "below target"
    assert metrics["growth_rate"].value == pytest.approx(0.25)
    assert metrics["share_of_wallet"].value == pytest.approx(0.25)
    assert metrics["growth_rate"].status == ""  # no target stated


def test_programme_roll_up_weights_revenue_and_skips_accounts_without_data(
        ws: Workspace, registry: Registry) -> None:
    _account(ws, "big")
    _account(ws, "small", tier="key")
    _account(ws, "nodata")
    _account(ws, "outside", tier="growth")
    _revenue(ws, "big", _year(300_000, expansion=120_000))
    _revenue(ws, "small", _year(100_000))
    _revenue(ws, "outside", _year(1_000_000, expansion=1_000_000))
    result = operations.programme_metrics(ws, period="2026-Q4", as_of=AS_OF, registry=registry)
    assert [a.account_id for a in result.accounts] == ["big", "nodata", "small"]
    share = {v.metric.key: v for v in result.programme}["expansion_share"]
    assert share.value == pytest.approx(480 / 1600) and share.status == "on target"
    only = operations.programme_metrics(ws, period="2026-Q4", as_of=AS_OF, registry=registry,
                                        account_ids=["outside"])
    assert [a.account_id for a in only.accounts] == ["outside"]


def test_competitive_displacement(ws: Workspace, registry: Registry) -> None:
    """"Competitive displacement rate: how often competitors successfully enter your strategic
    accounts: < 5% annually"."""
    for key in ("a", "b", "c", "d"):
        _account(ws, key)
        _revenue(ws, key, _year(100_000))
    operations.record_revenue(ws, DANA, "b", "2026-Q2", booked=100_000, competitor_entered=True)
    rate = _metrics(ws, registry)["competitive_displacement"]
    assert rate.value == pytest.approx(0.25) and rate.status == "above target"


def test_executive_coverage_counts_active_c_level_relationships(
        ws: Workspace, registry: Registry) -> None:
    """"Executive relationship coverage: number of C-level relationships per strategic
    account: 2+ per account" -- the same definition as the signal and sama7's check."""
    _account(ws, "acme")
    for ident, days in (("ceo", 10), ("cfo", 30), ("ciso", 200)):
        ws.save(Stakeholder(id=f"acme.{ident}", account_id="acme", name=ident.upper(),
                            seniority="c_level", relationship_strength=3,
                            last_contact=AS_OF - timedelta(days=days)), base_revision=0)
    coverage = _metrics(ws, registry)["executive_coverage"]
    assert coverage.value == 2 and coverage.status == "on target"


def test_account_health_trend_comes_from_scored_qbrs(ws: Workspace, registry: Registry) -> None:
    """"Account health score trend: improving quarter-over-quarter"."""
    _account(ws, "acme")
    for when, total in ((datetime(2026, 8, 1, tzinfo=UTC), 3.0),
                        (datetime(2026, 11, 1, tzinfo=UTC), 3.67)):
        ws.save(ScoreCard(id=f"acme.qbr.{when:%m}", account_id="acme",
                          rubric=RubricRef(name="qbr-health", version="1.0.0"), total=total,
                          scored_at=when), base_revision=0)
    health = _metrics(ws, registry)["account_health"]
    assert (health.value, health.previous, health.trend) == (3.67, 3.0, "up")
    assert health.status == "on target"


def test_win_rate_deal_size_and_objective_completion(ws: Workspace, registry: Registry) -> None:
    _account(ws, "acme")
    for ident, status, amount, closed in (("w1", "won", 100_000, date(2026, 3, 1)),
                                          ("w2", "won", 300_000, date(2026, 11, 1)),
                                          ("l1", "lost", 50_000, date(2026, 6, 1)),
                                          ("old", "lost", 1, date(2025, 6, 1)),
                                          ("open", "open", 9, date(2026, 12, 1))):
        ws.save(Opportunity(id=f"acme.{ident}", account_id="acme", name=ident, status=status,
                            amount=amount, close_date=closed), base_revision=0)
    plan = operations.new_plan(ws, DANA, "acme", "sama7", registry=registry)
    operations.set_section(ws, DANA, plan.id, "joint_objectives", {"objectives": [
        {"id": "o1", "title": "A", "status": "achieved"},
        {"id": "o2", "title": "B", "status": "on_track"},
        {"id": "o3", "title": "C", "status": "dropped"}]}, registry=registry)
    metrics = _metrics(ws, registry)
    assert metrics["win_rate"].value == pytest.approx(2 / 3)
    assert metrics["deal_size"].value == pytest.approx(200_000)
    assert metrics["objective_completion"].value == pytest.approx(0.5)
    assert 0 < metrics["plan_completion"].value < 1  # type: ignore[operator]


def test_qbr_adherence_counts_the_customer_reviews_the_cadence_calls_for(
        ws: Workspace, registry: Registry) -> None:
    """"QBR quarterly": customer reviews held over those the plan's cadence called for."""
    _account(ws, "acme")
    plan = operations.new_plan(ws, DANA, "acme", "sama7", registry=registry)
    start = plan.created_at.date()  # type: ignore[union-attr]
    as_of = start + timedelta(days=200)  # two QBRs (every 3 months) were due by then
    ws.save(Review(id="r1", plan_id=plan.id, account_id="acme", review_kind="customer",
                   date=start + timedelta(days=80), plan_revision=1), base_revision=0)
    result = operations.programme_metrics(ws, as_of=as_of, registry=registry)
    adherence = {v.metric.key: v for v in result.programme}["qbr_adherence"]
    assert adherence.value == pytest.approx(0.5) and adherence.status == "below target"


def test_sizing_findings() -> None:
    """"A KAM carries ... typically 10-30 accounts"; "top 5 accounts 1:3-5"; formal plans pay
    off on "$100K+ ARR"."""
    from kamcore.metrics.sizing import Carried, sizing_findings

    rows = [Carried(f"a{i}", "Kim" if i < 7 else "Lee", 1_000_000.0 - i) for i in range(40)]
    rows.append(Carried("tiny", "Lee", 50_000.0))
    found = {(f.code, f.subject) for f in sizing_findings(rows)}
    # Kim carries the #1 account and 7 accounts (> 5); Lee 34 accounts (> 30 and > 12)
    assert found == {("kam-overloaded", "Kim"), ("kam-overloaded", "Lee"),
                     ("below-formal-plan-floor", "tiny")}
    assert sizing_findings([Carried("a", "Kim", 200_000.0)]) == []


def test_record_revenue_replaces_the_quarter_and_refuses_bad_input(ws: Workspace) -> None:
    _account(ws, "acme")
    first = operations.record_revenue(ws, DANA, "acme", "2026-Q4", booked=100.0)
    assert first.id == "acme.2026-Q4" and first.revision == 1
    assert operations.record_revenue(ws, DANA, "acme", "2026-Q4", booked=100.0) == first
    second = operations.record_revenue(ws, DANA, "acme", "2026-Q4", booked=120.0, churn=5.0)
    assert (second.revision, second.booked, second.churn) == (2, 120.0, 5.0)
    with pytest.raises(ConflictError):
        operations.record_revenue(ws, DANA, "acme", "2026-Q4", booked=1.0, base_revision=1)
    with pytest.raises(InvalidInputError) as refused:
        operations.record_revenue(ws, DANA, "acme", "2026-Q5", booked=-1.0, expansion=2.0)
    assert {p.path for p in refused.value.problems} == {("period",), ("booked",)}
    with pytest.raises(InvalidInputError, match="expansion"):
        operations.record_revenue(ws, DANA, "acme", "2026-Q3", booked=1.0, expansion=2.0)
    with pytest.raises(NotFoundError):
        operations.record_revenue(ws, DANA, "ghost", "2026-Q4", booked=1.0)
    assert ws.get(RevenueFact, "acme.2026-Q4").booked == 120.0


def test_revenue_csv_import_and_kam_metrics(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "kam.db")
    assert run(["-w", db, "init"]) == 0
    assert run(["-w", db, "account", "add", "Acme", "--id", "acme", "--tier", "strategic"]) == 0
    good = tmp_path / "revenue.csv"
    good.write_text("Account_ID,period,booked,expansion,churn,competitor_entered\n"
                    "acme,2025-Q4,400000,0,0,no\n"
                    "acme,2026-Q4,\"500,000\",150000,20000,yes\n", encoding="utf-8")
    assert run(["-w", db, "import", "revenue-csv", str(good)]) == 0
    assert run(["-w", db, "import", "revenue-csv", str(good)]) == 0  # idempotent
    capsys.readouterr()
    assert run(["-w", db, "metrics", "--period", "2026-Q4", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["period"] == "2026-Q4"
    nrr = next(m for m in shown["programme"] if m["key"] == "net_revenue_retention")
    assert nrr["value"] == pytest.approx(530_000 / 400_000)
    assert nrr["target"] == "115-130%" and nrr["status"] == "above target"
    assert [a["account_id"] for a in shown["accounts"]] == ["acme"]
    assert run(["-w", db, "metrics", "--period", "2026-Q4"]) == 0
    out = capsys.readouterr().out
    assert "Net revenue retention" in out and "115-130%" in out
    assert run(["-w", db, "revenue", "list", "acme"]) == 0
    assert "500,000" in capsys.readouterr().out


@pytest.mark.parametrize(("text", "says"), [
    ("account_id,period,booked,bogus\nacme,2026-Q4,1,2\n",
     "revenue.csv:1:4 at bogus: unknown column"),
    ("account_id,period\nacme,2026-Q4\n", "at booked: required column is missing"),
    ("account_id,period,booked\nacme,2026-Q4,1\nacme,2026-Q3,lots\n",
     "revenue.csv:3:3 at booked: 'lots' is not a number"),
    ("account_id,period,booked\nacme,2026-Q9,1\n", "revenue.csv:2:2 at period: Value error"),
    ("account_id,period,booked,competitor_entered\nacme,2026-Q4,1,maybe\n",
     "'maybe' is not yes or no"),
])
def test_a_bad_revenue_file_imports_nothing(tmp_path: Path, text: str, says: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "kam.db")
    assert run(["-w", db, "init"]) == 0
    assert run(["-w", db, "account", "add", "Acme", "--id", "acme"]) == 0
    bad = tmp_path / "revenue.csv"
    bad.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert run(["-w", db, "import", "revenue-csv", str(bad)]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    with Workspace.open(db) as ws:
        assert ws.count(RevenueFact) == 0


@pytest.mark.parametrize(("args", "says"), [
    (["metrics", "--period", "2026-13"], "'2026-13' is not a quarter"),
    (["metrics", "--account", "ghost"], "ghost"),
    (["revenue", "set", "acme", "--period", "2026-Q4", "--booked", "-5"], "at booked"),
])
def test_metrics_and_revenue_refuse_bad_input(tmp_path: Path, args: list[str], says: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "kam.db")
    assert run(["-w", db, "init"]) == 0
    assert run(["-w", db, "account", "add", "Acme", "--id", "acme"]) == 0
    capsys.readouterr()
    assert run(["-w", db, *args]) == 2
    assert says in capsys.readouterr().err


def test_a_workspace_from_before_revenue_facts_has_metrics(tmp_path: Path) -> None:
    """Old workspaces (no revenue facts, objectives without status) still load and measure."""
    fixture = Path(__file__).parent / "fixtures" / "workspace_v1.sql"
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(fixture.read_text(encoding="utf-8"))
    assert run(["-w", str(db), "migrate"]) == 0
    with Workspace.open(db) as ws:
        result: ProgrammeMetrics = operations.programme_metrics(ws, period="2026-Q4",
                                                                as_of=AS_OF)
        plans = list(ws.iter(Plan))
        tiering = [c for c in ws.iter(ScoreCard) if c.rubric.name == "account-tiering"]
    assert plans and all(p.rolled_over_from is None and p.superseded_by is None for p in plans)
    # the old cards keep the rubric version (and meaning) they were scored under
    assert tiering and {c.rubric.version for c in tiering} == {"1.0.0"}
    assert result.accounts
    values = {v.metric.key: v.value for v in result.programme}
    assert values["net_revenue_retention"] is None
    assert values["executive_coverage"] is not None


def test_revenue_facts_travel_in_the_json_bundle(tmp_path: Path, registry: Registry) -> None:
    with Workspace.open(tmp_path / "a.db", create=True) as ws:
        _account(ws, "acme")
        plan = operations.new_plan(ws, DANA, "acme", "sama7", registry=registry)
        _revenue(ws, "acme", _year(100_000, expansion=30_000))
        bundle = operations.export_plan(ws, plan.id, "json", registry=registry).content
    path = tmp_path / "bundle.json"
    path.write_text(str(bundle), encoding="utf-8")
    with Workspace.open(tmp_path / "b.db", create=True) as ws:
        operations.import_with(ws, DANA, "json", path, registry=registry)
        facts = list(ws.iter(RevenueFact, account_id="acme"))
    assert [(f.period, f.expansion) for f in facts] == [
        (f"2026-Q{n}", 30_000) for n in (1, 2, 3, 4)]

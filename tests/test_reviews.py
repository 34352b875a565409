"""Review cadence: recording reviews and what `kam review due` then reports as overdue."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from kamcore.cli import run
from kamcore.model import Plan, Review, ScoreCard
from kamcore.store import Workspace

#: A qbr-health score for a QBR (the customer review).
QBR_SCORES = ("--score", "relationship_depth=4", "--score", "pipeline_coverage=3", "--score",
              "plan_currency=5")


@pytest.fixture
def sama7_plan(tmp_path: Path) -> Path:
    """A workspace with one sama7 plan (cadence: internal 1 month, customer 3 months, annual
    1 year), created today."""
    db = tmp_path / "kam.db"
    assert run(["-w", str(db), "init"]) == 0
    assert run(["-w", str(db), "account", "add", "Acme", "--id", "acme"]) == 0
    assert run(["-w", str(db), "plan", "new", "acme", "-m", "sama7", "--id", "p1"]) == 0
    return db


def _due(db: Path, as_of: date, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    assert run(["-w", str(db), "review", "due", "--as-of", as_of.isoformat(), "--json"]) == 0
    rows: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return rows


def test_due_lists_exactly_the_overdue_kinds(sama7_plan: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    today = date.today()
    in_40_days = today + timedelta(days=40)
    overdue = {r["kind"] for r in _due(sama7_plan, in_40_days, capsys) if r["overdue"]}
    assert overdue == {"internal"}

    assert run(["-w", str(sama7_plan), "review", "record", "p1", "--kind", "internal",
                "--date", today.isoformat(), "--attendee", "Jo"]) == 0
    rows = _due(sama7_plan, today + timedelta(days=20), capsys)
    assert {r["kind"] for r in rows if r["overdue"]} == set()
    internal = next(r for r in rows if r["kind"] == "internal")
    assert internal["last"] == today.isoformat()

    in_100_days = today + timedelta(days=100)
    rows = _due(sama7_plan, in_100_days, capsys)
    assert {r["kind"] for r in rows if r["overdue"]} == {"internal", "customer"}
    assert rows[0]["overdue"] is True  # overdue first


def test_review_snapshots_plan_revision_and_score_cards(sama7_plan: Path) -> None:
    assert run(["-w", str(sama7_plan), "score", "acme", "-r", "account-tiering",
                "--set", "revenue_contribution=3", "--set", "expansion_potential=4",
                "--set", "strategic_value=2", "--set", "relationship_health=3",
                "--set", "competitive_risk=3"]) == 0
    assert run(["-w", str(sama7_plan), "review", "record", "p1", "--kind", "customer",
                "--date", date.today().isoformat(), "--decision", "expand pilot",
                *QBR_SCORES]) == 0
    with Workspace.open(sama7_plan) as ws:
        review = next(ws.iter(Review))
        assert review.plan_revision == ws.get(Plan, "p1").revision
        assert [c.rubric.name for c in review.score_cards] == ["account-tiering", "qbr-health"]
        assert review.decisions == ["expand pilot"]


def test_a_qbr_is_scored(sama7_plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One listed mistake is "QBRs without a scoring mechanism": the customer review records
    a qbr-health score (relationship depth, opportunity pipeline coverage, plan currency, each
    1-5), stored with the review or not at all."""
    today = date.today().isoformat()
    capsys.readouterr()
    assert run(["-w", str(sama7_plan), "review", "record", "p1", "--kind", "customer",
                "--date", today]) == 2
    err = capsys.readouterr().err
    assert "the customer review is the QBR of sama7: score it with qbr-health" in err
    assert "at pipeline_coverage: needs a value (1..5)" in err
    assert run(["-w", str(sama7_plan), "review", "record", "p1", "--kind", "customer",
                "--date", today, "--score", "relationship_depth=9", "--score",
                "pipeline_coverage=3", "--score", "plan_currency=5"]) == 2
    assert "at relationship_depth: 9 is off the scale 1..5" in capsys.readouterr().err
    assert run(["-w", str(sama7_plan), "review", "record", "p1", "--kind", "internal",
                "--date", today, "--score", "plan_currency=5"]) == 2
    assert "scores go with the QBR (customer review)" in capsys.readouterr().err
    with Workspace.open(sama7_plan) as ws:
        assert ws.count(Review) == 0 and ws.count(ScoreCard) == 0  # nothing half-written
    assert run(["-w", str(sama7_plan), "review", "record", "p1", "--kind", "customer",
                "--date", today, *QBR_SCORES]) == 0
    with Workspace.open(sama7_plan) as ws:
        [card] = ws.iter(ScoreCard)
        [review] = ws.iter(Review)
    assert (card.rubric.name, card.plan_id, card.total) == ("qbr-health", "p1",
                                                           pytest.approx(4.0))
    assert [c.id for c in review.score_cards] == [card.id]


@pytest.mark.parametrize("args, message", [
    (["--kind", "weekly", "--date", "2026-01-05"], "unknown review kind 'weekly'"),
    (["--kind", "internal", "--date", "2026-02-30"], "is not a date"),
    (["--kind", "internal", "--date", "2999-01-01"], "in the future"),
])
def test_bad_kinds_and_dates_are_clear_errors(sama7_plan: Path, args: list[str], message: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run(["-w", str(sama7_plan), "review", "record", "p1", *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    with Workspace.open(sama7_plan) as ws:
        assert ws.count(Review) == 0


def test_plan_cadence_override_changes_the_due_date(sama7_plan: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    with Workspace.open(sama7_plan) as ws:
        plan = ws.get(Plan, "p1")
        ws.save(plan.model_copy(update={"cadence": {"internal": "2 weeks"}}))
    rows = _due(sama7_plan, date.today() + timedelta(days=20), capsys)
    assert {r["kind"] for r in rows if r["overdue"]} == {"internal"}
    assert next(r for r in rows if r["kind"] == "internal")["every"] == "2 weeks"


def test_unreadable_cadence_override_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot read cadence"):
        Plan(id="p", account_id="a", methodology={"name": "m", "version": "1"}, step="s",
             cadence={"internal": "fortnightly"})


def test_review_list_numbers_reviews_by_date(sama7_plan: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    today = date.today()
    assert run(["-w", str(sama7_plan), "review", "record", "p1", "--kind", "internal",
                "--date", today.isoformat()]) == 0
    assert run(["-w", str(sama7_plan), "review", "record", "p1", "--kind", "customer",
                "--date", (today - timedelta(days=10)).isoformat(), *QBR_SCORES]) == 0
    capsys.readouterr()
    assert run(["-w", str(sama7_plan), "review", "list", "p1", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["number"], r["kind"]) for r in listed] == [(1, "customer"), (2, "internal")]
    assert run(["-w", str(sama7_plan), "review", "list", "p1"]) == 0
    assert "review:2" in capsys.readouterr().out


def test_reviews_of_one_day_are_numbered_in_the_order_of_the_plan_they_reviewed(
        sama7_plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    today = date.today().isoformat()
    assert run(["-w", str(sama7_plan), "review", "record", "p1", "--kind", "internal",
                "--date", today]) == 0
    summary = sama7_plan.parent / "summary.json"
    summary.write_text('{"summary": "Agreed at the internal review"}')
    assert run(["-w", str(sama7_plan), "plan", "set", "p1", "executive_summary",
                str(summary)]) == 0
    assert run(["-w", str(sama7_plan), "review", "record", "p1", "--kind", "customer",
                "--date", today, *QBR_SCORES]) == 0
    capsys.readouterr()
    assert run(["-w", str(sama7_plan), "review", "list", "p1", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["number"], r["kind"]) for r in listed] == [(1, "internal"), (2, "customer")]


@pytest.mark.parametrize("as_of", ["2026-13-01", "soon"])
def test_due_with_a_bad_date_is_a_clear_error(sama7_plan: Path, as_of: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run(["-w", str(sama7_plan), "review", "due", "--as-of", as_of]) == 2
    err = capsys.readouterr().err
    assert "is not a date" in err and "--as-of" in err and "Traceback" not in err


def test_the_sam_cadence_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """"Internal account review weekly; customer check-in bi-weekly; QBR quarterly; annual
    strategic review", selectable as a cadence profile."""
    db = str(tmp_path / "kam.db")
    assert run(["-w", db, "init"]) == 0
    assert run(["-w", db, "account", "add", "Acme", "--id", "acme"]) == 0
    capsys.readouterr()
    assert run(["-w", db, "plan", "new", "acme", "-m", "sama7", "--cadence-profile", "sam",
                "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cadence"] == {
        "internal": "1 week", "customer_checkin": "2 weeks", "customer": "3 months",
        "annual": "1 year"}
    # simple_plan's QBR is its quarterly check-in, its annual review the refresh
    assert run(["-w", db, "plan", "new", "acme", "-m", "simple_plan", "--cadence-profile",
                "sam", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cadence"] == {
        "internal": "1 week", "customer_checkin": "2 weeks", "checkin": "3 months",
        "refresh": "1 year"}
    rows = _due(Path(db), date.today() + timedelta(days=8), capsys)
    assert {(r["plan"], r["kind"]) for r in rows if r["overdue"]} == {
        ("acme-sama7", "internal"), ("acme-simple_plan", "internal")}
    assert run(["-w", db, "plan", "new", "acme", "-m", "sama7", "--id", "x",
                "--cadence-profile", "weekly"]) == 2
    assert "no cadence profile named 'weekly'" in capsys.readouterr().err

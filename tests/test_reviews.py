"""Review cadence: recording reviews and what `kam review due` then reports as overdue."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from kamcore.cli import run
from kamcore.model import Plan, Review
from kamcore.store import Workspace


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
    assert run(["-w", str(sama7_plan), "score", "acme", "-r", "qbr-health",
                "--set", "relationship_depth=3", "--set", "pipeline_coverage=4",
                "--set", "plan_currency=2"]) == 0
    assert run(["-w", str(sama7_plan), "review", "record", "p1", "--kind", "customer",
                "--date", date.today().isoformat(), "--decision", "expand pilot"]) == 0
    with Workspace.open(sama7_plan) as ws:
        review = next(ws.iter(Review))
        assert review.plan_revision == ws.get(Plan, "p1").revision
        assert [c.rubric.name for c in review.score_cards] == ["qbr-health"]
        assert review.decisions == ["expand pilot"]


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
                "--date", (today - timedelta(days=10)).isoformat()]) == 0
    capsys.readouterr()
    assert run(["-w", str(sama7_plan), "review", "list", "p1", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["number"], r["kind"]) for r in listed] == [(1, "customer"), (2, "internal")]
    assert run(["-w", str(sama7_plan), "review", "list", "p1"]) == 0
    assert "review:2" in capsys.readouterr().out


@pytest.mark.parametrize("as_of", ["2026-13-01", "soon"])
def test_due_with_a_bad_date_is_a_clear_error(sama7_plan: Path, as_of: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run(["-w", str(sama7_plan), "review", "due", "--as-of", as_of]) == 2
    err = capsys.readouterr().err
    assert "is not a date" in err and "--as-of" in err and "Traceback" not in err

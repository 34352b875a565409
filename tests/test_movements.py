"""Account movements (kamcore.movements): each kind produced by real revisions saved through the
operations as a sync writes them (``updated_by`` sync:salesforce) in a real SQLite workspace,
none when nothing moved, the evidence, ``kam account movements`` and the ad-hoc refresh that
``kam review due`` lists until a review is recorded."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from kamcore import operations as ops
from kamcore.cli import run
from kamcore.model import Plan, Stakeholder
from kamcore.movements import Movement
from kamcore.reviews import AdHocRefresh
from kamcore.store import Workspace

if TYPE_CHECKING:
    from conftest import Backend

ANN = ops.Actor("ann")
SYNC = ops.Actor("sync:salesforce")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Acme (and Other) with a sama7 plan started after its people and deals were entered by
    a person: Cara the champion, Tim (influence 4), Nia (no role, influence 2), a renewal
    and a won deal."""
    path = tmp_path / "kam.db"
    with Workspace.open(path, create=True) as ws:
        ops.add_account(ws, ANN, "Acme", account_id="acme")
        ops.add_account(ws, ANN, "Other", account_id="other")
        ops.add_stakeholder(ws, ANN, "acme", "Cara Champ", stakeholder_id="acme.cara",
                            roles=["champion"], title="Head of IT",
                            external_ids={"salesforce": "003CARA"})
        ops.add_stakeholder(ws, ANN, "acme", "Tim Key", stakeholder_id="acme.tim", influence=4,
                            title="Director Operations")
        ops.add_stakeholder(ws, ANN, "acme", "Nia Minor", stakeholder_id="acme.nia",
                            influence=2, title="Analyst")
        ops.add_opportunity(ws, ANN, "acme", "Renewal", opportunity_id="acme.renewal",
                            competitors=["Incumbent"])
        ops.add_opportunity(ws, ANN, "acme", "Pilot", opportunity_id="acme.pilot",
                            status="won")
        ops.new_plan(ws, ANN, "acme", "sama7", plan_id="p1")
    return path


def _moves(path: Path, **options: Any) -> list[Movement]:
    with Workspace.open(path) as ws:
        return list(ops.account_movements(ws, "acme", **options).movements)


def test_nothing_moved_is_no_movement_nor_are_changes_that_are_no_news(db: Path) -> None:
    assert _moves(db) == []
    with Workspace.open(db) as ws:
        ops.edit_stakeholder(ws, SYNC, "acme.nia", {"title": "Senior Analyst"})  # not key
        ops.edit_stakeholder(ws, SYNC, "acme.cara", {"support": 2, "influence": 5})
        ops.edit_opportunity(ws, SYNC, "acme.pilot", {"competitors": ["Rival"]})  # won deal
        ops.edit_stakeholder(ws, SYNC, "acme.tim", {"title": "VP Operations"})
        ops.edit_stakeholder(ws, SYNC, "acme.tim", {"title": "Director Operations"})  # undone
    assert _moves(db) == []


def test_a_new_economic_buyer_with_the_evidence_of_the_revision_that_brought_them(
        db: Path) -> None:
    with Workspace.open(db) as ws:
        saved = ops.add_stakeholder(ws, SYNC, "acme", "Ed Buyer", stakeholder_id="acme.ed",
                                    roles=["economic_buyer"], seniority="c_level",
                                    title="CFO", external_ids={"salesforce": "003ED"})
        ops.edit_stakeholder(ws, ANN, "acme.ed", {"support": 1})  # later, by a person
    [move] = _moves(db)  # one movement: not also a new executive
    assert move.finding.code == "movement-new-economic-buyer"
    assert move.finding.severity == "warning" and move.finding.subject == "acme.ed"
    evidence = move.evidence.as_dict()
    assert evidence == {
        "record": "stakeholder", "record_id": "acme.ed", "name": "Ed Buyer",
        "field": "account_id", "old": None, "new": "acme", "revision": 1,
        "at": saved.updated_at.isoformat() if saved.updated_at else None,
        "by": "sync:salesforce", "external_ids": {"salesforce": "003ED"}}
    assert move.finding.message.startswith("Ed Buyer (CFO) is a new economic buyer: added")
    assert "revision 1" in move.finding.message and "by sync:salesforce" in move.finding.message
    assert "salesforce id 003ED" in move.finding.message


def test_a_role_given_and_a_promotion_to_c_level(db: Path) -> None:
    with Workspace.open(db) as ws:
        ops.edit_stakeholder(ws, SYNC, "acme.tim", {"roles": ["economic_buyer"]})
        ops.edit_stakeholder(ws, SYNC, "acme.nia", {"seniority": "c_level"})
    moves = {m.finding.code: m.evidence for m in _moves(db)}
    assert set(moves) == {"movement-new-economic-buyer", "movement-new-executive"}
    buyer = moves["movement-new-economic-buyer"]
    assert (buyer.record_id, buyer.field, buyer.old, buyer.new, buyer.revision) == \
        ("acme.tim", "roles", [], ["economic_buyer"], 2)
    executive = moves["movement-new-executive"]
    assert (executive.record_id, executive.field, executive.old, executive.new) == \
        ("acme.nia", "seniority", None, "c_level")


def _remove(ws: Workspace) -> None:
    ops.remove_stakeholder(ws, SYNC, "acme.cara")


def _move(ws: Workspace) -> None:
    # what an import or a sync writes: a partial record naming the contact's new account
    ops.import_records(ws, SYNC, [Stakeholder(id="acme.cara", account_id="other",
                                              name="Cara Champ")])


def _mark_gone(ws: Workspace) -> None:
    ops.edit_stakeholder(ws, SYNC, "acme.cara", {"left_on": date(2026, 11, 30)})


def _mark_gone_on_the_command_line(ws: Workspace) -> None:
    assert run(["-w", str(ws.url.removeprefix("sqlite:///")), "--user", "sync:salesforce",
                "stakeholder", "set", "acme.cara", "--left-on", "2026-11-30"]) == 0


@pytest.mark.parametrize(("leave", "field", "old", "new", "how"), [
    (_remove, "removed", False, True, "left: removed"),
    (_move, "account_id", "acme", "other", "left: moved to account other"),
    (_mark_gone, "left_on", None, "2026-11-30", "left: marked as gone on 2026-11-30"),
    (_mark_gone_on_the_command_line, "left_on", None, "2026-11-30",
     "left: marked as gone on 2026-11-30"),
])
def test_a_champion_who_left(db: Path, leave: Any, field: str, old: Any, new: Any,
                             how: str) -> None:
    with Workspace.open(db) as ws:
        leave(ws)
    [move] = _moves(db)
    assert move.finding.code == "movement-left"
    assert move.text == f"champion Cara Champ (Head of IT) {how}"
    evidence = move.evidence
    assert (evidence.record_id, evidence.field, evidence.old, evidence.new) == \
        ("acme.cara", field, old, new)
    assert (evidence.revision, evidence.by) == (2, "sync:salesforce")
    assert dict(evidence.external_ids) == {"salesforce": "003CARA"}


def test_title_changes_of_key_stakeholders(db: Path) -> None:
    with Workspace.open(db) as ws:
        ops.edit_stakeholder(ws, SYNC, "acme.cara", {"title": "CIO"})  # a champion
        ops.edit_stakeholder(ws, SYNC, "acme.tim", {"title": "VP Operations"})  # influence 4
        ops.edit_stakeholder(ws, ANN, "acme.tim", {"support": 1})  # no title change
    moves = _moves(db)
    assert [(m.finding.code, m.evidence.record_id, m.evidence.old, m.evidence.new,
             m.evidence.revision, m.evidence.by) for m in moves] == [
        ("movement-title-changed", "acme.cara", "Head of IT", "CIO", 2, "sync:salesforce"),
        ("movement-title-changed", "acme.tim", "Director Operations", "VP Operations", 2,
         "sync:salesforce")]
    assert moves[1].text == "Tim Key's title changed: Director Operations -> VP Operations"


def test_a_stakeholder_on_the_plan_map_is_key_for_that_plan(db: Path) -> None:
    with Workspace.open(db) as ws:
        ops.new_plan(ws, ANN, "acme", "simple_plan", plan_id="p2")
        ops.set_section(ws, ANN, "p2", "stakeholder_map",
                        [{"stakeholder_id": "acme.nia", "role": "user", "influence": 2,
                          "support": 0}])
        ops.edit_stakeholder(ws, SYNC, "acme.nia", {"title": "Lead Analyst"})
    [move] = _moves(db, plan_id="p2")
    assert (move.finding.code, move.evidence.record_id) == ("movement-title-changed",
                                                             "acme.nia")
    assert _moves(db, plan_id="p1") == []  # not on p1's map, no role, influence 2


def test_new_competitors_on_open_opportunities(db: Path) -> None:
    with Workspace.open(db) as ws:
        ops.edit_opportunity(ws, SYNC, "acme.renewal", {"competitors": ["Incumbent", "Rival"]})
        ops.add_opportunity(ws, SYNC, "acme", "Expansion", opportunity_id="acme.expansion",
                            competitors=["Upstart"], external_ids={"salesforce": "006EXP"})
    moves = _moves(db)
    assert [(m.evidence.record_id, m.text) for m in moves] == [
        ("acme.renewal", "Rival is a new competitor on the open opportunity Renewal"),
        ("acme.expansion", "Upstart is a new competitor on the open opportunity Expansion")]
    assert (moves[0].evidence.old, moves[0].evidence.new) == (["Incumbent"],
                                                              ["Incumbent", "Rival"])
    assert dict(moves[1].evidence.external_ids) == {"salesforce": "006EXP"}


def test_since_a_date_counts_from_that_day(db: Path) -> None:
    with Workspace.open(db) as ws:
        ops.edit_stakeholder(ws, SYNC, "acme.tim", {"title": "VP Operations"})
    later = datetime.now(UTC) + timedelta(seconds=1)
    assert _moves(db, since=later) == []
    earliest = datetime(2000, 1, 1, tzinfo=UTC)
    # from before anything was entered: no title changed (Tim was not there yet), the
    # renewal's competitor is new, the champion's arrival is no movement
    assert [m.text for m in _moves(db, since=earliest)] == [
        "Incumbent is a new competitor on the open opportunity Renewal"]


def test_versions_since_reads_only_records_touched_since(backend: Backend) -> None:
    with Workspace.open(backend.target, create=True) as ws:
        ops.add_account(ws, ANN, "Acme", account_id="acme")
        ops.add_stakeholder(ws, ANN, "acme", "Cara", roles=["champion"])
        for name in ("Tim", "Nia"):
            ops.add_stakeholder(ws, ANN, "acme", name)
        moment = datetime.now(UTC)
        ops.edit_stakeholder(ws, SYNC, "acme.tim", {"title": "VP Operations"})
        ops.edit_stakeholder(ws, SYNC, "acme.tim", {"title": "SVP Operations"})
        ops.remove_stakeholder(ws, SYNC, "acme.cara")
        ops.add_stakeholder(ws, SYNC, "acme", "Ed")
        versions = ws.versions_since(Stakeholder, {"acme": moment.isoformat()})
        assert sorted(versions) == ["acme.cara", "acme.ed", "acme.tim"]  # not Nia
        assert [(v.revision, v.saved_by, v.data is None) for v in versions["acme.cara"]] == [
            (1, "ann", False), (2, "sync:salesforce", True)]
        assert [v.revision for v in versions["acme.tim"]] == [1, 2, 3]
        assert [v.revision for v in versions["acme.ed"]] == [1]  # created since: no baseline
        tim = [Stakeholder.model_validate_json(v.data or "") for v in versions["acme.tim"]]
        assert [p.title for p in tim] == [None, "VP Operations", "SVP Operations"]
        [move] = ops.account_movements(ws, "acme", since=moment).movements  # on this backend
        assert move.finding.code == "movement-left"


def test_reviews_due_lists_an_ad_hoc_refresh_until_a_review_is_recorded(db: Path) -> None:
    with Workspace.open(db) as ws:
        ops.edit_stakeholder(ws, SYNC, "acme.cara", {"title": "CIO"})
        rows = ops.reviews_due(ws, date.today())
        refresh = [(plan.id, due) for plan, due in rows if isinstance(due, AdHocRefresh)]
        assert [plan for plan, _due in refresh] == ["p1"]
        due = refresh[0][1]
        assert (due.kind, due.overdue, due.due, due.last) == ("ad-hoc", False, date.today(),
                                                             None)
        assert [m.finding.code for m in due.movements] == ["movement-title-changed"]
        data = due.as_dict(ws.get(Plan, "p1"))
        assert data["kind"] == "ad-hoc" and data["movements"][0]["evidence"]["new"] == "CIO"
        assert not any(isinstance(d, AdHocRefresh)
                       for _p, d in ops.reviews_due(ws, date.today(), only_overdue=True))
        ops.record_review(ws, ANN, "p1", "internal", date.today())
        assert not any(isinstance(d, AdHocRefresh) for _p, d in ops.reviews_due(ws, date.today()))
        ops.edit_opportunity(ws, SYNC, "acme.renewal", {"competitors": ["Incumbent", "Rival"]})
        [(_plan, again)] = [(p, d) for p, d in ops.reviews_due(ws, date.today())
                            if isinstance(d, AdHocRefresh)]
        assert [m.evidence.record_id for m in again.movements] == ["acme.renewal"]
        assert again.last == date.today()


def test_kam_review_due_shows_the_refresh_and_its_reasons(
        db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Workspace.open(db) as ws:
        ops.remove_stakeholder(ws, SYNC, "acme.cara")
    capsys.readouterr()
    assert run(["-w", str(db), "review", "due", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    [refresh] = [r for r in rows if r["kind"] == "ad-hoc"]
    assert refresh["plan"] == "p1" and refresh["movements"][0]["code"] == "movement-left"
    assert run(["-w", str(db), "review", "due"]) == 0
    text = capsys.readouterr().out
    assert "ad-hoc refresh" in text and "p1 needs an ad-hoc refresh:" in text
    assert "champion Cara Champ (Head of IT) left: removed" in text


def test_kam_account_movements_text_json_and_errors(
        db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run(["-w", str(db), "account", "movements", "acme"]) == 0
    assert capsys.readouterr().out.startswith("no movements of acme since ")
    with Workspace.open(db) as ws:
        ops.edit_stakeholder(ws, SYNC, "acme.tim", {"title": "VP Operations"})
    assert run(["-w", str(db), "account", "movements", "acme", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["account"] == "acme" and data["plan"] == "p1"
    assert [m["evidence"]["new"] for m in data["movements"]] == ["VP Operations"]
    assert run(["-w", str(db), "account", "movements", "acme"]) == 0
    out = capsys.readouterr().out
    assert "title-changed" in out and "sync:salesforce" in out
    assert run(["-w", str(db), "account", "movements", "acme", "--since",
                (date.today() + timedelta(days=1)).isoformat(), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["movements"] == []
    assert run(["-w", str(db), "account", "movements", "acme", "--since", "yesterday"]) == 2
    assert "--since" in capsys.readouterr().err
    assert run(["-w", str(db), "account", "movements", "nowhere"]) == 2
    assert "no account named 'nowhere'" in capsys.readouterr().err
    assert run(["-w", str(db), "account", "movements", "other"]) == 2
    assert "has no plan" in capsys.readouterr().err
    assert run(["-w", str(db), "account", "movements", "other", "--plan", "p1"]) == 2
    assert "plan 'p1' is a plan of account 'acme'" in capsys.readouterr().err


def test_one_read_serves_many_accounts(db: Path) -> None:
    from kamcore.movements import Scope, find_movements

    with Workspace.open(db) as ws:
        moment = datetime.now(UTC)
        ops.add_stakeholder(ws, SYNC, "other", "Olga Chief", stakeholder_id="other.olga",
                            seniority="c_level")
        _move(ws)  # Cara leaves Acme for Other
        found = find_movements(ws, [Scope("acme", moment), Scope("other", moment),
                                    Scope("other", datetime.now(UTC))])
    assert [[m.finding.code for m in moves] for moves in found] == [
        ["movement-left"], ["movement-new-executive"], []]
    assert found[0][0].evidence.at <= datetime.now(UTC)


def test_a_move_between_accounts_whose_ids_differ_only_where_one_has_an_underscore(
        tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "kam.db", create=True) as ws:
        ops.add_account(ws, ANN, "North X", account_id="northx1")
        ops.add_account(ws, ANN, "North 1", account_id="north_1")
        ops.add_stakeholder(ws, ANN, "northx1", "Cara", stakeholder_id="cara",
                            roles=["champion"])
        moment = datetime.now(UTC)
        ops.import_records(ws, SYNC, [Stakeholder(id="cara", account_id="north_1",
                                                  name="Cara")])
        [move] = ops.account_movements(ws, "northx1", since=moment).movements
    assert (move.finding.code, move.evidence.old, move.evidence.new) == (
        "movement-left", "northx1", "north_1")


def test_every_movement_kind_is_documented() -> None:
    import re

    from kamcore import movements

    codes = set(re.findall(r"``(movement-[a-z-]+)``", movements.__doc__ or ""))
    assert len(codes) == 5
    docs = Path(__file__).resolve().parents[1] / "docs"
    for page in ("reviews.md", "concepts.md"):
        text = (docs / page).read_text(encoding="utf-8")
        assert [code for code in sorted(codes) if f"`{code}`" not in text] == [], page

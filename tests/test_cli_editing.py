"""``kam stakeholder``, ``kam relationship``, ``kam opportunity`` and ``kam account set``
through the CLI: in process (``kam_run``) for every command and its bad inputs (exit 2, the
workspace unchanged: the same record and revision rows in the real SQLite file), conflicts
(exit 1, naming who and when), and one real ``kam`` subprocess per command group."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Kam = Callable[..., Any]
PEOPLE = [
    ("Helen Park", "--title", "CEO", "--role", "economic_buyer", "--influence", "5",
     "--support", "1", "--strength", "3", "--last-contact", "2026-11-20"),
    ("Raj Mehta", "--title", "COO", "--influence", "4", "--support", "2",
     "--reports-to", "acme.helen-park"),
    ("CFO", "--placeholder", "--role", "approver", "--influence", "5", "--support", "0"),
]


def _counts(db: Path) -> tuple[int, int]:
    """How many records and revisions the workspace file holds."""
    with sqlite3.connect(db) as conn:
        return (conn.execute("SELECT count(*) FROM records").fetchone()[0],
                conn.execute("SELECT count(*) FROM revisions").fetchone()[0])


@pytest.fixture
def acme(kam_run: Kam, tmp_path: Path) -> Kam:
    """A workspace with the account acme and three stakeholders (one a placeholder)."""
    assert kam_run("init").code == 0
    assert kam_run("account", "add", "Acme").code == 0
    for name, *options in PEOPLE:
        result = kam_run("stakeholder", "add", "acme", name, *options)
        assert result.code == 0, result
    return kam_run


def _refused(kam_run: Kam, db: Path, *args: str, needles: tuple[str, ...]) -> None:
    """``kam ARGS`` exits 2 naming ``needles`` and writes nothing."""
    before = _counts(db)
    kam_run(*args).assert_usage_error(*needles)
    assert _counts(db) == before, args


# -- stakeholders ------------------------------------------------------------------------------


def test_stakeholder_add_list_show(acme: Kam) -> None:
    listed = acme("stakeholder", "list", "acme", "--json").json()
    assert [(p["id"], p["placeholder"]) for p in listed] == [
        ("acme.cfo", True), ("acme.helen-park", False), ("acme.raj-mehta", False)]
    table = acme("stakeholder", "list", "acme")
    assert "CFO: unknown" in table.out and "Helen Park" in table.out
    shown = acme("stakeholder", "show", "acme.raj-mehta", "--json").json()
    assert [r["id"] for r in shown["relationships"]] == ["acme.raj-mehta.reports_to.helen-park"]
    text = acme("stakeholder", "show", "acme.cfo")
    assert text.code == 0 and "CFO: unknown (acme.cfo)" in text.out and "approver" in text.out
    added = acme("stakeholder", "add", "acme", "Lena", "--id", "acme.lena", "--json")
    assert added.json()["revision"] == 1


def test_stakeholder_bad_inputs_write_nothing(acme: Kam, tmp_path: Path) -> None:
    db = tmp_path / "kam.db"
    _refused(acme, db, "stakeholder", "add", "acme", "X", "--influence", "9",
             needles=("influence", "less than or equal to 5"))
    _refused(acme, db, "stakeholder", "add", "acme", "X", "--support", "two",
             needles=("--support", "not a valid integer"))
    _refused(acme, db, "stakeholder", "add", "acme", "X", "--last-contact", "yesterday",
             needles=("--last-contact", "not a date"))
    _refused(acme, db, "stakeholder", "add", "acme", "X", "--authority", "boss",
             needles=("decision_authority",))
    _refused(acme, db, "stakeholder", "add", "ghost", "X", needles=("no account named 'ghost'",))
    _refused(acme, db, "stakeholder", "add", "acme", "X", "--reports-to", "acme.nobody",
             needles=("no stakeholder named 'acme.nobody'",))
    _refused(acme, db, "stakeholder", "set", "acme.raj-mehta", "--strength", "6",
             needles=("relationship_strength",))
    _refused(acme, db, "stakeholder", "set", "acme.raj-mehta", "--clear", "colour",
             needles=("--clear", "'colour'"))
    _refused(acme, db, "stakeholder", "set", "acme.raj-mehta", "--clear", "name",
             needles=("--clear", "cannot clear 'name'"))
    _refused(acme, db, "stakeholder", "set", "acme.helen-park", "--reports-to", "acme.raj-mehta",
             needles=("cycle: acme.helen-park -> acme.raj-mehta -> acme.helen-park",))
    _refused(acme, db, "stakeholder", "touch", "acme.cfo", needles=("is a placeholder",))
    _refused(acme, db, "stakeholder", "touch", "acme.raj-mehta", "--date", "2999-01-01",
             needles=("in the future",))
    _refused(acme, db, "stakeholder", "rm", "acme.raj-mehta",
             needles=("is referred to", "acme.raj-mehta.reports_to.helen-park"))
    _refused(acme, db, "stakeholder", "show", "acme.ghost", needles=("no stakeholder named",))
    _refused(acme, db, "stakeholder", "list", "ghost", needles=("no account named 'ghost'",))


def test_stakeholder_set_writes_one_revision_and_clears(acme: Kam, tmp_path: Path) -> None:
    db = tmp_path / "kam.db"
    records, revisions = _counts(db)
    saved = acme("stakeholder", "set", "acme.helen-park", "--support", "2", "--role", "coach",
                 "--clear", "last-contact", "--clear", "title", "--json")
    assert saved.code == 0, saved
    data = saved.json()
    assert (data["revision"], data["support"], data["roles"]) == (2, 2, ["coach"])
    assert data["last_contact"] is None and data["title"] is None
    assert _counts(db) == (records, revisions + 1)
    found = acme("stakeholder", "set", "acme.cfo", "--name", "Ana Silva", "--no-placeholder")
    assert found.code == 0 and "saved stakeholder acme.cfo (revision 2)" in found.out
    moved = acme("stakeholder", "set", "acme.raj-mehta", "--reports-to", "acme.cfo")
    assert moved.code == 0, moved
    lines = acme("relationship", "list", "acme", "--json").json()
    assert [(r["source_id"], r["target_id"]) for r in lines] == [("acme.raj-mehta", "acme.cfo")]


def test_stakeholder_seniority_counts_for_executive_coverage(acme: Kam, tmp_path: Path) -> None:
    saved = acme("stakeholder", "set", "acme.helen-park", "--seniority", "c_level", "--json")
    assert saved.json()["seniority"] == "c_level"
    _refused(acme, tmp_path / "kam.db", "stakeholder", "set", "acme.helen-park",
             "--seniority", "boss", needles=("at seniority", "'c_level'"))
    cleared = acme("stakeholder", "set", "acme.helen-park", "--clear", "seniority", "--json")
    assert cleared.json()["seniority"] is None


def test_stakeholder_touch_and_base_revision_conflict(acme: Kam, tmp_path: Path) -> None:
    db = tmp_path / "kam.db"
    touched = acme("stakeholder", "touch", "acme.raj-mehta", "--date", "2026-11-28")
    assert touched.code == 0 and "2026-11-28 (revision 2)" in touched.out
    before = _counts(db)
    stale = acme("--user", "lee", "stakeholder", "set", "acme.raj-mehta", "--base-revision",
                 "1", "--support", "-1")
    assert stale.code == 1, stale
    assert ("stakeholder 'acme.raj-mehta': save based on revision 1 refused, it is now at "
            "revision 2 (changed by ") in stale.err
    assert _counts(db) == before
    for command in (("touch", "acme.raj-mehta"), ("rm", "acme.cfo")):
        assert acme("stakeholder", *command, "--base-revision", "7").code == 1
    assert _counts(db) == before
    ok = acme("stakeholder", "set", "acme.raj-mehta", "--base-revision", "2", "--support", "-1")
    assert ok.code == 0, ok


def test_stakeholder_rm_cascade(acme: Kam) -> None:
    assert acme("opportunity", "add", "acme", "Deal", "--contact",
                "acme.raj-mehta=champion").code == 0
    removed = acme("stakeholder", "rm", "acme.raj-mehta", "--cascade", "--json").json()
    assert removed["removed"]["id"] == "acme.raj-mehta"
    assert removed["relationships_removed"] == ["acme.raj-mehta.reports_to.helen-park"]
    assert removed["opportunities_changed"] == ["acme.deal"]
    assert removed["plan_entries_kept"] == []
    assert acme("opportunity", "show", "acme.deal", "--json").json()["contact_roles"] == {}
    assert acme("stakeholder", "rm", "acme.cfo").out == "removed stakeholder acme.cfo\n"
    assert [p["id"] for p in acme("stakeholder", "list", "acme", "--json").json()] == [
        "acme.helen-park"]


# -- relationships ----------------------------------------------------------------------------


def test_relationship_add_list_rm(acme: Kam, tmp_path: Path) -> None:
    db = tmp_path / "kam.db"
    added = acme("relationship", "add", "acme.cfo", "acme.raj-mehta", "--kind", "dotted_line",
                 "--note", "matrix")
    assert added.code == 0 and "acme.cfo.dotted_line.raj-mehta" in added.out
    table = acme("relationship", "list", "acme")
    assert "dotted_line" in table.out and "matrix" in table.out
    _refused(acme, db, "relationship", "add", "acme.cfo", "acme.raj-mehta", "--kind", "boss",
             needles=("--kind", "'boss' is not one of"))
    _refused(acme, db, "relationship", "add", "acme.helen-park", "acme.raj-mehta", "--kind",
             "reports_to", needles=("cycle: acme.helen-park -> acme.raj-mehta -> "
                                    "acme.helen-park",))
    _refused(acme, db, "relationship", "add", "acme.cfo", "acme.cfo", "--kind", "informal",
             needles=("two different stakeholders",))
    _refused(acme, db, "relationship", "rm", "acme.ghost", needles=("no relationship named",))
    _refused(acme, db, "relationship", "list", "ghost", needles=("no account named",))
    gone = acme("relationship", "rm", "acme.cfo.dotted_line.raj-mehta", "--json").json()
    assert gone["removed"]["type"] == "dotted_line"


def test_relationship_set_changes_its_kind_or_note_never_into_a_cycle(acme: Kam,
                                                                      tmp_path: Path) -> None:
    db = tmp_path / "kam.db"
    line = "acme.helen-park.dotted_line.raj-mehta"
    assert acme("relationship", "add", "acme.helen-park", "acme.raj-mehta", "--kind",
                "dotted_line").code == 0
    _refused(acme, db, "relationship", "set", line, "--kind", "reports_to",
             needles=("cycle: acme.helen-park -> acme.raj-mehta -> acme.helen-park",))
    saved = acme("relationship", "set", line, "--kind", "influences", "--note", "budget",
                 "--base-revision", "1", "--json")
    assert saved.code == 0, saved
    assert (saved.json()["type"], saved.json()["note"], saved.json()["revision"]) == (
        "influences", "budget", 2)
    stale = acme("relationship", "set", line, "--note", "late", "--base-revision", "1")
    assert stale.code == 1 and "based on revision 1 refused" in stale.err
    cleared = acme("relationship", "set", line, "--clear", "note", "--json").json()
    assert cleared["note"] is None and cleared["revision"] == 3


# -- opportunities ----------------------------------------------------------------------------


def test_opportunity_add_set_list_show_rm(acme: Kam, tmp_path: Path) -> None:
    db = tmp_path / "kam.db"
    added = acme("opportunity", "add", "acme", "Warehouse automation", "--amount", "250000",
                 "--stage", "proposal", "--close-date", "2027-03-31", "--probability", "40",
                 "--product-line", "Robots", "--business-unit", "Logistics",
                 "--contact", "acme.raj-mehta=champion", "--json").json()
    assert (added["id"], added["amount"], added["contact_roles"]) == (
        "acme.warehouse-automation", 250000.0, {"acme.raj-mehta": "champion"})
    deal = "acme.warehouse-automation"
    records, revisions = _counts(db)
    saved = acme("opportunity", "set", deal, "--stage", "negotiation", "--status", "won",
                 "--clear", "probability", "--json").json()
    assert (saved["revision"], saved["stage"], saved["status"], saved["probability"]) == (
        2, "negotiation", "won", None)
    assert _counts(db) == (records, revisions + 1)
    assert "250,000" in acme("opportunity", "list", "acme").out
    assert "Robots" in acme("opportunity", "show", deal).out
    _refused(acme, db, "opportunity", "add", "acme", "X", "--amount", "-3",
             needles=("amount",))
    _refused(acme, db, "opportunity", "add", "acme", "X", "--close-date", "soon",
             needles=("--close-date",))
    _refused(acme, db, "opportunity", "add", "acme", "X", "--contact", "acme.ghost=champion",
             needles=("contact_roles.acme.ghost", "not a stakeholder of acme"))
    _refused(acme, db, "opportunity", "add", "acme", "X", "--contact", "no-role",
             needles=("--contact", "KEY=VALUE"))
    _refused(acme, db, "opportunity", "set", deal, "--probability", "140",
             needles=("probability",))
    _refused(acme, db, "opportunity", "set", deal, "--status", "maybe", needles=("--status",))
    assert acme("opportunity", "set", deal, "--base-revision", "1", "--amount", "1").code == 1
    assert acme("opportunity", "rm", deal).out == f"removed opportunity {deal}\n"
    assert acme("opportunity", "list", "acme", "--json").json() == []


# -- accounts ---------------------------------------------------------------------------------


def test_account_set_and_tier_from_rubric(acme: Kam, tmp_path: Path) -> None:
    db = tmp_path / "kam.db"
    saved = acme("account", "set", "acme", "--industry", "Retail", "--owner", "Dana",
                 "--business-unit", "Stores", "--external-id", "crm=001", "--json").json()
    assert (saved["revision"], saved["industry"], saved["business_units"],
            saved["external_ids"]) == (2, "Retail", ["Stores"], {"crm": "001"})
    _refused(acme, db, "account", "set", "acme", "--tier-from", "account-tiering",
             needles=("no score card of rubric 'account-tiering'",))
    _refused(acme, db, "account", "set", "acme", "--tier-from", "account-tiering", "--tier",
             "x", needles=("--tier-from sets the tier alone",))
    _refused(acme, db, "account", "set", "acme", "--revenue", "-1", needles=("annual_revenue",))
    _refused(acme, db, "account", "set", "acme", "--parent", "acme", needles=("its own parent",))
    _refused(acme, db, "account", "set", "ghost", "--tier", "x", needles=("no account named",))
    scored = acme("score", "acme", "--rubric", "account-tiering",
                  "--set", "revenue_contribution=5", "--set", "expansion_potential=4",
                  "--set", "strategic_value=4", "--set", "relationship_health=3",
                  "--set", "competitive_risk=2")
    assert scored.code == 0, scored
    tiered = acme("account", "set", "acme", "--tier-from", "account-tiering", "--json").json()
    assert (tiered["account"]["tier"], tiered["account"]["revision"]) == ("key", 3)
    cleared = acme("account", "set", "acme", "--clear", "tier", "--clear", "external-id",
                   "--json").json()
    assert (cleared["tier"], cleared["external_ids"]) == (None, {})


# -- one real subprocess per command group ---------------------------------------------------


def test_every_group_runs_in_a_real_kam(kam: Kam, tmp_path: Path) -> None:
    env = {"KAM_WORKSPACE": str(tmp_path / "real.db"), "KAM_USER": "dana"}
    for args in (("init",), ("account", "add", "Acme"),
                 ("stakeholder", "add", "acme", "Helen", "--influence", "5", "--support", "1"),
                 ("stakeholder", "add", "acme", "CFO", "--placeholder", "--influence", "4",
                  "--support", "0", "--reports-to", "acme.helen"),
                 ("relationship", "add", "acme.helen", "acme.cfo", "--kind", "informal"),
                 ("opportunity", "add", "acme", "Deal", "--amount", "10", "--stage", "won",
                  "--close-date", "2027-01-31", "--contact", "acme.helen=signer"),
                 ("account", "set", "acme", "--tier", "strategic")):
        result = kam(*args, env=env)
        assert result.code == 0, result
    assert "CFO: unknown" in kam("stakeholder", "list", "acme", env=env).out
    assert "informal" in kam("relationship", "list", "acme", env=env).out
    assert kam("opportunity", "show", "acme.deal", "--json", env=env).json()["amount"] == 10
    assert kam("account", "show", "acme", "--json", env=env).json()["account"]["tier"] == \
        "strategic"
    kam("stakeholder", "add", "acme", "X", "--influence", "0", env=env).assert_usage_error(
        "influence")
    stale = kam("stakeholder", "set", "acme.helen", "--base-revision", "3", "--title", "CEO",
                env=env)
    assert stale.code == 1 and "(changed by dana at " in stale.err, stale

"""``kam export`` and ``kam import``: bundles that round-trip, safe Markdown, all-or-nothing."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from kamcore import (
    Account,
    HookEvents,
    Opportunity,
    Plan,
    Relationship,
    Review,
    ScoreCard,
    Stakeholder,
    Workspace,
)
from kamcore.model import MethodologyRef, RubricRef

PLAN = "acme-plan"
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example/x","click me")'


def _fill(workspace: Workspace) -> None:
    """A small but complete account: every kind of record the bundle carries."""
    card = ScoreCard(id="acme.card1", account_id="acme", plan_id=PLAN,
                     rubric=RubricRef(name="tiering", version="1.0"), inputs={"fit": 4},
                     values={"fit": 4.0}, total=4.0, band="key", explanation=["fit: 4"],
                     scored_at=datetime(2026, 1, 5, 12, tzinfo=UTC))
    with workspace.transaction():
        workspace.save(Account(id="acme", name="Acme Größe & Söhne", industry="Logistics",
                               annual_revenue=4.2e9, business_units=frozenset({"Rail", "Air"}),
                               external_ids={"salesforce": "001ACME"},
                               attributes={"region": "EMEA"}))
        workspace.save(Stakeholder(id="acme.ceo", account_id="acme", name="Helen Park",
                                   roles=frozenset({"economic_buyer"}), influence=5, support=1,
                                   last_contact=date(2026, 1, 10),
                                   external_ids={"salesforce": "003HP"}))
        workspace.save(Stakeholder(id="acme.x", account_id="acme", name=SCRIPT, title="CTO",
                                   influence=3, support=-2))
        workspace.save(Relationship(id="acme.r1", account_id="acme", source_id="acme.x",
                                    target_id="acme.ceo", type="reports_to"))
        workspace.save(Opportunity(id="acme.o1", account_id="acme", name="Rail analytics",
                                   amount=250000.0, currency="EUR", stage="Proposal",
                                   close_date=date(2026, 6, 30), probability=40,
                                   contact_roles={"acme.ceo": "economic_buyer"}))
        workspace.save(Plan(
            id=PLAN, account_id="acme", step="act", period="FY27",
            methodology=MethodologyRef(name="kt-gated", version="1.0"),
            sections={
                "objectives": [{"id": "o1", "title": "Cut costs | by 10%",
                                "customer_signoff": {"name": "Helen Park",
                                                     "date": "2026-01-15"}}],
                "actions": [{"id": "a1", "title": FORMULA, "owner": "Dana",
                             "due": "2026-03-01"}],
            }))
        workspace.save(card)
        workspace.save(Review(id="acme.rev1", plan_id=PLAN, account_id="acme",
                              review_kind="customer", date=date(2026, 1, 20),
                              attendees=["Dana", "Helen Park"], plan_revision=1,
                              score_cards=[card], decisions=["go on"]))
        workspace.save(Account(id="other", name="Other account"))


@pytest.fixture
def source_db(tmp_path: Path, core_host: Any) -> Path:
    path = tmp_path / "source.db"
    with Workspace.open(path, create=True, listener=HookEvents(core_host)) as workspace:
        _fill(workspace)
    return path


def _counts(db: Path) -> dict[str, Any]:
    with sqlite3.connect(db) as conn:
        return {
            "records": dict(conn.execute(
                "SELECT kind, count(*) FROM records GROUP BY kind").fetchall()),
            "revisions": conn.execute("SELECT count(*) FROM revisions").fetchone()[0],
            "max_revision": conn.execute("SELECT max(revision) FROM records").fetchone()[0],
        }


def test_export_import_export_is_byte_identical(kam, kam_run, method_env, source_db: Path,
                                                tmp_path: Path) -> None:
    first, second, fresh = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "fresh.db"
    exported = kam("-w", str(source_db), "export", PLAN, "--format", "json", "-o", str(first),
                   env=method_env)
    assert exported.code == 0, exported
    assert "wrote" in exported.err
    assert kam_run("-w", str(fresh), "init").code == 0
    imported = kam("-w", str(fresh), "import", "json", str(first), "--json", env=method_env)
    assert imported.code == 0, imported
    summary = imported.json()
    assert summary["created"] == 8 and summary["updated"] == 0 and summary["dry_run"] is False
    assert {row["kind"]: row["created"] for row in summary["kinds"]} == {
        "account": 1, "stakeholder": 2, "relationship": 1, "opportunity": 1, "plan": 1,
        "review": 1, "scorecard": 1}
    again = kam("-w", str(fresh), "export", PLAN, "-f", "json", "-o", str(second), env=method_env)
    assert again.code == 0, again
    assert second.read_bytes() == first.read_bytes()

    bundle = json.loads(first.read_text(encoding="utf-8"))
    assert bundle["format"] == "kamcore-bundle" and bundle["format_version"] == 2
    assert bundle["account"]["name"] == "Acme Größe & Söhne"
    # each record carries the revision it was exported at, and no other workspace metadata
    assert bundle["plan"]["revision"] == 1 and "updated_at" not in bundle["account"]
    assert [s["id"] for s in bundle["stakeholders"]] == ["acme.ceo", "acme.x"]
    assert _counts(fresh)["records"].get("account") == 1  # only the plan's account travels


def test_yaml_export_imports_back_to_the_same_bundle(kam_run, source_db: Path,
                                                     tmp_path: Path) -> None:
    as_yaml, as_json, again = tmp_path / "a.yaml", tmp_path / "a.json", tmp_path / "b.json"
    assert kam_run("-w", str(source_db), "export", PLAN, "-f", "yaml", "-o", str(as_yaml)).code == 0
    assert kam_run("-w", str(source_db), "export", PLAN, "-f", "json", "-o", str(as_json)).code == 0
    fresh = str(tmp_path / "fresh.db")
    kam_run("-w", fresh, "init")
    assert kam_run("-w", fresh, "import", "json", str(as_yaml)).code == 0
    assert kam_run("-w", fresh, "export", PLAN, "-f", "json", "-o", str(again)).code == 0
    assert again.read_bytes() == as_json.read_bytes()


def test_markdown_export_escapes_markup_and_formulas(kam_run, method_env,
                                                     source_db: Path) -> None:
    result = kam_run("-w", str(source_db), "export", PLAN, "--format", "markdown",
                     env=method_env)
    assert result.code == 0, result
    text = result.out
    assert "<script>" not in text and "</script>" not in text
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in text
    assert "=HYPERLINK(" not in text
    assert "\\=HYPERLINK\\(" in text
    assert "Cut costs \\| by 10%" in text  # a pipe cannot break the table
    assert "Helen Park" in text and "Rail analytics" in text
    assert "Act on the plan" in text  # rendered with the methodology's steps
    # stdout is the default output and markdown the default format
    assert kam_run("-w", str(source_db), "export", PLAN, env=method_env).out == text


def test_markdown_file_output(kam_run, source_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "deep" / "plan.md"
    result = kam_run("-w", str(source_db), "export", PLAN, "-o", str(out))
    assert result.code == 0, result
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Account plan: Acme Größe &amp; Söhne")
    assert "(not installed)" in text  # exported even without its methodology
    assert [p.name for p in out.parent.iterdir()] == ["plan.md"]  # no temporary left behind


def test_unknown_exporter_and_plan(kam_run, source_db: Path) -> None:
    kam_run("-w", str(source_db), "export", PLAN, "--format", "pdf").assert_usage_error(
        "no exporter named 'pdf'", "json, markdown, yaml")
    kam_run("-w", str(source_db), "export", "nope").assert_usage_error("no plan named 'nope'")


@pytest.fixture
def bundle(kam_run, source_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "bundle.json"
    assert kam_run("-w", str(source_db), "export", PLAN, "-f", "json", "-o", str(path)).code == 0
    return path


@pytest.fixture
def target_db(kam_run, tmp_path: Path) -> Path:
    path = tmp_path / "target.db"
    assert kam_run("-w", str(path), "init").code == 0
    return path


def test_bad_row_fails_with_its_location_and_writes_nothing(
        kam_run, bundle: Path, target_db: Path, tmp_path: Path) -> None:
    assert kam_run("-w", str(target_db), "import", "json", str(bundle)).code == 0
    before = _counts(target_db)

    data = json.loads(bundle.read_text())
    data["account"]["name"] = "Renamed in the bad bundle"
    data["stakeholders"].append({"id": "acme.new", "account_id": "acme", "name": "New"})
    data["stakeholders"].append({"id": "acme.bad", "account_id": "acme", "name": "Bad",
                                 "influence": 6})
    bad = tmp_path / "bad.json"
    text = json.dumps(data, indent=2, sort_keys=True)
    bad.write_text(text)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if '"influence": 6' in t)

    result = kam_run("-w", str(target_db), "import", "json", str(bad))
    result.assert_usage_error(f"{bad}: invalid stakeholder",
                              f"{bad}:{line}", "stakeholders[3].influence",
                              "less than or equal to 5")
    assert _counts(target_db) == before
    shown = kam_run("-w", str(target_db), "account", "show", "acme", "--json").json()
    assert shown["account"]["name"] == "Acme Größe & Söhne"
    assert "acme.new" not in {s["id"] for s in shown["stakeholders"]}


def test_bad_row_in_a_fresh_workspace_writes_nothing(kam_run, bundle: Path, target_db: Path,
                                                     tmp_path: Path) -> None:
    data = json.loads(bundle.read_text())
    data["relationships"][0]["target_id"] = data["relationships"][0]["source_id"]
    bad = tmp_path / "loop.json"
    bad.write_text(json.dumps(data, indent=2))
    result = kam_run("-w", str(target_db), "import", "json", str(bad))
    result.assert_usage_error("relationships[0]", "two different stakeholders")
    assert _counts(target_db) == {"records": {}, "revisions": 0, "max_revision": None}


def test_dry_run_reports_counts_and_writes_nothing(kam_run, bundle: Path,
                                                   target_db: Path) -> None:
    result = kam_run("-w", str(target_db), "import", "json", str(bundle), "--dry-run", "--json")
    assert result.code == 0, result
    summary = result.json()
    assert summary["dry_run"] is True and summary["created"] == 8
    assert _counts(target_db)["records"] == {}
    text = kam_run("-w", str(target_db), "import", "json", str(bundle), "--dry-run")
    assert text.code == 0 and "dry run: nothing written" in text.out
    assert _counts(target_db)["revisions"] == 0


def test_importing_twice_changes_nothing(kam_run, bundle: Path, target_db: Path) -> None:
    first = kam_run("-w", str(target_db), "import", "json", str(bundle), "--json").json()
    assert first["created"] == 8
    after_first = _counts(target_db)
    second = kam_run("-w", str(target_db), "import", "json", str(bundle), "--json").json()
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 8)
    assert all(row["created"] == row["updated"] == 0 for row in second["kinds"])
    assert _counts(target_db) == after_first
    assert after_first["max_revision"] == 1


def test_import_updates_changed_records(kam_run, bundle: Path, target_db: Path,
                                        tmp_path: Path) -> None:
    kam_run("-w", str(target_db), "import", "json", str(bundle))
    data = json.loads(bundle.read_text())
    data["stakeholders"][0]["support"] = 2
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data))
    summary = kam_run("-w", str(target_db), "import", "json", str(changed), "--json").json()
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 1, 7)
    shown = kam_run("-w", str(target_db), "account", "show", "acme", "--json").json()
    helen = next(s for s in shown["stakeholders"] if s["id"] == "acme.ceo")
    assert helen["support"] == 2 and helen["revision"] == 2


def test_import_refusals(kam_run, target_db: Path, tmp_path: Path, bundle: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"accounts": []}')
    kam_run("-w", str(target_db), "import", "json", str(other)).assert_usage_error(
        "not a kamcore bundle")
    data = json.loads(bundle.read_text())
    data["format_version"] = 99
    future = tmp_path / "future.json"
    future.write_text(json.dumps(data))
    kam_run("-w", str(target_db), "import", "json", str(future)).assert_usage_error(
        "format_version 99")
    kam_run("-w", str(target_db), "import", "csv", str(bundle)).assert_usage_error(
        "no adapter named 'csv'", "json")
    missing = kam_run("-w", str(target_db), "import", "json", str(tmp_path / "none.json"))
    missing.assert_usage_error("does not exist")
    assert _counts(target_db)["records"] == {}


def _bad_section_bundle(bundle: Path, tmp_path: Path) -> tuple[Path, str]:
    data = json.loads(bundle.read_text())
    data["plan"]["sections"]["risks"] = [{"title": "Churn", "likelihood": 9, "impact": 1}]
    bad = tmp_path / "bad-section.json"
    text = json.dumps(data, indent=2)
    bad.write_text(text)
    return bad, text


def test_import_refuses_plan_sections_the_methodology_refuses(kam_run, method_env,
                                                               bundle: Path, target_db: Path,
                                                               tmp_path: Path) -> None:
    bad, _ = _bad_section_bundle(bundle, tmp_path)
    result = kam_run("-w", str(target_db), "import", "json", str(bad), env=method_env)
    result.assert_usage_error("sections refused by kt-gated", "risks[0].likelihood",
                              "greater than the maximum of 5")
    assert _counts(target_db)["records"] == {}
    # without the methodology installed there is nothing to check the sections against
    assert kam_run("-w", str(target_db), "import", "json", str(bad),
                   env={"KAMCORE_METHODOLOGY_PATH": None}).code == 0


def test_refused_plan_section_names_file_and_line(kam_run, method_env, bundle: Path,
                                                  target_db: Path, tmp_path: Path) -> None:
    bad, text = _bad_section_bundle(bundle, tmp_path)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if '"likelihood": 9' in t)
    result = kam_run("-w", str(target_db), "import", "json", str(bad), env=method_env)
    assert result.code == 2
    assert f"{bad}:{line}" in result.err


def test_exported_files_follow_the_umask(tmp_path: Path) -> None:
    from kamcore.cli._common import write_atomically

    target = tmp_path / "shared" / "plan.md"
    old = os.umask(0o022)
    try:
        write_atomically(target, "# plan\n")
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
        os.umask(0o077)
        write_atomically(target, "# plan, again\n")
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    finally:
        os.umask(old)
    assert target.read_text() == "# plan, again\n"
    assert [p.name for p in target.parent.iterdir()] == ["plan.md"]


def test_a_plan_given_in_code_is_refused_at_its_field_path(tmp_path: Path) -> None:
    # records built in code (no document to point into) are refused by field path alone
    from kamcore.errors import InvalidInputError
    from kamcore.importing import import_records
    from kamcore.plugin.registry import get_registry

    plan = Plan(id="p9", account_id="acme", step="understand",
                methodology=MethodologyRef(name="simple_plan", version="1.0.0"),
                sections={"goals": [{"title": "Grow", "colour": "red"}]})
    with Workspace.open(tmp_path / "kam.db", create=True) as workspace:
        with pytest.raises(InvalidInputError) as refused:
            import_records(workspace, [Account(id="acme", name="Acme"), plan],
                           registry=get_registry())
        assert [(p.source, p.path) for p in refused.value.problems] == [
            (None, ("plan", "p9", "sections", "goals", 0, "colour"))]
        assert workspace.count(Account) == 0


# -- bundles re-imported after the workspace moved on (issue 17) ------------------------------


def _move_on(db: Path) -> None:
    """Change the plan and one stakeholder of the source workspace, as dana."""
    with Workspace.open(db) as workspace:
        plan = workspace.get(Plan, PLAN)
        workspace.save(plan.model_copy(update={"step": "review", "sections": {
            **plan.sections, "risks": [{"title": "Churn", "likelihood": 2, "impact": 3}]}}),
            by="dana")
        helen = workspace.get(Stakeholder, "acme.ceo")
        workspace.save(helen.model_copy(update={"support": 2}), by="dana")


def test_a_stale_bundle_is_refused_listing_every_changed_record(kam_run, bundle: Path,
                                                                 source_db: Path) -> None:
    from kamcore.errors import ConflictError

    _move_on(source_db)
    before = _counts(source_db)
    for extra in ((), ("--dry-run",)):
        result = kam_run("-w", str(source_db), "import", "json", str(bundle), *extra)
        assert result.code == ConflictError.exit_code, result
        assert "2 records changed in the workspace since exported; nothing imported" \
            in result.err
        assert "kam import --force" in result.err
        lines = result.err.splitlines()
        assert any(line.strip().startswith(
            "plan 'acme-plan': exported at revision 1, since changed to revision 2 "
            "(saved by dana at 20") for line in lines), result
        assert any(line.strip().startswith(
            "stakeholder 'acme.ceo': exported at revision 1, since changed to revision 2 "
            "(saved by dana at ") for line in lines), result
        assert _counts(source_db) == before  # nothing written, not even the unchanged ones
    shown = kam_run("-w", str(source_db), "plan", "show", PLAN, "--json").json()
    assert shown["step"] == "review" and shown["revision"] == 2


def test_force_overwrites_and_the_history_keeps_what_was_overwritten(
        kam_run, bundle: Path, source_db: Path) -> None:
    _move_on(source_db)
    result = kam_run("-w", str(source_db), "--user", "lee", "import", "json", str(bundle),
                     "--force")
    assert result.code == 0, result
    assert "overwrote plan 'acme-plan': exported at revision 1, since changed to revision 2" \
        in result.out
    assert "0 created, 2 updated, 6 unchanged" in result.out
    now = kam_run("-w", str(source_db), "plan", "show", PLAN, "--json").json()
    assert (now["step"], now["revision"], now["updated_by"]) == ("act", 3, "lee")
    assert "risks" not in now["sections"]
    overwritten = kam_run("-w", str(source_db), "plan", "show", PLAN, "--revision", "2",
                          "--json").json()
    assert overwritten["step"] == "review" and overwritten["sections"]["risks"]
    history = kam_run("-w", str(source_db), "plan", "history", PLAN, "--json").json()
    assert [(e["revision"], e["saved_by"]) for e in history] == [(1, None), (2, "dana"),
                                                                  (3, "lee")]


def test_forced_import_lists_what_it_overwrote_in_json(kam_run, bundle: Path,
                                                       source_db: Path) -> None:
    _move_on(source_db)
    summary = kam_run("-w", str(source_db), "import", "json", str(bundle), "--force",
                      "--dry-run", "--json").json()
    assert [(c["kind"], c["id"], c["exported_revision"], c["current_revision"], c["saved_by"])
            for c in summary["overwritten"]] == [("plan", PLAN, 1, 2, "dana"),
                                                 ("stakeholder", "acme.ceo", 1, 2, "dana")]
    assert summary["updated"] == 2 and _counts(source_db)["max_revision"] == 2


def test_a_record_changed_back_is_not_a_conflict(kam_run, bundle: Path,
                                                 source_db: Path) -> None:
    # the stakeholder moved on and back: the import would not change it, so nothing is lost
    with Workspace.open(source_db) as workspace:
        helen = workspace.get(Stakeholder, "acme.ceo")
        helen = workspace.save(helen.model_copy(update={"support": 2}))
        workspace.save(helen.model_copy(update={"support": 1}))
    result = kam_run("-w", str(source_db), "import", "json", str(bundle), "--json")
    assert result.code == 0, result
    assert result.json()["unchanged"] == 8


def test_a_version_1_bundle_imports_without_the_check(kam_run, bundle: Path, source_db: Path,
                                                      tmp_path: Path) -> None:
    data = json.loads(bundle.read_text())
    data["format_version"] = 1
    for key in ("account", "plan"):
        del data[key]["revision"]
    for key in ("stakeholders", "relationships", "opportunities", "reviews", "score_cards"):
        for item in data[key]:
            del item["revision"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data))
    _move_on(source_db)
    summary = kam_run("-w", str(source_db), "import", "json", str(old), "--json").json()
    assert (summary["updated"], summary["overwritten"]) == (2, [])  # as before: no revisions


def test_an_id_given_twice_is_refused_with_both_places(kam_run, bundle: Path, target_db: Path,
                                                       tmp_path: Path) -> None:
    data = json.loads(bundle.read_text())
    data["stakeholders"].append({**data["stakeholders"][0], "name": "Someone Else"})
    twice = tmp_path / "twice.json"
    text = json.dumps(data, indent=2)
    twice.write_text(text)
    lines = [n for n, t in enumerate(text.splitlines(), 1) if '"id": "acme.ceo"' in t]
    starts = [n for n, t in enumerate(text.splitlines(), 1) if t == "    {"]
    first, again = (max(s for s in starts if s < line) for line in lines)

    result = kam_run("-w", str(target_db), "import", "json", str(twice))
    result.assert_usage_error(
        "stakeholder 'acme.ceo' appears twice in the import", "nothing imported",
        f"{twice}:{first}:5 at stakeholders[0]: first stakeholder 'acme.ceo'",
        f"{twice}:{again}:5 at stakeholders[2]: stakeholder 'acme.ceo' again")
    assert _counts(target_db)["records"] == {}


def test_an_id_given_twice_in_code_is_refused(tmp_path: Path) -> None:
    from kamcore.errors import InvalidInputError
    from kamcore.importing import import_records

    with Workspace.open(tmp_path / "kam.db", create=True) as workspace:
        with pytest.raises(InvalidInputError) as refused:
            import_records(workspace, [Account(id="acme", name="Acme"),
                                       Account(id="acme", name="Acme Renamed")])
        assert [str(p) for p in refused.value.problems] == [
            "first account 'acme' (the adapter did not say where)",
            "account 'acme' again (the adapter did not say where)"]
        assert workspace.count(Account) == 0


@pytest.mark.parametrize("plan", ["absent", "null"])
def test_a_bundle_without_a_plan_imports(kam_run, bundle: Path, target_db: Path,
                                         tmp_path: Path, plan: str) -> None:
    data = json.loads(bundle.read_text())
    people = {key: data[key] for key in ("format", "format_version", "account", "stakeholders")}
    if plan == "null":
        people["plan"] = None
    path = tmp_path / "people.yaml"
    path.write_text(json.dumps(people))
    summary = kam_run("-w", str(target_db), "import", "json", str(path), "--json").json()
    assert {row["kind"]: row["created"] for row in summary["kinds"]} == {
        "account": 1, "stakeholder": 2}
    assert _counts(target_db)["records"] == {"account": 1, "stakeholder": 2}


def test_a_stale_bundle_through_the_real_kam(kam, bundle: Path, source_db: Path) -> None:
    from kamcore.errors import ConflictError

    _move_on(source_db)
    before = _counts(source_db)
    result = kam("-w", str(source_db), "import", "json", str(bundle))
    assert result.code == ConflictError.exit_code, result
    assert "plan 'acme-plan': exported at revision 1, since changed to revision 2" in result.err
    assert "Traceback" not in result.err
    assert _counts(source_db) == before

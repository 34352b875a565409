"""``kam demo``: a sample portfolio built, checked and exported, safe to run again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kamcore.demo import sample_account_ids


def _kinds(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT kind, count(*) FROM records GROUP BY kind").fetchall())


def test_demo_with_the_installed_plugins_runs_twice(kam, kam_run, tmp_path: Path) -> None:
    env = {"KAMCORE_LOAD_PLUGINS": None}  # whatever is installed in this environment
    first = kam("demo", env=env)
    assert first.code == 0, first
    assert "Traceback" not in first.err
    db = tmp_path / "kam-demo.db"
    assert db.is_file()
    counts = _kinds(db)
    assert counts["account"] == len(sample_account_ids()) == 5
    assert counts["stakeholder"] > 0 and counts["opportunity"] > 0

    second = kam("demo", env=env)
    assert second.code == 0, second
    assert " 0 created, 0 updated" in second.out

    installed = kam_run("methodologies", "--json", env=env).json()
    out = tmp_path / "kam-demo"
    if installed:
        written = sorted(p.name for p in out.glob("*.md"))
        assert len(written) == 5
        assert {name.split("-")[0] for name in written} == set(sample_account_ids())
        # ACCOUNT-METHODOLOGY, or ACCOUNT-METHODOLOGY-PERIOD for the plan rolled over
        assert {name.split("-")[1].removesuffix(".md") for name in written} <= {
            m["name"] for m in installed}
        assert _kinds(db)["plan"] == 5 + ("sama7" in {m["name"] for m in installed})
        assert "5 plans written as Markdown" in second.out
        # the demo shows the programme metrics, a scenario, a rollover and scored QBRs
        assert "programme metrics" in second.out and "Net revenue retention" in second.out
        assert "revenue scenario of the current plans" in second.out
        if "sama7" in {m["name"] for m in installed}:
            assert "rolled helios-sama7 over into helios-sama7-FY" in second.out
        assert counts["revenue"] == 40 and _kinds(db)["review"] > 0
    else:
        assert not out.exists() or not list(out.glob("*.md"))
        assert "no methodology is installed" in second.err


def test_demo_with_a_methodology_from_a_folder(kam_run, method_env, tmp_path: Path) -> None:
    first = kam_run("demo", env=method_env)
    assert first.code == 0, first
    written = sorted((tmp_path / "kam-demo").glob("*.md"))
    assert [p.name for p in written] == sorted(f"{a}-kt-gated.md" for a in sample_account_ids())
    northwind = (tmp_path / "kam-demo" / "northwind-kt-gated.md").read_text(encoding="utf-8")
    assert northwind.startswith("# Account plan: Northwind Logistics")
    assert "Act on the plan (current step)" in northwind  # the example's step, past the gate
    assert "Cut warehouse costs by 10%" in northwind  # the example's data
    plans = kam_run("-w", "kam-demo.db", "plan", "list", "--json").json()
    assert {p["step"] for p in plans} == {"act"} and len(plans) == 5
    revisions = {p["id"]: p["revision"] for p in plans}

    second = kam_run("demo", env=method_env)
    assert second.code == 0, second
    assert "records: 0 created, 0 updated" in second.out
    again = kam_run("-w", "kam-demo.db", "plan", "list", "--json").json()
    assert {p["id"]: p["revision"] for p in again} == revisions


def test_demo_without_any_methodology(kam_run, tmp_path: Path) -> None:
    result = kam_run("demo", "--out", "elsewhere")
    assert result.code == 0, result
    assert "no methodology is installed" in result.err
    assert _kinds(tmp_path / "kam-demo.db")["account"] == 5
    assert "plan" not in _kinds(tmp_path / "kam-demo.db")
    assert not list(tmp_path.glob("elsewhere/*.md"))


def test_demo_honours_the_workspace_option(kam_run, method_env, tmp_path: Path) -> None:
    assert kam_run("-w", "mine.db", "demo", "--out", "md", env=method_env).code == 0
    assert (tmp_path / "mine.db").is_file() and not (tmp_path / "kam-demo.db").exists()
    assert len(list((tmp_path / "md").glob("*.md"))) == 5

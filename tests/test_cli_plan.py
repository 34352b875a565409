"""``kam init``, ``kam account ...`` and ``kam plan ...`` on a methodology loaded from a folder."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

PLAN = "acme-corp-kt-gated-FY27"

UNSIGNED = textwrap.dedent("""\
    - id: o1
      title: Cut warehouse costs
      due: 2026-12-31
    """)

SIGNED = textwrap.dedent("""\
    # the customer signed this one
    - id: o1
      title: Cut warehouse costs
      due: 2026-12-31
      customer_signoff: {name: Helen Park, title: CEO, date: 2026-02-01}
    """)

BAD = textwrap.dedent("""\
    - id: o1
      title: Cut warehouse costs
      due: end of year
    - id: o2
      customer_signoff: {name: Helen Park}
      colour: blue
    """)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, text in (("unsigned", UNSIGNED), ("signed", SIGNED), ("bad", BAD)):
        out[name] = tmp_path / f"{name}.yaml"
        out[name].write_text(text, encoding="utf-8")
    return out


@pytest.fixture
def planned(kam_run, method_env) -> object:
    """A workspace (./kam.db) with account acme-corp and plan PLAN at step analyse."""
    assert kam_run("init", env=method_env).code == 0
    assert kam_run("account", "add", "Acme Corp", "--industry", "Logistics").code == 0
    result = kam_run("plan", "new", "acme-corp", "-m", "kt-gated", "--period", "FY27", "--json")
    assert result.code == 0, result
    return kam_run


# -- init and accounts ------------------------------------------------------------------------


def test_init_creates_the_workspace_and_is_safe_to_repeat(kam_run, tmp_path: Path) -> None:
    result = kam_run("init")
    assert result.code == 0, result
    assert "workspace ready: kam.db" in result.out
    assert (tmp_path / "kam.db").is_file()
    assert kam_run("account", "add", "Acme").code == 0
    assert kam_run("init").code == 0
    assert [a["id"] for a in kam_run("account", "list", "--json").json()] == ["acme"]


def test_workspace_option_and_environment_variable(kam_run, tmp_path: Path) -> None:
    assert kam_run("--workspace", "other/one.db", "init").code == 0
    assert (tmp_path / "other" / "one.db").is_file()
    assert kam_run("-w", "other/one.db", "account", "add", "Acme").code == 0
    listed = kam_run("account", "list", "--json", env={"KAM_WORKSPACE": "other/one.db"})
    assert [a["id"] for a in listed.json()] == ["acme"]
    assert not (tmp_path / "kam.db").exists()


def test_account_add_list_show(kam_run) -> None:
    kam_run("init")
    added = kam_run("account", "add", "Acme Corp", "--industry", "Logistics", "--revenue", "4.2e9",
                    "--owner", "Dana", "--tier", "strategic", "--business-unit", "Freight",
                    "--business-unit", "Air", "--external-id", "salesforce=001X", "--json")
    assert added.code == 0, added
    account = added.json()
    assert account["id"] == "acme-corp" and account["revision"] == 1
    assert account["business_units"] == ["Air", "Freight"]
    assert account["external_ids"] == {"salesforce": "001X"}
    assert account["annual_revenue"] == 4.2e9
    child = kam_run("account", "add", "Acme Rail", "--id", "acme.rail", "--parent", "acme-corp")
    assert child.code == 0 and "added account acme.rail" in child.out

    listing = kam_run("account", "list", "--json")
    assert [a["id"] for a in listing.json()] == ["acme-corp", "acme.rail"]
    assert "Acme Corp" in kam_run("account", "list").out

    shown = kam_run("account", "show", "acme.rail", "--json").json()
    assert shown["account"]["parent_id"] == "acme-corp"
    assert shown["stakeholders"] == [] and shown["plans"] == []
    text = kam_run("account", "show", "acme-corp")
    assert text.code == 0 and "Acme Corp (acme-corp) industry=Logistics" in text.out


def test_account_add_refusals(kam_run) -> None:
    kam_run("init")
    assert kam_run("account", "add", "Acme").code == 0
    taken = kam_run("account", "add", "Acme")  # a conflict with what is stored: exit 1
    assert taken.code == 1 and "already exists" in taken.err, taken
    kam_run("account", "add", "X", "--id", "bad id").assert_usage_error("invalid account", "id")
    kam_run("account", "add", "X", "--revenue", "-5").assert_usage_error("annual_revenue")
    kam_run("account", "add", "X", "--external-id", "no-equals").assert_usage_error(
        "--external-id", "KEY=VALUE")
    kam_run("account", "add", "X", "--parent", "ghost").assert_usage_error(
        "no account named 'ghost'", "acme")
    kam_run("account", "show", "ghost").assert_usage_error("no account named 'ghost'")
    assert [a["id"] for a in kam_run("account", "list", "--json").json()] == ["acme"]


# -- the plan life cycle -----------------------------------------------------------------------


def test_plan_new_and_show(planned, tmp_path: Path) -> None:
    kam_run = planned
    plan = kam_run("plan", "show", PLAN, "--json").json()
    assert plan["step"] == "analyse" and plan["revision"] == 1
    assert plan["methodology"] == {"name": "kt-gated", "version": "1.0"}
    assert plan["period"] == "FY27" and plan["sections"] == {}
    text = kam_run("plan", "show", PLAN)
    assert text.code == 0, text
    assert "# Account plan: Acme Corp" in text.out
    assert "Analyse the account" in text.out and "step 1 of 3" in text.out
    assert [p["id"] for p in kam_run("plan", "list", "--json").json()] == [PLAN]
    shown = kam_run("account", "show", "acme-corp", "--json").json()
    assert [p["id"] for p in shown["plans"]] == [PLAN]
    custom = kam_run("plan", "new", "acme-corp", "-m", "kt-gated", "--id", "second", "--json")
    assert custom.json()["id"] == "second"
    taken = kam_run("plan", "new", "acme-corp", "-m", "kt-gated", "--id", "second")
    assert taken.code == 1 and "already exists" in taken.err, taken  # a conflict: exit 1
    kam_run("plan", "new", "ghost", "-m", "kt-gated").assert_usage_error("no account named")


def test_plan_set_with_bad_data_reports_every_error_and_writes_nothing(
        planned, files: dict[str, Path]) -> None:
    kam_run = planned
    result = kam_run("plan", "set", PLAN, "objectives", str(files["bad"]))
    result.assert_usage_error(f"section 'objectives' of plan '{PLAN}' refused")
    bad = str(files["bad"])
    problems = [line.strip() for line in result.err.splitlines()[1:]]
    assert len(problems) == 4, result
    expected = {
        ("[0].due", line_of(BAD, "end of year")),
        ("[1]", line_of(BAD, "id: o2")),  # title missing
        ("[1].colour", line_of(BAD, "colour")),  # not allowed: located at the key itself
        ("[1].customer_signoff", line_of(BAD, "customer_signoff")),
    }
    located = {(p.split(" at ")[1].split(":")[0], int(p.split(":")[1])) for p in problems}
    assert located == expected, result
    assert all(p.startswith(f"{bad}:") for p in problems)
    assert "'title' is a required property" in result.err
    assert "'date' is a required property" in result.err
    assert "colour: unknown field" in result.err
    assert "is not a 'date'" in result.err
    plan = kam_run("plan", "show", PLAN, "--json").json()
    assert plan["revision"] == 1 and plan["sections"] == {}
    assert len(kam_run("plan", "history", PLAN, "--json").json()) == 1


def test_plan_set_unknown_section(planned, files: dict[str, Path]) -> None:
    planned("plan", "set", PLAN, "budget", str(files["unsigned"])).assert_usage_error(
        "no section of kt-gated named 'budget'", "objectives, risks")


def test_gate_refuses_advance_until_the_data_satisfies_it(planned,
                                                          files: dict[str, Path]) -> None:
    kam_run = planned
    saved = kam_run("plan", "set", PLAN, "objectives", str(files["unsigned"]), "--json")
    assert saved.code == 0, saved
    assert saved.json()["revision"] == 2
    assert saved.json()["sections"]["objectives"][0]["due"] == "2026-12-31"

    check = kam_run("plan", "check", PLAN, "--json")
    assert check.code == 0, check  # the unmet gate is information until one tries to advance
    [finding] = check.json()["findings"]
    assert finding["code"] == "gate-not-met" and finding["severity"] == "info"
    assert "plan check" not in check.err

    refused = kam_run("plan", "advance", PLAN, "--json")
    assert refused.code == 1, refused
    body = refused.json()
    assert body["advanced"] is False and body["step"] == "analyse"
    [blocking] = body["findings"]
    assert blocking["severity"] == "error" and blocking["code"] == "gate-not-met"
    assert "every joint objective needs the customer's sign-off" in blocking["message"]
    assert blocking["path"] == "sections.objectives[0]"
    text = kam_run("plan", "advance", PLAN)
    assert text.code == 1 and "stays at step analyse" in text.err
    assert "every joint objective needs" in text.out
    assert kam_run("plan", "show", PLAN, "--json").json()["revision"] == 2  # nothing saved
    skip = kam_run("plan", "advance", PLAN, "--to", "review", "--json")
    assert skip.code == 1 and skip.json()["findings"][0]["code"] == "gate-not-met"

    assert kam_run("plan", "set", PLAN, "objectives", str(files["signed"])).code == 0
    moved = kam_run("plan", "advance", PLAN, "--json")
    assert moved.code == 0, moved
    assert moved.json() == {"plan": PLAN, "advanced": True, "from": "analyse", "step": "act",
                            "revision": 4}
    # at the step that works on actions, a plan without the next 90 days of them is told so
    assert [f["code"] for f in kam_run("plan", "check", PLAN, "--json").json()["findings"]] == [
        "no-action-in-horizon"]
    last = kam_run("plan", "advance", PLAN)
    assert last.code == 0 and "act -> review" in last.out
    kam_run("plan", "advance", PLAN).assert_usage_error("last step")
    kam_run("plan", "advance", PLAN, "--to", "act").assert_usage_error("not after")


def test_history_and_diff(planned, files: dict[str, Path]) -> None:
    kam_run = planned
    kam_run("plan", "set", PLAN, "objectives", str(files["unsigned"]))
    kam_run("plan", "set", PLAN, "objectives", str(files["signed"]))
    kam_run("plan", "advance", PLAN)
    history = kam_run("plan", "history", PLAN, "--json").json()
    assert [h["revision"] for h in history] == [1, 2, 3, 4]
    assert "history of" in kam_run("plan", "history", PLAN).out

    diff = kam_run("plan", "diff", PLAN, "--from", "2", "--to", "3", "--json")
    assert diff.code == 0, diff
    changes = diff.json()["changes"]
    assert [(c["path"], c["op"]) for c in changes] == [
        ("sections.objectives[o1].customer_signoff", "added")]
    assert changes[0]["new"]["name"] == "Helen Park"

    latest = kam_run("plan", "diff", PLAN, "--json").json()  # default: previous -> current
    assert (latest["from"], latest["to"]) == (3, 4)
    assert latest["changes"] == [{"path": "step", "op": "changed", "old": "analyse",
                                  "new": "act"}]
    text = kam_run("plan", "diff", PLAN, "--from", "1")
    assert 'step "Analyse the account" -> "Act on the plan"' in text.out
    assert 'objective "Cut warehouse costs" added, signed off by Helen Park' in text.out
    assert "sections." not in text.out and '{"' not in text.out  # words, not paths or JSON
    raw = kam_run("plan", "diff", PLAN, "--from", "1", "--raw")
    assert "sections.objectives: added" in raw.out and 'step: "analyse" -> "act"' in raw.out
    assert "revision" not in {c["path"] for c in kam_run("plan", "diff", PLAN, "--from", "1",
                                                        "--json").json()["changes"]}
    old = kam_run("plan", "show", PLAN, "--revision", "2", "--json").json()
    assert old["revision"] == 2 and "customer_signoff" not in old["sections"]["objectives"][0]
    kam_run("plan", "diff", PLAN, "--from", "9").assert_usage_error("no revision")


def test_plan_check_exits_1_on_an_error_finding(kam_run, methodology_dir: Path, tmp_path: Path,
                                                files: dict[str, Path]) -> None:
    folder = tmp_path / "methodologies"
    shutil.copytree(methodology_dir, folder)
    env = {"KAMCORE_METHODOLOGY_PATH": str(folder)}
    kam_run("init", env=env)
    kam_run("account", "add", "Acme Corp")
    kam_run("plan", "new", "acme-corp", "-m", "kt-gated", "--id", "p1")
    assert kam_run("plan", "set", "p1", "objectives", str(files["signed"])).code == 0
    assert kam_run("plan", "check", "p1").code == 0

    # the methodology moves on: objectives now need a measure, and the version changes
    path = folder / "kt-gated.yaml"
    newer = path.read_text().split("example:")[0]  # (its example has no measure either)
    path.write_text(newer.replace('version: "1.0"', 'version: "1.1"').replace(
        '{type: array, items: {$ref: "urn:kamcore:shape:objective"}}',
        '{type: array, items: {$ref: "urn:kamcore:shape:objective", required: [measure]}}'))
    result = kam_run("plan", "check", "p1", "--json")
    assert result.code == 1, result
    findings = {f["code"]: f for f in result.json()["findings"]}
    assert findings["section-invalid"]["severity"] == "error"
    assert findings["section-invalid"]["path"] == "sections.objectives[0]"
    assert "measure" in findings["section-invalid"]["message"]
    assert findings["methodology-version-changed"]["severity"] == "info"
    assert result.json()["findings"][0]["severity"] == "error"  # errors first
    text = kam_run("plan", "check", "p1")
    assert text.code == 1 and "section-invalid" in text.out


def test_plan_set_conflict_with_base_revision(planned, files: dict[str, Path]) -> None:
    kam_run = planned
    assert kam_run("plan", "set", PLAN, "objectives", str(files["unsigned"])).code == 0
    stale = kam_run("plan", "set", PLAN, "objectives", str(files["signed"]), "--base-revision",
                    "1")
    assert stale.code == 1, stale  # a conflict, not bad input: it names who changed it, when
    assert "revision 1 refused" in stale.err and "now at revision 2 (changed by " in stale.err
    assert kam_run("plan", "show", PLAN, "--json").json()["revision"] == 2
    ok = kam_run("plan", "set", PLAN, "objectives", str(files["signed"]), "--base-revision", "2")
    assert ok.code == 0, ok


# -- subprocess: stdin, and errors without tracebacks -----------------------------------------


def test_plan_cli_subprocess(kam, kam_run, method_env, tmp_path: Path) -> None:
    env = {**method_env, "KAM_WORKSPACE": str(tmp_path / "ws.db")}
    assert kam_run("init", env=env).code == 0
    assert kam_run("account", "add", "Acme").code == 0
    assert kam_run("plan", "new", "acme", "-m", "kt-gated", "--id", "p1").code == 0

    result = kam("plan", "set", "p1", "objectives", "-", "--json", env=env, input=SIGNED)
    assert result.code == 0, result
    assert result.json()["sections"]["objectives"][0]["customer_signoff"]["name"] == "Helen Park"
    kam("plan", "new", "acme", "-m", "sama-nine", env=env).assert_usage_error(
        "no methodology named 'sama-nine'", "available:", "kt-gated")
    kam("-w", str(tmp_path / "missing.db"), "plan", "show", "p1", env=env).assert_usage_error(
        "no workspace at", "missing.db", "kam init")
    assert not (tmp_path / "missing.db").exists()


def test_usage_errors_in_process(planned, monkeypatch: pytest.MonkeyPatch,
                                 tmp_path: Path) -> None:
    import io

    kam_run = planned
    kam_run("plan", "show", "nope").assert_usage_error("no plan named 'nope'", PLAN)
    kam_run("plan", "history", "nope").assert_usage_error("no plan named 'nope'")
    kam_run("plan", "check", PLAN, "--as-of", "2026-02-30").assert_usage_error(
        "--as-of", "'2026-02-30' is not a date")
    kam_run("-w", str(tmp_path / "missing.db"), "account", "list").assert_usage_error(
        "no workspace at")
    monkeypatch.setattr("sys.stdin", io.StringIO(BAD))
    kam_run("plan", "set", PLAN, "objectives", "-").assert_usage_error("<stdin>:3", "[0].due")
    assert kam_run("plan", "show", PLAN, "--json").json()["revision"] == 1


def test_plan_set_unparsable_input(planned, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("- id: o1\n  title: [unclosed\n")
    planned("plan", "set", PLAN, "objectives", str(broken)).assert_usage_error(
        f"{broken}: not valid YAML/JSON", f"{broken}:3")
    planned("plan", "set", PLAN, "objectives", str(tmp_path / "none.yaml")).assert_usage_error(
        "no such file")
    check = planned("plan", "check", PLAN, "--as-of", "2026-06-01", "--json")
    assert check.code == 0 and check.json()["revision"] == 1

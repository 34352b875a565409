"""The commands as a user runs them: the installed ``kam`` script, the plugin found through its
real entry point, the offline ``echo`` model of llm-echo, a real SQLite workspace."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kamcore.model import Plan
from kamcore.store import Workspace

KAM = Path(sys.executable).parent / "kam"
PLAN = "helios-kt-private"


def kam(workspace: Path, *args: str, folder: Path | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``kam`` on ``workspace`` with every installed plugin and the test methodology."""
    environment = {**os.environ, "KAM_WORKSPACE": str(workspace), "KAM_USER": "ann",
                   "NO_COLOR": "1", **(env or {})}
    environment.pop("KAMCORE_LOAD_PLUGINS", None)
    if folder is not None:
        environment["KAMCORE_METHODOLOGY_PATH"] = str(folder)
    return subprocess.run([str(KAM), *args], capture_output=True, text=True,
                          env=environment, timeout=120, cwd=workspace.parent)


def test_the_commands_join_kamcores_own_groups(tmp_path: Path) -> None:
    for group, names in (("plan", ("summarize", "draft")), ("review", ("brief",)),
                         ("stakeholder", ("extract",))):
        shown = kam(tmp_path / "kam.db", group, "--help")
        assert shown.returncode == 0, shown.stderr
        for name in names:
            assert f"  {name} " in shown.stdout


def test_show_prompt_prints_exactly_what_the_echo_model_receives(
        workspace_path: Path, methodology_folder: Path, never_sent: tuple[str, ...]) -> None:
    shown = kam(workspace_path, "plan", "summarize", PLAN, "--show-prompt",
                folder=methodology_folder)
    assert shown.returncode == 0, shown.stderr
    system, text = shown.stdout.removeprefix("--- system ---\n").split("\n--- prompt ---\n")
    sent = kam(workspace_path, "plan", "summarize", PLAN, "--json", folder=methodology_folder)
    assert sent.returncode == 0, sent.stderr
    result = json.loads(sent.stdout)
    echoed = json.loads(result["answer"])
    assert result["sent"] is True and result["model"] == "echo"
    assert (echoed["system"], echoed["prompt"] + "\n") == (system, text)
    for secret in never_sent:
        assert secret not in shown.stdout + sent.stdout + sent.stderr


def test_the_echo_models_draft_is_refused_and_nothing_is_written(
        workspace_path: Path, methodology_folder: Path) -> None:
    notes = workspace_path.parent / "notes.txt"
    notes.write_text("Budget freeze less likely now.\n", encoding="utf-8")
    with Workspace.open(workspace_path) as ws:
        before = ws.get(Plan, PLAN).revision
    done = kam(workspace_path, "plan", "draft", PLAN, "risks", "--from", str(notes), "--apply",
               folder=methodology_folder)
    assert done.returncode == 1
    assert "the draft of model 'echo' fails the schema of section 'risks'; nothing was " \
           "saved" in done.stderr
    assert "Traceback" not in done.stderr
    with Workspace.open(workspace_path) as ws:
        assert ws.get(Plan, PLAN).revision == before
    shown = kam(workspace_path, "plan", "draft", PLAN, "risks", "--from", str(notes),
                "--show-prompt", folder=methodology_folder)
    assert shown.returncode == 0 and "Budget freeze less likely now." in shown.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("plan", "summarize", PLAN, "--model", "gpt-4o-mini"),
     "--model: model 'gpt-4o-mini' is not allowed to receive customer data (allowed: echo)"),
    (("plan", "summarize", PLAN, "--model", "ecko"), "no llm model named 'ecko'"),
    (("plan", "summarize", "helios-nope"), "no plan named 'helios-nope'"),
    (("plan", "summarize", PLAN, "--since", "review:3"), "--since:"),
    (("plan", "draft", PLAN, "risks", "--from", "missing.txt"), "missing.txt: no such file"),
    (("plan", "draft", PLAN, "risk", "--from", "-"),
     "no section of kt-private named 'risk'; did you mean risks?"),
    (("review", "brief", PLAN, "--model", "gpt-4o"), "is not allowed to receive customer"),
    (("stakeholder", "extract", "helios", "--from", "notes.txt", "--apply", "--json"),
     "--apply asks about each proposal"),
    (("stakeholder", "extract", "helios", "--from", "-", "--apply"),
     "not with --json, --show-prompt or --from -"),
])
def test_bad_input_is_a_clear_error_with_exit_2(
        workspace_path: Path, methodology_folder: Path, args: tuple[str, ...],
        message: str) -> None:
    done = subprocess.run(
        [str(KAM), *args], input="some notes\n", capture_output=True, text=True, timeout=120,
        cwd=workspace_path.parent,
        env={**{k: v for k, v in os.environ.items() if k != "KAMCORE_LOAD_PLUGINS"},
             "KAM_WORKSPACE": str(workspace_path),
             "KAMCORE_METHODOLOGY_PATH": str(methodology_folder)})
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_new_user_summarizes_and_drafts_the_demo_with_the_echo_model(tmp_path: Path) -> None:
    demo = tmp_path / "kam-demo.db"
    built = kam(demo, "demo")
    assert built.returncode == 0, built.stderr
    summary = kam(demo, "plan", "summarize", "helios-sama7", "--show-prompt")
    assert summary.returncode == 0, summary.stderr
    assert "Account: Helios Energy" in summary.stdout and "Findings now:" in summary.stdout
    notes = tmp_path / "notes.txt"
    notes.write_text("New initiative: pricing workshop with Chris in January.\n", "utf-8")
    draft = kam(demo, "plan", "draft", "helios-sama7", "value_plan", "--from", str(notes),
                "--show-prompt")
    assert draft.returncode == 0, draft.stderr
    assert "JSON Schema of the answer:" in draft.stdout
    assert "New initiative: pricing workshop" in draft.stdout


def test_loading_the_plugin_imports_no_model_library() -> None:
    code = ("import sys, kamcore_llm, kamcore_llm.commands; "
            "print(sorted(m for m in ('llm', 'jsonschema', 'sqlalchemy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

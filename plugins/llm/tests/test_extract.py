"""``kam stakeholder extract``: proposals read from the model's structured answer, refused when
they do not fit, and applied one by one, only those confirmed, through the operations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from kamcore_llm.asking import ModelOutputRefused
from kamcore_llm.extraction import apply_proposal, extract
from kamcore_llm.settings import ModelSettings

from kamcore.model import Relationship, Stakeholder
from kamcore.operations import Actor
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

if TYPE_CHECKING:
    from conftest import CannedModel

ALLOWED = ModelSettings("echo", ("echo", "canned"))
NOTES = "Chris said Dana Ops (new COO) now runs the plants; Pat reports to Dana and is keen."
PROPOSALS = {"proposals": [
    {"change": "add", "name": "Dana Ops", "title": "COO", "evidence": "Dana Ops (new COO)"},
    {"change": "update", "stakeholder_id": "helios.pat", "name": "Pat Plant", "support": 2,
     "reports_to": "helios.chris", "evidence": "Pat ... is keen"},
]}


def test_proposals_are_read_and_the_prompt_lists_known_people_without_private_fields(
        workspace: Workspace, registry: Registry, canned: CannedModel,
        never_sent: tuple[str, ...]) -> None:
    canned.answers.append(json.dumps(PROPOSALS))
    found = extract(workspace, "helios", NOTES, model="canned", settings=ALLOWED,
                    registry=registry)
    assert [p.describe() for p in found.proposals] == [
        'add Dana Ops: title COO -- "Dana Ops (new COO)"',
        'update Pat Plant (helios.pat): support 2, reports to helios.chris -- "Pat ... is keen"',
    ]
    [received] = canned.received
    assert "- id helios.chris; Chris Finance; title CFO; roles economic_buyer; influence 5; " \
           "support +1; last contact" in received.prompt
    assert NOTES in received.prompt and received.schema["required"] == ["proposals"]
    for secret in never_sent:
        assert secret not in received.prompt
    assert workspace.count(Stakeholder) == 2  # nothing applied by extracting


@pytest.mark.parametrize(("answer", "problem"), [
    ({"proposals": [{"change": "merge", "name": "X", "evidence": "x"}]},
     "at proposals[0].change: 'merge' is not one of ['add', 'update']"),
    ({"proposals": [{"change": "update", "stakeholder_id": "helios.nobody", "name": "N",
                     "evidence": "n"}]},
     "at proposals[0].stakeholder_id: no known stakeholder 'helios.nobody' to update"),
    ({"proposals": [{"change": "add", "name": "N", "reports_to": "Dana", "evidence": "n"}]},
     "at proposals[0].reports_to: no known stakeholder 'Dana' to report to"),
])
def test_proposals_that_do_not_fit_are_refused(
        workspace: Workspace, registry: Registry, canned: CannedModel,
        answer: dict[str, object], problem: str) -> None:
    canned.answers.append(json.dumps(answer))
    with pytest.raises(ModelOutputRefused) as refused:
        extract(workspace, "helios", NOTES, model="canned", settings=ALLOWED,
                registry=registry)
    assert problem in str(refused.value)


def test_a_proposal_is_applied_on_its_own_through_the_operations(
        workspace: Workspace, registry: Registry, canned: CannedModel) -> None:
    canned.answers.append(json.dumps(PROPOSALS))
    found = extract(workspace, "helios", NOTES, model="canned", settings=ALLOWED,
                    registry=registry)
    pat = apply_proposal(workspace, Actor("ann"), "helios", found.proposals[1])
    assert pat.support == 2 and pat.revision == 2
    [line] = [r for r in workspace.iter(Relationship, account_id="helios")]
    assert (line.source_id, line.type, line.target_id) == ("helios.pat", "reports_to",
                                                           "helios.chris")
    assert workspace.find(Stakeholder, "helios.dana-ops") is None


def test_the_command_asks_about_each_proposal_and_applies_only_those_confirmed(
        workspace_path: Path, canned: CannedModel, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], methodology_folder: Path) -> None:
    from kamcore.cli import run

    notes = workspace_path.parent / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    canned.answers.append(json.dumps(PROPOSALS))
    monkeypatch.setenv("KAM_LLM_ALLOWED_MODELS", "canned")
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("y\nn\n"))
    code = run(["-w", str(workspace_path), "--user", "ann", "stakeholder", "extract", "helios",
                "--from", str(notes), "--model", "canned", "--apply"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "1. add Dana Ops: title COO" in out and "apply 1? [y/N]" in out
    assert "1 applied: stakeholder helios.dana-ops (revision 1)" in out
    assert "2 applied" not in out
    with Workspace.open(workspace_path) as ws:
        assert ws.get(Stakeholder, "helios.dana-ops").title == "COO"
        assert ws.get(Stakeholder, "helios.pat").support is None
        assert ws.history(Stakeholder, "helios.dana-ops")[0].saved_by == "ann"

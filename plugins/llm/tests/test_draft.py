"""``kam plan draft`` as a function: the model's answer is checked against the section's
schema, refused with located problems when it fails, saved only with ``apply``, and then
recorded in the history as drafted with that model; private parts are neither sent nor lost."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from kamcore_llm.asking import ModelOutputRefused
from kamcore_llm.drafting import draft_section
from kamcore_llm.settings import ModelSettings

from kamcore.errors import InvalidInputError
from kamcore.model import Plan
from kamcore.operations import Actor
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

if TYPE_CHECKING:
    from conftest import CannedModel

ALLOWED = ModelSettings("echo", ("echo", "canned"))
PLAN = "helios-kt-private"
ANN = Actor("ann")
NOTES = "Met Chris. Budget freeze is likely but smaller impact now; mitigation: phase the rollout."
DRAFT = {"items": [{"title": "Budget freeze", "likelihood": 4, "impact": 3,
                    "mitigation": "Phase the rollout"}]}


def _draft(workspace: Workspace, registry: Registry, section: str = "risks",
           **options: Any) -> Any:
    return draft_section(workspace, ANN, PLAN, section, NOTES, model="canned",
                         settings=ALLOWED, registry=registry, **options)


def _revisions(workspace: Workspace) -> list[int]:
    return [info.revision for info in workspace.history(Plan, PLAN)]


def test_a_valid_draft_is_shown_in_words_and_nothing_is_written_without_apply(
        workspace: Workspace, registry: Registry, canned: CannedModel) -> None:
    before = _revisions(workspace)
    canned.answers.append(json.dumps(DRAFT))
    done = _draft(workspace, registry)
    assert done.saved is None and _revisions(workspace) == before
    texts = [change.text for change in done.changes]
    assert 'risk "Budget freeze": impact 5 -> 3' in texts
    assert 'risk "Budget freeze": mitigation none -> "Phase the rollout"' in texts
    [received] = canned.received
    assert NOTES in received.prompt and "Section: risks (Risks)" in received.prompt


def test_apply_saves_a_revision_recorded_as_drafted_with_the_model(
        workspace: Workspace, registry: Registry, canned: CannedModel) -> None:
    canned.answers.append(json.dumps(DRAFT))
    done = _draft(workspace, registry, apply=True)
    assert done.saved is not None
    last = workspace.history(Plan, PLAN)[-1]
    assert last.revision == done.saved.revision
    assert last.saved_by == "ann (drafted with model canned)"
    saved = workspace.get(Plan, PLAN).sections["risks"]["items"][0]
    assert saved["impact"] == 3 and saved["mitigation"] == "Phase the rollout"


def test_private_parts_are_not_sent_and_survive_the_draft(
        workspace: Workspace, registry: Registry, canned: CannedModel,
        never_sent: tuple[str, ...]) -> None:
    made_up = {"items": [{**DRAFT["items"][0], "internal_note": "made up by the model"}]}
    canned.answers.append(json.dumps(made_up))
    _draft(workspace, registry, apply=True)
    [received] = canned.received
    for secret in never_sent:
        assert secret not in received.prompt + (received.system or "")
        assert secret not in json.dumps(received.schema)
    kept = workspace.get(Plan, PLAN).sections["risks"]["items"][0]["internal_note"]
    assert kept == "PRIVATE-our-margin-is-12-percent"


def test_the_schema_sent_is_self_contained(
        workspace: Workspace, registry: Registry, canned: CannedModel) -> None:
    canned.answers.append(json.dumps([{"id": "a1", "title": "Pricing workshop",
                                       "status": "done"}]))
    done = _draft(workspace, registry, section="actions")
    schema = canned.received[0].schema
    assert "$ref" not in json.dumps(schema)
    assert schema["items"]["properties"]["status"]["enum"] == [
        "open", "in_progress", "done", "blocked", "cancelled"]
    assert 'action "Pricing workshop" done (was open)' in [c.text for c in done.changes]


@pytest.mark.parametrize(("answer", "problem"), [
    (json.dumps({"items": [{"title": "Budget freeze", "likelihood": 9, "impact": 3}]}),
     "at sections.risks.items[0].likelihood: 9 is greater than the maximum of 5"),
    (json.dumps({"risks": []}), "'items' is a required property"),
    ("Sure! Here is the draft: {", "is not JSON (line 1, column 1"),
])
def test_a_draft_that_fails_the_schema_is_refused_and_nothing_is_saved(
        workspace: Workspace, registry: Registry, canned: CannedModel, answer: str,
        problem: str) -> None:
    before = workspace.get(Plan, PLAN)
    canned.answers.append(answer)
    with pytest.raises(ModelOutputRefused) as refused:
        _draft(workspace, registry, apply=True)
    assert problem in str(refused.value)
    assert refused.value.exit_code == 1
    assert workspace.get(Plan, PLAN) == before


def test_a_fenced_json_answer_is_read(workspace: Workspace, registry: Registry,
                                      canned: CannedModel) -> None:
    canned.answers.append("```json\n" + json.dumps(DRAFT) + "\n```")
    [item] = _draft(workspace, registry).data["items"]
    assert item == {**DRAFT["items"][0], "internal_note": "PRIVATE-our-margin-is-12-percent"}


def test_a_private_section_is_never_drafted(
        workspace: Workspace, registry: Registry, canned: CannedModel) -> None:
    with pytest.raises(InvalidInputError, match="section 'notes' of kt-private is private"):
        _draft(workspace, registry, section="notes")
    with pytest.raises(InvalidInputError, match="notes are empty"):
        draft_section(workspace, ANN, PLAN, "risks", "  \n", model="canned",
                      settings=ALLOWED, registry=registry)
    with pytest.raises(InvalidInputError, match="--apply and --show-prompt"):
        _draft(workspace, registry, apply=True, show_only=True)
    assert canned.received == []


def test_a_plan_changed_meanwhile_is_not_overwritten(
        workspace: Workspace, registry: Registry, canned: CannedModel) -> None:
    from kamcore.errors import ConflictError
    from kamcore.operations import set_section

    canned.answers.append(json.dumps(DRAFT))
    original = canned.execute

    def execute_after_a_change(*args: Any, **kwargs: Any) -> Any:
        set_section(workspace, Actor("bo"), PLAN, "risks", {"items": []}, registry=registry)
        return original(*args, **kwargs)

    canned.execute = execute_after_a_change  # type: ignore[method-assign]
    with pytest.raises(ConflictError):
        _draft(workspace, registry, apply=True)
    assert workspace.get(Plan, PLAN).sections["risks"] == {"items": []}

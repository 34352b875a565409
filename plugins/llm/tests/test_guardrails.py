"""The guardrails: what a prompt holds (the facts, in words) and never holds (private parts,
e-mail addresses, keys); the model allowlist; --show-prompt sends nothing and shows exactly
what is sent."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from kamcore_llm.brief import brief, brief_prompt
from kamcore_llm.settings import ModelSettings
from kamcore_llm.summary import summarize, summary_prompt

from kamcore.errors import InvalidInputError, NotFoundError
from kamcore.operations import Actor, edit_stakeholder
from kamcore.operations.settings import set_setting
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

if TYPE_CHECKING:
    from conftest import CannedModel

ALLOWED = ModelSettings("echo", ("echo", "canned"))
PLAN = "helios-kt-private"


def test_the_summary_prompt_holds_the_changes_and_findings_in_words(
        workspace: Workspace, registry: Registry) -> None:
    prompt = summary_prompt(workspace, PLAN, registry=registry)
    assert "Account: Helios Energy (Utilities)" in prompt.text
    assert "Changes since revision 1" in prompt.text
    assert 'action "Pricing workshop" added (owner Jo, due' in prompt.text
    assert "now overdue" in prompt.text
    assert "Budget freeze" in prompt.text
    assert "warning: Chris Finance (CFO) not contacted for 200 days" in prompt.text
    assert prompt.system.startswith("You help a key-account team")


def test_private_parts_emails_and_keys_never_reach_a_prompt(
        workspace: Workspace, registry: Registry, never_sent: tuple[str, ...]) -> None:
    edit_stakeholder(workspace, Actor("ann"), "helios.chris",
                     {"email": "chris.new@helios.example", "title": "Group CFO"})
    for prompt in (summary_prompt(workspace, PLAN, registry=registry),
                   summary_prompt(workspace, PLAN, since="2", registry=registry),
                   brief_prompt(workspace, PLAN, registry=registry)):
        sent = prompt.system + prompt.text
        for secret in never_sent:
            assert secret not in sent
        assert "sections.notes" not in sent and "chris.new@" not in sent
    assert '"CFO" -> "Group CFO"' in summary_prompt(workspace, PLAN, registry=registry).text


def test_what_is_sent_is_exactly_what_show_prompt_shows(
        workspace: Workspace, registry: Registry, canned: CannedModel) -> None:
    canned.answers.append("Helios added a budget-freeze risk; the pricing workshop is late.")
    shown = summarize(workspace, PLAN, model="canned", show_only=True, settings=ALLOWED,
                      registry=registry)
    assert shown.answer is None and canned.received == []
    sent = summarize(workspace, PLAN, model="canned", settings=ALLOWED, registry=registry)
    assert sent.answer == "Helios added a budget-freeze risk; the pricing workshop is late."
    [received] = canned.received
    assert (received.system, received.prompt) == (shown.prompt.system, shown.prompt.text)


def test_a_model_not_on_the_allowlist_is_refused_before_anything_is_sent(
        workspace: Workspace, registry: Registry, canned: CannedModel) -> None:
    with pytest.raises(InvalidInputError, match="'canned' is not allowed to receive customer "
                                                "data \\(allowed: echo\\)"):
        summarize(workspace, PLAN, model="canned", registry=registry)
    assert canned.received == []


def test_the_allowlist_and_default_model_come_from_the_workspace_and_environment(
        workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ModelSettings.of(workspace) == ModelSettings("echo", ("echo",))
    monkeypatch.setenv("KAM_LLM_ALLOWED_MODELS", " canned, gpt-4o ,")
    assert ModelSettings.of(workspace) == ModelSettings("echo", ("canned", "gpt-4o"))
    set_setting(workspace, "llm.model", "canned")
    set_setting(workspace, "llm.allowed_models", "canned")
    settings = ModelSettings.of(workspace)
    assert settings == ModelSettings("canned", ("canned",))  # the workspace's list governs
    assert settings.chosen(None) == "canned" and settings.chosen("gpt-4o") == "gpt-4o"
    monkeypatch.setenv("KAM_LLM_MODEL", "gpt-4o")
    assert ModelSettings.of(workspace).default == "gpt-4o"
    set_setting(workspace, "llm.allowed_models", "")
    with pytest.raises(InvalidInputError, match="allowed: none"):
        ModelSettings.of(workspace).refuse_unless_allowed("echo", "echo")
    set_setting(workspace, "llm.allowed_models", None)
    assert ModelSettings.of(workspace).allowed == ("canned", "gpt-4o")


def test_an_unknown_model_is_named_with_the_closest_ones(
        workspace: Workspace, registry: Registry) -> None:
    with pytest.raises(NotFoundError, match="no llm model named 'ecko'; did you mean echo"):
        summarize(workspace, PLAN, model="ecko", settings=ALLOWED, registry=registry)


def test_the_echo_model_receives_the_prompt_offline(
        workspace: Workspace, registry: Registry) -> None:
    import json

    asked = summarize(workspace, PLAN, settings=ALLOWED, registry=registry)
    assert asked.model == "echo" and asked.answer is not None
    echoed = json.loads(asked.answer)
    assert echoed["prompt"] == asked.prompt.text and echoed["system"] == asked.prompt.system


def test_the_brief_names_quiet_contacts_overdue_actions_and_the_gate(
        workspace: Workspace, registry: Registry, canned: CannedModel) -> None:
    canned.answers.append("# Brief")
    asked = brief(workspace, PLAN, model="canned", settings=ALLOWED, registry=registry)
    text = canned.received[0].prompt
    assert asked.answer == "# Brief"
    quiet = text.split("Contacts gone quiet:")[1].split("\n\n")[0]
    assert "Chris Finance (CFO) not contacted for 200 days" in quiet
    actions = text.split("Open actions:")[1].split("\n\n")[0]
    assert '"Pricing workshop" (open, owner Jo, OVERDUE since' in actions
    assert 'the gate of step "Analyse the account" is met' in text
    assert "Scores:\n- not scored" in text
    assert "Questions to ask the customer" in text

"""The ``kam_prompts`` hook: a house plugin replaces or extends the plugin's prompt templates,
for every methodology or for one (and those derived from it); a malformed contribution is
reported against its plugin and skipped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamcore_llm.prompts import DEFAULTS, Template, template_for
from kamcore_llm.summary import summary_prompt

from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

if TYPE_CHECKING:
    from conftest import House

PLAN = "helios-kt-private"


def test_a_house_plugin_replaces_and_extends_the_templates(
        workspace: Workspace, registry: Registry, house: House) -> None:
    house.prompts[:] = [
        {"task": "summarize", "system": "You are Helios' house assistant."},
        {"task": "summarize", "methodology": "kt-private",
         "instructions": "Summarise for the CRO in three bullet points."},
        {"task": "summarize", "extra": "Use British spelling."},
        {"task": "summarize", "methodology": "sama7", "instructions": "Not for this plan."},
        {"task": "brief", "system": "Not for summaries."},
    ]
    prompt = summary_prompt(workspace, PLAN, registry=registry)
    assert prompt.system == "You are Helios' house assistant."
    assert prompt.text.startswith("Summarise for the CRO in three bullet points.\n\n"
                                  "Use British spelling.\n\nAccount: Helios Energy")
    assert "Not for this plan" not in prompt.text


def test_the_template_of_the_nearest_methodology_wins() -> None:
    contributions = [
        {"task": "draft", "methodology": "sama7", "instructions": "base"},
        {"task": "draft", "methodology": "house-sama7", "instructions": "house"},
        {"task": "draft", "instructions": "everyone"},
    ]
    lineage = ("house-sama7", "sama7")
    assert template_for("draft", lineage, contributions).instructions == "house"
    assert template_for("draft", ("sama7",), contributions).instructions == "base"
    assert template_for("draft", ("medpicc",), contributions).instructions == "everyone"
    assert template_for("extract", lineage, contributions) == DEFAULTS["extract"]
    assert isinstance(DEFAULTS["extract"], Template)


def test_a_malformed_contribution_is_reported_and_skipped(
        workspace: Workspace, registry: Registry, house: House) -> None:
    house.prompts[:] = [
        {"task": "summarise", "system": "typo in the task"},
        {"task": "summarize", "sytem": "typo in a key"},
        {"task": "summarize", "extra": ""},
        "not a mapping",
        {"task": "summarize", "extra": "Kept."},
    ]
    prompt = summary_prompt(workspace, PLAN, registry=registry)
    assert "Kept." in prompt.text and "typo" not in prompt.system + prompt.text
    errors = registry.host.plugins["house"].errors
    assert any("task 'summarise' is not one of summarize, brief, draft, extract" in e
               for e in errors)
    assert any("unknown keys ['sytem']" in e for e in errors)
    assert any("every value must be non-empty text" in e for e in errors)
    assert any("returned 'not a mapping', not a mapping" in e for e in errors)

"""The private marks, read from the schema: what is removed before wording, what is put back
into a draft, which finding paths reach a private part, and the schema a model fills."""

from __future__ import annotations

from typing import Any

from kamcore_llm.facts import reaches_private
from kamcore_llm.privacy import redacted, redacted_stakeholder, with_private_kept
from kamcore_llm.schema import model_schema

from kamcore.model import MethodologyRef, Plan, Stakeholder
from kamcore.plugin.registry import Registry

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["items", "owner_margin"],
    "properties": {
        "owner_margin": {"type": "number", "x-kam-private": True},
        "items": {"type": "array", "items": {
            "type": "object", "required": ["title", "secret"],
            "properties": {"title": {"type": "string"},
                           "secret": {"type": "string", "x-kam-private": True}},
        }},
        "people": {"type": "object", "additionalProperties": {"type": "string",
                                                                "x-kam-private": True}},
    },
}


def test_the_schema_a_model_fills_has_no_private_property() -> None:
    made = model_schema(SCHEMA)
    assert made["required"] == ["items"]
    assert "owner_margin" not in made["properties"]
    assert made["properties"]["items"]["items"]["required"] == ["title"]
    assert model_schema({"$ref": "urn:kamcore:shape:risk"})["required"] == [
        "title", "likelihood", "impact"]


def test_a_draft_keeps_the_private_values_and_drops_made_up_ones() -> None:
    old = {"owner_margin": 12, "items": [{"id": "x", "title": "A", "secret": "s-a"},
                                          {"id": "y", "title": "B", "secret": "s-b"}]}
    new = {"owner_margin": 99, "items": [{"id": "y", "title": "B2"},
                                          {"id": "z", "title": "C", "secret": "made up"}]}
    assert with_private_kept(new, old, SCHEMA) == {
        "owner_margin": 12, "items": [{"id": "y", "title": "B2", "secret": "s-b"},
                                      {"id": "z", "title": "C"}]}


def test_a_plan_and_a_stakeholder_lose_their_private_parts(registry: Registry) -> None:
    methodology = registry.methodology("kt-private")
    plan = Plan(id="p", account_id="a", methodology=MethodologyRef(name="kt-private",
                                                                   version="1.0"),
                step="analyse", sections={
                    "notes": {"text": "private"}, "unknown": {"x": 1},
                    "risks": {"items": [{"title": "T", "likelihood": 1, "impact": 1,
                                         "internal_note": "n"}]}})
    assert redacted(plan, methodology).sections == {
        "risks": {"items": [{"title": "T", "likelihood": 1, "impact": 1}]}}
    person = Stakeholder(id="a.b", account_id="a", name="B", email="b@example.com",
                         external_ids={"salesforce": "003X"}, title="CFO")
    clean = redacted_stakeholder(person)
    assert (clean.email, clean.external_ids, clean.title) == (None, {}, "CFO")


def test_finding_paths_into_private_parts_are_recognised(registry: Registry) -> None:
    methodology = registry.methodology("kt-private")
    assert reaches_private("sections.notes.text", methodology)
    assert reaches_private("sections.risks.items[0].internal_note", methodology)
    assert reaches_private("sections.elsewhere", methodology)
    assert not reaches_private("sections.risks.items[0].title", methodology)
    assert not reaches_private("sections.actions[0].due", methodology)
    assert not reaches_private(None, methodology)

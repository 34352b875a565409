"""The one recogniser of section shapes (:mod:`kamcore.shapes`): its documented rule set, and
that its two views -- raw items by path, validated core models -- rest on one classification."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from kamcore.documents import parse_document
from kamcore.methodology import Methodology, build_methodology
from kamcore.model import MethodologyRef, Plan
from kamcore.shapes import (
    ShapeName,
    classify,
    find_items,
    format_path,
    iter_sections,
    schema_hints,
    shape_at,
    shaped_items,
)


def _methodology() -> Methodology:
    document = {
        "name": "kt-shapes", "version": "1", "title": "Shapes", "description": "Shapes.",
        "steps": [{"key": "run", "title": "Run", "sections": ["plays", "notes"]}],
        "sections": [
            {"key": "plays", "title": "Plays", "schema": {
                "type": "array", "items": {"type": "object", "properties": {
                    "moves": {"type": "array",
                              "items": {"allOf": [{"$ref": "urn:kamcore:shape:action"}]}}}}}},
            {"key": "notes", "title": "Notes", "schema": {"type": "object"}},
        ],
    }
    return build_methodology(parse_document(json.dumps(document), "kt-shapes.json"))


def _plan(sections: dict[str, Any]) -> Plan:
    return Plan(id="p1", account_id="acme", methodology=MethodologyRef(name="kt-shapes",
                                                                       version="1"),
                step="run", sections=sections)


@pytest.mark.parametrize("items, name, shape", [
    # 2a-2d: the unmistakable keys, in this order
    ([{"business_unit": "A", "product_line": "B", "state": "owned", "owner": "Jo"}], None,
     "whitespace_cell"),
    ([{"id": "o1", "title": "T", "owner": "Jo", "customer_signoff": {}}], None, "objective"),
    ([{"name": "Kim", "title": "CFO", "influence": 4, "owner": "Jo"}], None,
     "stakeholder_entry"),
    ([{"stakeholder_id": "acme.kim", "support": 1}], None, "stakeholder_entry"),
    ([{"title": "Budget", "likelihood": 2, "impact": 3, "owner": "Jo"}], None, "risk"),
    # 2e/2f: an action's own keys against an objective's own keys
    ([{"title": "Call", "objective": "o1"}, {"title": "Visit"}], None, "action"),
    ([{"id": "g1", "title": "Grow", "measure": "share"}], None, "objective"),
    ([{"id": "g1", "title": "Grow", "measure": "share", "owner": "Jo"}], None, None),
    ([{"owner": "Jo"}], None, None),  # an action needs a title
    # 3: the list's name decides when the keys do not
    ([{"title": "Call"}], "next_steps", "action"),
    ([{"title": "Call"}], "gap-actions", "action"),
    ([{"title": "Call"}], "transactions", None),  # a word, not a substring
    ([{"title": "Call"}, {"due": "2026-01-01"}], "tasks", None),  # every item needs a title
    ([{"id": "g1", "title": "Grow", "measure": "share", "owner": "Jo"}], "goals", "objective"),
    ([{"title": "Grow"}], "goals", None),  # an objective needs an id
    ([{"title": "x"}], None, None),
])
def test_rule_set(items: list[dict[str, Any]], name: str | None,
                  shape: ShapeName | None) -> None:
    assert classify(items, name=name) == shape


def test_schema_hint_wins_over_keys_and_follows_list_items() -> None:
    methodology = _methodology()
    hints = schema_hints(methodology)
    assert hints == {("sections", "plays", -1, "moves"): "action"}
    moves = [{"title": "Grow", "measure": "share"}]  # an objective by its keys
    assert classify(moves) == "objective"
    assert shape_at(("sections", "plays", 3, "moves"), moves, hints) == "action"
    assert shape_at(("sections", "plays", 3, "moves"), moves, {}) == "objective"


def test_lists_inside_unrecognised_lists_are_found_and_recognised_items_are_whole() -> None:
    plan = _plan({
        "plays": [{"name": "Land", "moves": [
            {"title": "Pilot", "owner": "Jo", "due": "2026-01-01"},
            {"title": "Bad", "status": "someday"}]}],
        "objectives": [{"id": "o1", "title": "Grow", "customer_signoff": None,
                        "actions": [{"title": "Inside an objective", "owner": "Jo"}]}],
    })
    found = [(s.shape, s.location) for s in shaped_items(plan, _methodology())]
    assert found == [("action", "sections.plays[0].moves[0]"),
                     ("action", "sections.plays[0].moves[1]"),
                     ("objective", "sections.objectives[0]")]
    assert format_path(("sections", "plays", 0, "moves")) == "sections.plays[0].moves"
    # the validated view: the same lists; an item that does not validate is left out alone
    items = find_items(plan, _methodology())
    assert [(a.location, a.section, a.model.title) for a in items.actions] == [
        ("sections.plays[0].moves[0]", "plays", "Pilot")]
    assert items.actions[0].item["due"] == "2026-01-01"
    assert [a.model.title for a in items.overdue_actions(date(2026, 6, 1))] == ["Pilot"]
    assert [o.model.id for o in items.objectives] == ["o1"]


def test_stakeholder_entries_validate_their_ratings() -> None:
    plan = _plan({"map": [
        {"stakeholder_id": "acme.a", "influence": 5, "support": 1},
        {"name": "B", "influence": True},  # not a number
        {"name": "C", "support": 3},  # out of range
        {"name": "D", "influence": "4"},  # text, not a number
        {"name": "E", "title": "COO", "support": -2, "note": "kept in the raw item"},
    ]})
    assert [s.index for s in shaped_items(plan, None, ("stakeholder_entry",))] == [0, 1, 2, 3, 4]
    people = find_items(plan).people
    assert [(p.model.stakeholder_id or p.model.name, p.index) for p in people] == [
        ("acme.a", 0), ("E", 4)]
    assert people[1].item["note"] == "kept in the raw item"


def test_sections_in_the_methodology_order_then_the_others() -> None:
    plan = _plan({"extra_notes": {"a": 1}, "notes": {"b": 2}})
    assert [(k, t) for k, t, _ in iter_sections(plan, _methodology())] == [
        ("plays", "Plays"), ("notes", "Notes"), ("extra_notes", "Extra notes")]
    assert [k for k, _, _ in iter_sections(plan, None)] == ["extra_notes", "notes"]

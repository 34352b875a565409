"""Plan sections of a partial (CRM) plan merged into the stored ones by an import."""

from __future__ import annotations

from kamcore.importing import merge_sections


def test_objects_merge_key_by_key_and_lists_item_by_item() -> None:
    stored = {"summary": {"text": "old", "asks": ["a"]},
              "objectives": [{"id": "o1", "title": "One", "signoff": {"name": "CFO"},
                              "measures": [{"name": "m", "unit": "%", "current": 1}]},
                             {"id": "o2", "title": "Two"}]}
    patch = {"summary": {"text": "new"},
             "objectives": [{"id": "o3", "title": "Three"},
                            {"id": "o1", "title": "One!", "measures": [{"name": "m",
                                                                       "current": 2}]}]}
    assert merge_sections(stored, patch) == {
        "summary": {"text": "new", "asks": ["a"]},
        "objectives": [{"id": "o1", "title": "One!", "signoff": {"name": "CFO"},
                        "measures": [{"name": "m", "unit": "%", "current": 2}]},
                       {"id": "o2", "title": "Two"}, {"id": "o3", "title": "Three"}]}


def test_other_values_are_the_patches() -> None:
    assert merge_sections({"threats": ["a", "b"]}, {"threats": ["c"]}) == {"threats": ["c"]}
    assert merge_sections([{"id": "x"}, {"title": "no id"}], [{"id": "y"}]) == [{"id": "y"}]
    assert merge_sections({"a": 1}, ["list"]) == ["list"]

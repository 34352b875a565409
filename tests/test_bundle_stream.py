"""A JSON bundle read one record at a time (``kamcore.jsonstream``) gives what the whole-document
parse gives, and locates every refusal at the same file, line and field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kamcore.builtin.bundle import records_in_json, records_of
from kamcore.documents import parse_document
from kamcore.errors import InvalidInputError


def bundle(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "kamcore-bundle", "format_version": 2,
        "account": {"id": "acme", "name": "Acme"},
        "stakeholders": [{"id": f"acme.p{i}", "account_id": "acme", "name": f"P {i}"}
                         for i in range(3)],
        "relationships": [], "opportunities": [], "reviews": [], "score_cards": [],
    }
    data.update(changes)
    return data


def refusal(text: str) -> str:
    with pytest.raises(InvalidInputError) as caught:
        list(records_in_json(text, "b.json"))
    return str(caught.value)


@pytest.mark.parametrize("indent", [None, 2])
def test_streamed_records_are_the_parsed_records(indent: int | None) -> None:
    text = json.dumps(bundle(plan=None), indent=indent, sort_keys=True)
    streamed = [r.model_dump() for r in records_in_json(text, "b.json")]
    parsed = [r.model_dump() for r in records_of(parse_document(text, "b.json"))]
    assert streamed == parsed and len(streamed) == 4


@pytest.mark.parametrize("indent", [None, 2])
def test_a_bad_field_is_located_as_the_parse_locates_it(indent: int | None) -> None:
    data = bundle()
    data["stakeholders"][2]["influence"] = 9
    text = json.dumps(data, indent=indent, sort_keys=True)

    with pytest.raises(InvalidInputError) as parsed:
        list(records_of(parse_document(text, "b.json")))
    assert refusal(text) == str(parsed.value)
    assert "stakeholders[2].influence" in str(parsed.value)


def test_a_key_given_twice_inside_a_record_is_refused_at_its_line() -> None:
    text = json.dumps(bundle(), indent=2).replace('"name": "P 1"', '"name": "P 1", "name": "x"')
    line = next(n for n, t in enumerate(text.splitlines(), 1) if '"name": "x"' in t)
    assert f"b.json:{line}:" in refusal(text) and "duplicate key 'name'" in refusal(text)


def test_a_top_level_key_given_twice_is_refused() -> None:
    text = json.dumps(bundle(), indent=2)[:-2] + ',\n  "account": {}\n}'
    assert "duplicate key 'account'" in refusal(text)


def test_invalid_json_is_refused_at_its_line_and_column() -> None:
    text = json.dumps(bundle(), indent=2).replace('"P 2"', '"P 2",,')
    line = next(n for n, t in enumerate(text.splitlines(), 1) if '"P 2"' in t)
    assert f"b.json:{line}:" in refusal(text)


def test_a_record_nested_too_deep_is_refused() -> None:
    data = bundle()
    deep: Any = []
    for _ in range(150):
        deep = [deep]
    data["stakeholders"][1]["attributes"] = {"x": deep}
    assert "levels deep" in refusal(json.dumps(data, indent=2))


def test_a_list_that_is_not_one_and_extra_data_are_refused() -> None:
    assert "must be a list" in refusal(json.dumps(bundle(reviews={})))
    assert "extra data after the object" in refusal(json.dumps(bundle()) + " []")
    assert "not a kamcore bundle" in refusal('{"accounts": []}')


def test_a_json_document_is_decoded_fast_and_located_when_needed() -> None:
    text = json.dumps({"a": [{"b": 1}, {"c": [1, 2]}]}, indent=2)
    doc = parse_document(text, "d.json")
    assert doc.positions == {(): (1, 1)}  # the others are found only when a problem needs them
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.strip() == "2")
    assert doc.problem(("a", 1, "c", 1), "m").line == line
    assert doc.every_position()[("a", 0, "b")] == (4, 12)  # `      "b": 1`: the value


def test_a_json_document_the_decoder_refuses_is_located_by_the_parse() -> None:
    with pytest.raises(InvalidInputError, match="duplicate key 'a'") as caught:
        parse_document('{"a": 1,\n "a": 2}', "d.json")
    assert caught.value.problems[0].line == 2
    with pytest.raises(InvalidInputError, match="not valid YAML/JSON"):
        parse_document('{"a": 1}\n{"b": 2}', "d.json")


def test_nan_and_infinity_are_not_json_and_read_as_before() -> None:
    assert parse_document('{"a": NaN, "b": [Infinity]}', "d.json").data == {
        "a": "NaN", "b": ["Infinity"]}

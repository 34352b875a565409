"""Messages in the methodology author's terms (issue 24): each quoted message of the issue, in
its improved wording, with the file and line it is about.

A house variant of ``kt-gated`` (the conftest's methodology: steps analyse/act/review, a gate on
analyse that wants signed-off objectives) is loaded the way ``kam`` loads house files.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from kamcore.documents import load_document, parse_document
from kamcore.errors import InvalidInputError, Problem
from kamcore.methodology import load_methodologies

HEADER = textwrap.dedent("""\
    name: kt-house
    version: "2.0"
    title: House variant
    extends: kt-gated
    """)

PLAIN = textwrap.dedent("""\
    name: kt-plain
    version: "1"
    title: Plain
    steps:
      - key: first
        title: First
        sections: [notes]
    sections:
      - key: notes
        title: Notes
        schema: {type: array}
    """)


@pytest.fixture
def base(methodology_dir: Path) -> Any:
    return load_document(methodology_dir / "kt-gated.yaml")


def problems(text: str, base: Any = None, source: str = "house.yaml") -> list[Problem]:
    """The problems of ``text`` loaded (next to ``base``, if given) as kam loads house files."""
    doc = parse_document(text, source)
    _, errors = load_methodologies([doc] if base is None else [base, doc])
    error = errors[source]
    assert isinstance(error, InvalidInputError)
    return list(error.problems)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_tighten_under_steps_says_how_gates_are_tightened(base: Any) -> None:
    text = HEADER + "steps:\n  tighten:\n    analyse: {required: [risks]}\n"
    [problem] = problems(text, base)
    assert problem.line == line_of(text, "analyse:")  # where the misplaced mapping starts
    assert problem.message == (
        "unknown field 'tighten' (not allowed here): gates are tightened with "
        "steps.update.KEY.gate (a step's gate is replaced whole); 'tighten' is for sections")


def test_a_misspelt_key_gets_did_you_mean_and_valid_fields_are_not_listed() -> None:
    text = PLAIN.replace("schema: {type: array}", "schma: {type: array}")
    found = problems(text)
    unknown = [p for p in found if "schma" in p.message]
    assert [p.message for p in unknown] == [
        "unknown field 'schma' (not allowed here); did you mean 'schema'?"]
    assert unknown[0].line == line_of(text, "schma")
    assert not any("'description', 'key'" in p.message or "were unexpected" in p.message
                   for p in found)


def test_a_python_type_name_names_the_json_schema_types() -> None:
    text = PLAIN.replace("schema: {type: array}", "schema: {type: int}")
    [problem] = problems(text)
    assert problem.line == line_of(text, "type: int")
    assert problem.message == (
        "invalid JSON Schema: 'int' is not a JSON Schema type (did you mean 'integer'?); use "
        "one of array, boolean, integer, null, number, object, string")


def test_errors_in_a_variants_own_example_have_their_line(base: Any) -> None:
    text = HEADER + textwrap.dedent("""\
        example:
          step: analyse
          sections:
            risks: [{title: Churn, likelihood: 7, impact: 2}]
        """)
    [problem] = problems(text, base)
    assert problem.line == line_of(text, "likelihood: 7")
    assert problem.path == ("example", "sections", "risks", 0, "likelihood")
    assert "(in the result of extends)" not in problem.message


def test_a_failed_gate_gives_its_reason_in_yaml_terms(base: Any) -> None:
    text = HEADER + textwrap.dedent("""\
        steps:
          update:
            analyse:
              gate:
                message: at least two objectives, one with a measure
                schema:
                  properties:
                    objectives:
                      minItems: 2
                      contains: {required: [measure]}
        example:
          step: act
          sections:
            objectives:
              - id: o1
                title: Cut warehouse costs by ten percent across every site we serve today
                customer_signoff:
                  {name: Helen Park, title: Chief Operating Officer, date: "2026-01-15"}
        """)
    found = problems(text, base)
    messages = sorted(p.message for p in found)
    gate = "the example must meet the gate of step 'analyse': "
    assert messages == [
        gate + "no item of the list (1 item) matches {required: [measure]}",
        gate + "the list has 1 item; at least 2 needed",
    ]
    assert {p.line for p in found} == {line_of(text, "- id: o1")}
    assert not any("{'" in m or "'id'" in m for m in messages)  # no Python reprs


def test_a_step_left_without_sections_is_a_warning(kam_run, tmp_path: Path,
                                                   method_env: dict[str, str]) -> None:
    house = tmp_path / "kt-house.yaml"
    house.write_text(HEADER + "sections:\n  drop: [actions]\n", encoding="utf-8")
    result = kam_run("methodologies", "check", str(house), env=method_env)
    assert result.code == 0, result
    assert "ok: kt-house 2.0" in result.out
    assert (f"warning: {house}: step 'act' has no section (did extends drop the sections it "
            "had? drop the step too, or give it sections with steps.update)") in result.err


def test_commands_naming_a_methodology_that_failed_to_load_say_why(
        kam_run, tmp_path: Path, method_env: dict[str, str]) -> None:
    folder = tmp_path / "house"
    folder.mkdir()
    house = folder / "kt-house.yaml"
    house.write_text(HEADER, encoding="utf-8")
    (folder / "kt-broken.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    env = {"KAMCORE_METHODOLOGY_PATH": f"{folder}:{method_env['KAMCORE_METHODOLOGY_PATH']}"}
    assert kam_run("init", env=env).code == 0
    assert kam_run("account", "add", "Acme", env=env).code == 0
    created = kam_run("plan", "new", "acme", "--methodology", "kt-house", "--json", env=env)
    assert created.code == 0, created
    plan_id = created.json()["id"]
    house.write_text(HEADER + "steps:\n  tighten: {}\n", encoding="utf-8")  # now broken
    result = kam_run("plan", "check", plan_id, env=env)
    result.assert_usage_error("no methodology named 'kt-house': it failed to load:",
                              f"{house}:6", "unknown field 'tighten'", "steps.update.KEY.gate",
                              "(available: kt-gated)")
    broken = kam_run("methodologies", "show", "kt-broken", env=env)
    broken.assert_usage_error("no methodology named 'kt-broken': it failed to load:",
                              "kt-broken.yaml", "not valid YAML/JSON")
    # a name that never existed still gets the usual suggestions
    kam_run("methodologies", "show", "kt-gatd", env=env).assert_usage_error(
        "did you mean kt-gated?")


def test_methodologies_and_rubrics_show_as_yaml(kam_run, method_env: dict[str, str]) -> None:
    import yaml

    result = kam_run("methodologies", "show", "kt-gated", "--yaml", env=method_env)
    assert result.code == 0, result
    document = yaml.safe_load(result.out)
    assert [s["key"] for s in document["steps"]] == ["analyse", "act", "review"]
    assert document["steps"][0]["gate"]["schema"]["required"] == ["objectives"]
    assert "example:\n  step: act\n" in result.out  # block style, the way authors write it
    rubric = kam_run("rubrics", "show", "account-tiering", "--yaml")
    assert rubric.code == 0, rubric
    assert yaml.safe_load(rubric.out)["name"] == "account-tiering"


def test_a_derived_methodology_shows_resolved(kam_run, tmp_path: Path,
                                              methodology_dir: Path) -> None:
    import yaml

    folder = tmp_path / "house"
    folder.mkdir()
    (folder / "kt-house.yaml").write_text(HEADER + "steps:\n  drop: [review]\n",
                                          encoding="utf-8")
    env = {"KAMCORE_METHODOLOGY_PATH": f"{folder}:{methodology_dir}"}
    result = kam_run("methodologies", "show", "kt-house", "--yaml", env=env)
    assert result.code == 0, result
    document = yaml.safe_load(result.out)
    assert "extends" not in document or document["extends"] == "kt-gated"
    assert [s["key"] for s in document["steps"]] == ["analyse", "act"]
    assert [s["key"] for s in document["sections"]] == ["objectives", "risks", "actions"]


def test_flow_yaml_is_the_same_whether_remembered_or_not() -> None:
    import yaml

    from kamcore.schemas import flow_yaml

    def plain(value: object) -> str:
        return str(yaml.safe_dump(value, default_flow_style=True, width=10_000,
                                  allow_unicode=True, sort_keys=False)).strip() \
            .removesuffix("...").strip()

    for value in ({"required": ["counterpart"]}, [1, 1.0, True, None, "Zoë"],
                  {1: "a"}, (1, 2), {"b": 1, "a": [{"x": "y"}]}, "text", 3):
        assert flow_yaml(value) == plain(value) == flow_yaml(value), value
    assert flow_yaml({1: "a"}) == "{1: a}"  # an int key is not taken for the string '1'

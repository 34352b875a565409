"""Methodologies as data: loading YAML/JSON documents and refusing bad ones precisely."""

from __future__ import annotations

import json
import socket
import textwrap
from pathlib import Path

import pytest

from kamcore.documents import load_document, parse_document
from kamcore.errors import InvalidInputError, Problem
from kamcore.methodology import build_methodology, load_methodologies

MINIMAL = textwrap.dedent("""\
    name: kt-mini
    version: "0.1"
    title: Minimal
    steps:
      - key: first
        title: First
        sections: [notes]
      - key: second
        title: Second
    sections:
      - key: notes
        title: Notes
        schema: {type: array, items: {type: string}}
    """)


def line_of(text: str, needle: str, start: int = 0) -> int:
    """1-based number of the first line at or after ``start`` that contains ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number > start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the document")


def refused(text: str, source: str = "house.yaml") -> InvalidInputError:
    with pytest.raises(InvalidInputError) as info:
        build_methodology(parse_document(text, source))
    assert info.value.problems, str(info.value)
    return info.value


def only_problem(error: InvalidInputError) -> Problem:
    assert len(error.problems) == 1, str(error)
    return error.problems[0]


# -- what loads -------------------------------------------------------------------------------


def test_valid_yaml_loads_steps_sections_gates_and_cadence(gated) -> None:
    assert gated.name == "kt-gated" and gated.version == "1.0"
    assert [s.key for s in gated.steps] == ["analyse", "act", "review"]
    assert gated.first_step.key == "analyse"
    assert gated.step("analyse").sections == ("objectives", "risks")
    assert gated.step("analyse").purpose == "Understand the customer's goals."
    assert [s.key for s in gated.sections] == ["objectives", "risks", "actions"]
    assert gated.roles == ("economic_buyer", "champion", "coach")
    assert gated.settings == {"stale_after_days": 90}
    assert {(c.kind, c.every, c.title) for c in gated.cadence} == {
        ("internal", "1 month", None), ("customer", "3 months", "Quarterly business review")}
    assert gated.lineage == ("kt-gated",) and gated.derives_from("kt-gated")

    gate = gated.step("analyse").gate
    assert gate is not None
    assert gate.message == "every joint objective needs the customer's sign-off"
    assert gated.step("act").gate is None
    # the gate's schema really works: unsigned objectives fail it, signed ones pass
    unsigned = {"objectives": [{"id": "o1", "title": "Grow"}]}
    signed = {"objectives": [{"id": "o1", "title": "Grow",
                              "customer_signoff": {"name": "Ann", "date": "2026-01-02"}}]}
    assert gate.schema.errors(unsigned) == [(("objectives", 0),
                                             "'customer_signoff' is a required property")]
    assert gate.schema.errors(signed) == []
    assert gate.schema.errors({}) != []
    # the section schema uses the core's shapes through urn:kamcore:shape:*
    risks = gated.section("risks").schema
    assert risks.errors([{"title": "Churn", "likelihood": 2, "impact": 5}]) == []
    assert [path for path, _ in risks.errors([{"title": "Churn", "likelihood": 9, "impact": 5}])
            ] == [(0, "likelihood")]


def test_json_document_loads_too(tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "mini.json"
    path.write_text(json.dumps(yaml.safe_load(MINIMAL), indent=2), encoding="utf-8")
    methodology = build_methodology(load_document(path))
    assert [s.key for s in methodology.steps] == ["first", "second"]
    assert methodology.source == str(path)


def test_internal_defs_refs_are_allowed() -> None:
    text = MINIMAL.replace(
        "schema: {type: array, items: {type: string}}",
        'schema: {type: array, items: {$ref: "#/$defs/note"}, '
        '$defs: {note: {type: string, maxLength: 5}}}')
    methodology = build_methodology(parse_document(text, "defs.yaml"))
    assert methodology.section("notes").schema.errors(["short"]) == []
    assert methodology.section("notes").schema.errors(["far too long"]) != []


def test_unquoted_yaml_dates_are_read_as_json_dates() -> None:
    """People write ``date: 2026-01-15`` in YAML; JSON Schema needs the ISO string."""
    text = MINIMAL.replace(
        "schema: {type: array, items: {type: string}}",
        "schema: {type: array, items: {type: string, format: date}}",
    ) + "example:\n  sections:\n    notes: [2026-01-15]\n"
    methodology = build_methodology(parse_document(text, "dates.yaml"))
    assert methodology.document["example"]["sections"]["notes"] == ["2026-01-15"]


# -- what is refused, and where ---------------------------------------------------------------


@pytest.mark.parametrize(("where", "path"), [("top", ("colour",)),
                                             ("step", ("steps", 1, "colour"))])
def test_unknown_key_is_located_at_the_key_itself(where: str, path: tuple) -> None:
    if where == "top":
        text = MINIMAL.replace("title: Minimal\n", "title: Minimal\ncolour: red\n")
    else:
        text = MINIMAL.replace("  - key: second\n", "  - key: second\n    colour: red\n")
    problem = only_problem(refused(text))
    assert problem.path == path
    assert problem.line == line_of(text, "colour: red")
    assert "unknown field 'colour'" in problem.message


def test_duplicate_key_is_refused_with_its_line() -> None:
    text = MINIMAL.replace("title: Minimal\n", "title: Minimal\ntitle: Again\n")
    error = refused(text)
    problem = only_problem(error)
    assert "duplicate key 'title'" in problem.message
    assert problem.path == ("title",)
    assert problem.line == line_of(text, "title: Again")


def test_nested_duplicate_key_is_refused() -> None:
    text = MINIMAL.replace("    title: First\n", "    title: First\n    title: Twice\n")
    problem = only_problem(refused(text))
    assert problem.path == ("steps", 0, "title")
    assert problem.line == line_of(text, "title: Twice")


def test_bad_schema_type_is_refused_with_path_and_line() -> None:
    text = MINIMAL.replace("schema: {type: array, items: {type: string}}",
                           "schema: {type: array, items: {type: strnig}}")
    problem = only_problem(refused(text))
    assert problem.path == ("sections", 0, "schema", "items", "type")
    assert problem.line == line_of(text, "strnig")
    assert problem.message.startswith("invalid JSON Schema")


def test_step_referencing_unknown_section_is_refused() -> None:
    text = MINIMAL.replace("sections: [notes]", "sections: [notes, nots]")
    problem = only_problem(refused(text))
    assert problem.path == ("steps", 0, "sections", 1)
    assert problem.line == line_of(text, "nots")
    assert "unknown section 'nots'" in problem.message and "notes" in problem.message


def test_duplicate_step_key_is_refused() -> None:
    text = MINIMAL.replace("key: second", "key: first")
    problem = only_problem(refused(text))
    assert problem.path == ("steps", 1, "key")
    assert "used twice" in problem.message


def test_bad_gate_schema_is_refused() -> None:
    text = MINIMAL.replace(
        "    title: Second\n",
        "    title: Second\n    gate:\n      message: m\n      schema: {required: notes}\n")
    problem = only_problem(refused(text))
    assert problem.path[:4] == ("steps", 1, "gate", "schema")
    assert problem.line == line_of(text, "required: notes")


def test_bad_cadence_is_refused() -> None:
    text = MINIMAL + "cadence:\n  internal: {every: 2 fortnights}\n"
    problem = only_problem(refused(text))
    assert problem.path[:2] == ("cadence", "internal")
    assert problem.line == line_of(text, "fortnights")


@pytest.mark.parametrize("text", ["- just\n- a list\n", "a plain string\n"])
def test_a_document_that_is_not_a_mapping_is_refused(text: str) -> None:
    refused(text)


def test_yaml_syntax_error_names_the_line() -> None:
    text = MINIMAL.replace("title: Minimal", "title: [Minimal")
    error = refused(text)
    assert "not valid YAML/JSON" in str(error)
    assert error.problems[0].line is not None and error.problems[0].line >= 3


def test_empty_document_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="empty"):
        parse_document("", "empty.yaml")


def test_unsafe_yaml_tags_are_refused_and_never_run(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    text = MINIMAL.replace(
        "name: kt-mini", f"name: !!python/object/apply:os.mkdir [{json.dumps(str(target))}]")
    error = refused(text)
    assert "python/object/apply" in str(error)
    assert error.problems[0].line == 1
    assert not target.exists()
    text = "name: !!python/object:kamcore.model.Account {id: x, name: y}\n"
    assert "python/object" in str(refused(text))


# -- remote $ref: never fetched ------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record (and refuse) any attempt to open a connection or resolve a host name."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.mark.parametrize("ref", ["https://example.com/schemas/objective.json",
                                 "http://127.0.0.1:9/x.json#/$defs/a",
                                 "objective.json"])
def test_remote_ref_is_refused_and_never_fetched(no_network: list[object], ref: str) -> None:
    text = MINIMAL.replace("items: {type: string}", f'items: {{$ref: "{ref}"}}')
    problem = only_problem(refused(text))
    assert problem.path == ("sections", 0, "schema", "items", "$ref")
    assert problem.line == line_of(text, ref)
    assert ref in problem.message
    assert "never fetched" in problem.message
    assert no_network == []


def test_unresolvable_internal_ref_is_refused() -> None:
    text = MINIMAL.replace("items: {type: string}", 'items: {$ref: "#/$defs/missing"}')
    problem = only_problem(refused(text))
    assert "#/$defs/missing" in problem.message


def test_unknown_core_shape_is_refused(no_network: list[object]) -> None:
    text = MINIMAL.replace("items: {type: string}", 'items: {$ref: "urn:kamcore:shape:nope"}')
    assert "urn:kamcore:shape:nope" in only_problem(refused(text)).message
    assert no_network == []


# -- the example block ------------------------------------------------------------------------


def _with_example(text: str, example: str) -> str:
    return text + "example:\n" + textwrap.indent(textwrap.dedent(example), "  ")


def test_example_is_checked_against_the_section_schemas(methodology_dir: Path) -> None:
    base = (methodology_dir / "kt-gated.yaml").read_text().split("example:")[0]
    text = _with_example(base, """\
        step: analyse
        sections:
          risks: [{title: Churn, likelihood: 7, impact: 2}]
        """)
    problem = only_problem(refused(text))
    assert problem.path == ("example", "sections", "risks", 0, "likelihood")
    assert problem.line == line_of(text, "likelihood: 7")


def test_example_must_meet_the_gates_before_its_step(methodology_dir: Path) -> None:
    base = (methodology_dir / "kt-gated.yaml").read_text().split("example:")[0]
    unsigned = _with_example(base, """\
        step: act
        sections:
          objectives: [{id: o1, title: Grow}]
        """)
    problem = only_problem(refused(unsigned))
    assert "gate of step 'analyse'" in problem.message
    assert problem.path == ("example", "sections", "objectives", 0)
    # the same data is fine for an example that stays at the gated step
    stays = unsigned.replace("step: act", "step: analyse")
    assert build_methodology(parse_document(stays, "x.yaml")).name == "kt-gated"
    # and an example that reaches the last step must meet every gate on the way
    signed = _with_example(base, """\
        step: review
        sections:
          objectives: [{id: o1, title: Grow, customer_signoff: {name: Ann, date: "2026-01-02"}}]
        """)
    assert build_methodology(parse_document(signed, "x.yaml")).document["example"]["step"] == (
        "review")


def test_example_with_unknown_section_or_step_is_refused(methodology_dir: Path) -> None:
    base = (methodology_dir / "kt-gated.yaml").read_text().split("example:")[0]
    problem = only_problem(refused(_with_example(base, "sections:\n  budget: []\n")))
    assert problem.path == ("example", "sections", "budget")
    problem = only_problem(refused(_with_example(base, "step: launch\nsections: {}\n")))
    assert problem.path == ("example", "step") and "launch" in problem.message


# -- several documents --------------------------------------------------------------------------


def test_one_bad_document_does_not_stop_the_others() -> None:
    good = parse_document(MINIMAL, "good.yaml")
    bad = parse_document(MINIMAL.replace("kt-mini", "kt-bad").replace("[notes]", "[nope]"),
                         "bad.yaml")
    twin = parse_document(MINIMAL.replace("Minimal", "Twin"), "twin.yaml")
    loaded, errors = load_methodologies([good, bad, twin])
    assert set(loaded) == {"kt-mini"}
    assert loaded["kt-mini"].title == "Minimal"  # the first definition wins
    assert set(errors) == {"bad.yaml", "twin.yaml"}
    assert "defined more than once" in str(errors["twin.yaml"])
    assert "nope" in str(errors["bad.yaml"])


# -- through the CLI ----------------------------------------------------------------------------


def test_kam_methodologies_check_file(kam_run, tmp_path: Path, method_env) -> None:
    good = tmp_path / "mini.yaml"
    good.write_text(MINIMAL)
    result = kam_run("methodologies", "check", str(good))
    assert result.code == 0, result
    assert "ok: kt-mini 0.1, 2 steps, 1 sections" in result.out

    bad_text = MINIMAL.replace("sections: [notes]", "sections: [nots]")
    bad = tmp_path / "bad.yaml"
    bad.write_text(bad_text)
    result = kam_run("methodologies", "check", str(bad))
    result.assert_usage_error(f"{bad}:{line_of(bad_text, 'nots')}", "steps[0].sections[0]",
                              "unknown section 'nots'")

    derived = tmp_path / "derived.yaml"
    derived.write_text("name: kt-derived\nversion: '1'\ntitle: D\nextends: kt-gated\n"
                       "steps: {drop: [review]}\n")
    assert kam_run("methodologies", "check", str(derived)).code == 2  # kt-gated not installed
    result = kam_run("methodologies", "check", str(derived), env=method_env)
    assert result.code == 0, result
    assert "kt-derived 1, 2 steps, 3 sections" in result.out

    missing = kam_run("methodologies", "check", str(tmp_path / "nope.yaml"))
    missing.assert_usage_error("no such file")


def test_methodology_path_folder_reports_bad_files(kam_run, tmp_path: Path,
                                                   methodology_dir: Path) -> None:
    folder = tmp_path / "house"
    folder.mkdir()
    (folder / "mini.yml").write_text(MINIMAL)
    (folder / "broken.yaml").write_text(MINIMAL.replace("kt-mini", "kt-broken") + "colour: x\n")
    (folder / "README.md").write_text("not a methodology, ignored")
    env = {"KAMCORE_METHODOLOGY_PATH": f"{folder}:{methodology_dir}:{tmp_path / 'missing'}"}
    result = kam_run("methodologies", "--json", env=env)
    assert result.code == 0, result
    names = {m["name"]: m for m in result.json()}
    assert set(names) == {"kt-mini", "kt-gated"}
    assert names["kt-mini"]["plugin"] == "kamcore.builtin.local_documents"
    plugins = {p["name"]: p for p in kam_run("plugins", "--json", env=env).json()}
    [error] = plugins["kamcore.builtin.local_documents"]["errors"]
    assert "broken.yaml" in error and "colour" in error


def test_kam_methodologies_show(kam_run, method_env) -> None:
    result = kam_run("methodologies", "show", "kt-gated", "--json", env=method_env)
    assert result.code == 0, result
    document = result.json()
    assert [s["key"] for s in document["steps"]] == ["analyse", "act", "review"]
    text = kam_run("methodologies", "show", "kt-gated", env=method_env)
    assert text.code == 0 and "every joint objective needs" in text.out
    kam_run("methodologies", "show", "nope", env=method_env).assert_usage_error(
        "no methodology named 'nope'", "kt-gated")

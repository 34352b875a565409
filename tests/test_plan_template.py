"""``kam plan template``: a commented YAML skeleton of a section that ``kam plan set`` accepts."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from kamcore.documents import parse_document
from kamcore.schemas import CompiledSchema, schema_problems
from kamcore.templates import RecursiveSchemaError, schema_template, section_template

#: The methodologies of the plugins shipped under plugins/ (and their plugins).
SHIPPED = {"sama7": "sama7", "sama7-lite": "sama7", "simple_plan": "simple_plan",
           "medpicc": "medpicc", "meddic": "medpicc", "meddicc": "medpicc"}


@pytest.fixture
def kam_plugin_names() -> set[str]:
    return set(SHIPPED.values())


def comment_above(text: str, line: str) -> str:
    """The comment lines right above the first line that is ``line`` (stripped), joined."""
    lines = text.splitlines()
    index = next(n for n, found in enumerate(lines) if found.strip() == line)
    above = []
    while index > 0 and lines[index - 1].lstrip().startswith("#"):
        index -= 1
        above.insert(0, lines[index].strip().removeprefix("# "))
    return " ".join(above)


# -- every section of every installed methodology -------------------------------------------------


def test_every_section_of_every_installed_methodology_gives_a_template_that_passes(
        kam_registry: Any) -> None:
    assert set(SHIPPED) <= set(kam_registry.methodologies)
    checked = 0
    for name in sorted(kam_registry.methodologies):
        methodology = kam_registry.methodology(name)
        for section in methodology.sections:
            made = section_template(methodology, section.key)
            where = f"{name} {section.key}"
            assert yaml.safe_load(made.text) == made.example, where
            # kam plan set reads files with kamcore's own loader (no YAML timestamps)
            assert parse_document(made.text, where).data == made.example, where
            assert section.schema.errors(made.example) == [], where
            assert made.problems() == [], where
            assert f"kam plan set PLAN {section.key} FILE" in made.text, where
            assert json.loads(json.dumps(made.example)) == made.example, where
            checked += 1
    assert checked >= 24


def test_every_field_line_has_a_comment_above_it(kam_registry: Any) -> None:
    for name in sorted(kam_registry.methodologies):
        methodology = kam_registry.methodology(name)
        for section in methodology.sections:
            lines = section_template(methodology, section.key).text.splitlines()
            for number, line in enumerate(lines):
                if ":" in line and not line.lstrip().startswith("#"):
                    assert lines[number - 1].lstrip().startswith("#"), (name, line)


def test_comments_name_required_fields_enum_values_and_descriptions(kam_registry: Any) -> None:
    text = section_template(kam_registry.methodology("sama7"), "customer_business").text
    assert comment_above(text, "growth_bets:").startswith("required · list")
    assert comment_above(text, "measurable_outcomes:").startswith("required · list")
    assert comment_above(text, "horizon: text") == (
        "optional · text · The strategy's period, e.g. FY2026-FY2028.")
    assert comment_above(text, "kind: budget") == (
        "optional · one of: budget, regulatory, capacity, technology, organisation, market, "
        "other")
    assert comment_above(text, "measure: text") == (
        "required · text · not empty · The metric the customer uses.")
    assert comment_above(text, "by: '2027-03-31'") == "optional · date YYYY-MM-DD"
    assert text.startswith("# Customer business understanding: section customer_business of "
                           "sama7 1.1.0.\n# The customer's three-year strategy")


def test_shapes_through_ref_and_allof_and_a_tightened_section(kam_registry: Any) -> None:
    whitespace = section_template(kam_registry.methodology("simple_plan"), "whitespace").text
    assert comment_above(whitespace, "state: owned") == (
        "required · one of: owned, pipeline, potential, blocked, competitor, n.a.")
    assert comment_above(whitespace, "value: 0").startswith("optional · number · at least 0")
    # sama7's value_plan items are an action (a $ref) allOf a required objective
    value_plan = section_template(kam_registry.methodology("sama7"), "value_plan")
    assert comment_above(value_plan.text, "objective: text").startswith("required · text")
    assert comment_above(value_plan.text, "status: open") == (
        "optional · one of: open, in_progress, done, blocked, cancelled · default open")
    # sama7-lite tightens joint objectives: the measure becomes required
    lite = section_template(kam_registry.methodology("sama7-lite"), "joint_objectives").text
    base = section_template(kam_registry.methodology("sama7"), "joint_objectives").text
    assert comment_above(lite, "measure: text").startswith("required · text · not empty")
    assert comment_above(base, "measure: text").startswith("optional · text")


def test_a_map_section_shows_one_entry_and_only_the_keys_a_variant_allows(
        kam_registry: Any) -> None:
    medpicc = section_template(kam_registry.methodology("medpicc"), "qualification")
    meddic = section_template(kam_registry.methodology("meddic"), "qualification")
    assert list(medpicc.example) == ["key"]
    assert "a key is text, at most 128 characters, matching" in comment_above(medpicc.text,
                                                                              "key:")
    assert "paper_process" in medpicc.example["key"]
    assert set(meddic.example["key"]) == {"metrics", "economic_buyer", "decision_criteria",
                                          "decision_process", "identify_pain", "champion"}
    assert comment_above(meddic.text, "score: 0").startswith(
        "required · whole number · from 0 to 3 · 0 unknown")


# -- a hand-made schema ---------------------------------------------------------------------------

HAND_MADE: dict[str, Any] = {
    "$defs": {
        "money": {"type": "object", "required": ["amount", "currency"],
                  "additionalProperties": False,
                  "properties": {"amount": {"type": "number", "exclusiveMinimum": 0},
                                 "currency": {"enum": ["EUR", "USD"]}}},
        "node": {"type": "object", "required": ["name"],
                 "properties": {"name": {"type": "string"},
                                "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                                "parent": {"$ref": "#/$defs/node"}}},
    },
    "type": "object",
    "additionalProperties": False,
    "required": ["deal", "quarters", "tags", "review"],
    "properties": {
        "deal": {"$ref": "#/$defs/money", "description": "What the deal is worth."},
        "kind": {"const": "renewal"},
        "stage": {"type": "string", "examples": ["Qualification"], "default": "Prospecting"},
        "owner": {"type": ["string", "null"], "default": "Jo Seller", "minLength": 3},
        "review": {"type": "string", "format": "date"},
        "reach": {"oneOf": [{"type": "null"}, {"type": "integer", "minimum": 10, "maximum": 20}]},
        "contact": {"anyOf": [{"type": "string", "format": "email"},
                              {"type": "string", "pattern": "^\\+[0-9]+$"}]},
        "code": {"type": "string", "pattern": "^[A-Z][0-9]$"},
        "flag": {"type": "boolean"},
        "note": {"type": "string", "default": "two\nlines: 'quoted'"},
        "quarters": {"type": "array", "minItems": 2, "maxItems": 4,
                     "items": {"type": "array", "items": {"type": "integer", "maximum": -1}}},
        "tags": {"type": "array", "items": {"type": "string", "minLength": 6, "maxLength": 8}},
        "tree": {"$ref": "#/$defs/node"},
        "never": False,
    },
}


def test_a_hand_made_schema_with_defs_enum_oneof_nested_arrays_and_a_date() -> None:
    assert schema_problems(HAND_MADE) == []
    made = schema_template(HAND_MADE, ["A hand-made schema."])
    assert made.problems() == []
    assert yaml.safe_load(made.text) == made.example
    assert CompiledSchema.compile(HAND_MADE).errors(made.example) == []
    assert made.example == {
        "deal": {"amount": 1, "currency": "EUR"},
        "kind": "renewal",
        "stage": "Qualification",
        "owner": "Jo Seller",
        "review": "2027-03-31",
        "reach": 10,
        "contact": "name@example.com",
        "code": "A1",
        "flag": False,
        "note": "two\nlines: 'quoted'",
        "quarters": [[-1], [-1]],
        "tags": ["textxx"],
        "tree": {"name": "text", "children": []},
    }
    text = made.text
    assert text.startswith("# A hand-made schema.\n\n")
    assert "review: '2027-03-31'" in text  # quoted: a plain date would load as a date
    assert comment_above(text, "deal:") == "required · What the deal is worth."
    assert comment_above(text, "currency: EUR") == "required · one of: EUR, USD"
    assert comment_above(text, "amount: 1") == "required · number · more than 0"
    assert comment_above(text, "kind: renewal") == "optional · always renewal"
    assert comment_above(text, "owner: Jo Seller") == (
        "optional · text or null · at least 3 characters · default Jo Seller")
    assert comment_above(text, "reach: 10") == "optional · whole number · from 10 to 20"
    assert comment_above(text, "contact: name@example.com") == "optional · e-mail address"
    assert comment_above(text, "code: A1") == "optional · text · matching ^[A-Z][0-9]$"
    assert comment_above(text, "quarters:") == (
        "required · list, 2 example items shown: add more like them · from 2 to 4 items · "
        "each item: list, 1 example item shown: add more like it, each item: whole number, "
        "at most -1")
    assert "  - - -1\n" in text
    assert comment_above(text, "children: []") == "optional · list"
    assert "never" not in text


def test_a_value_the_schema_requires_to_contain_itself_is_refused() -> None:
    schema = {"$defs": {"loop": {"type": "object", "required": ["next"],
                                 "properties": {"next": {"$ref": "#/$defs/loop"}}}},
              "$ref": "#/$defs/loop"}
    with pytest.raises(RecursiveSchemaError, match="contains itself"):
        schema_template(schema)


def test_a_scalar_section_is_one_line_under_its_comment() -> None:
    made = schema_template({"type": "integer", "minimum": 3, "description": "How many."})
    assert made.text == "# whole number · at least 3 · How many.\n3\n"


# -- the command ----------------------------------------------------------------------------------

SAMA7 = {"KAMCORE_LOAD_PLUGINS": "sama7"}


@pytest.fixture
def acme(kam_run: Any) -> Any:
    """A workspace (./kam.db) with the account acme-corp."""
    assert kam_run("init").code == 0
    assert kam_run("account", "add", "Acme Corp").code == 0
    return kam_run


@pytest.mark.parametrize("methodology", sorted(SHIPPED))
def test_every_template_is_accepted_by_plan_set(acme: Any, tmp_path: Path,
                                                methodology: str) -> None:
    env = {"KAMCORE_LOAD_PLUGINS": SHIPPED[methodology]}
    created = acme("plan", "new", "acme-corp", "-m", methodology, "--json", env=env)
    assert created.code == 0, created
    plan_id = created.json()["id"]
    sections = acme("methodologies", "--json", env=env).json()
    keys = next(m["sections"] for m in sections if m["name"] == methodology)
    for key in keys:
        shown = acme("plan", "template", methodology, key, env=env)
        assert shown.code == 0 and shown.err == "", shown
        (tmp_path / f"{key}.yaml").write_text(shown.out, encoding="utf-8")
        saved = acme("plan", "set", plan_id, key, f"{key}.yaml", env=env)
        assert saved.code == 0, saved
        as_json = acme("plan", "template", methodology, key, "--json", env=env)
        assert as_json.code == 0, as_json
        assert acme("plan", "show", plan_id, "--json").json()["sections"][key] == as_json.json()


def test_the_real_kam_pipes_a_template_into_plan_set(kam: Any) -> None:
    assert kam("init", env=SAMA7).code == 0
    assert kam("account", "add", "Acme Corp", env=SAMA7).code == 0
    assert kam("plan", "new", "acme-corp", "-m", "sama7", "--id", "p1", env=SAMA7).code == 0
    shown = kam("plan", "template", "sama7", "customer_business", env=SAMA7)
    assert shown.code == 0, shown
    assert "# required · list" in shown.out
    saved = kam("plan", "set", "p1", "customer_business", "-", input=shown.out, env=SAMA7)
    assert saved.code == 0, saved
    assert "section customer_business saved as revision 2" in saved.out


def test_unknown_names_exit_2_saying_what_exists(kam_run: Any) -> None:
    kam_run("plan", "template", "nope", "goals", env=SAMA7).assert_usage_error(
        "no methodology named 'nope'", "sama7")
    kam_run("plan", "template", "sama7", "nope", env=SAMA7).assert_usage_error(
        "no section of sama7 named 'nope'", "customer_business", "value_plan")


def test_a_template_that_cannot_pass_says_so_on_stderr(kam_run: Any, tmp_path: Path) -> None:
    folder = tmp_path / "methodologies"
    folder.mkdir()
    (folder / "coded.yaml").write_text(textwrap.dedent("""\
        name: coded
        version: "1"
        title: Coded
        description: A section whose pattern no placeholder matches.
        steps: [{key: only, title: Only}]
        sections:
          - key: ids
            title: Ids
            schema: {type: array, items: {type: string, pattern: "^ID-[0-9]{4}$"}}
        """), encoding="utf-8")
    shown = kam_run("plan", "template", "coded", "ids", env={"KAMCORE_METHODOLOGY_PATH":
                                                              str(folder)})
    assert shown.code == 0, shown
    assert shown.out.endswith("- text\n")
    assert "warning: the example fails the schema at [0]: 'text' does not match" in shown.err

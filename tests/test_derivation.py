"""``extends``: deriving a house variant from an installed methodology."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from kamcore.documents import load_document, parse_document
from kamcore.errors import InvalidInputError
from kamcore.methodology import Methodology, load_methodologies

SIGNED = {"id": "o1", "title": "Grow",
          "customer_signoff": {"name": "Ann", "date": "2026-01-02"}}
UNSIGNED = {"id": "o1", "title": "Grow"}


@pytest.fixture
def base(methodology_dir: Path) -> Any:
    return load_document(methodology_dir / "kt-gated.yaml")


def derive(base: Any, text: str, source: str = "house.yaml") -> Methodology:
    """Load ``text`` (which extends kt-gated) next to the base; fail on any error."""
    doc = parse_document(text, source)
    loaded, errors = load_methodologies([doc, base])
    assert not errors, {k: str(v) for k, v in errors.items()}
    return loaded[doc.data["name"]]


def refused(base: Any, text: str, source: str = "house.yaml") -> InvalidInputError:
    doc = parse_document(text, source)
    loaded, errors = load_methodologies([base, doc])
    assert doc.data["name"] not in loaded
    assert "kt-gated" in loaded  # the base itself is fine
    return errors[source]


HEADER = textwrap.dedent("""\
    name: kt-house
    version: "2.0"
    title: House variant
    extends: kt-gated
    """)


def test_extends_without_changes_copies_the_base(base: Any) -> None:
    house = derive(base, HEADER)
    assert house.name == "kt-house" and house.version == "2.0" and house.title == "House variant"
    assert [s.key for s in house.steps] == ["analyse", "act", "review"]
    assert [s.key for s in house.sections] == ["objectives", "risks", "actions"]
    assert house.lineage == ("kt-house", "kt-gated")
    assert house.derives_from("kt-gated") and house.derives_from("kt-house")
    assert not house.derives_from("sama7")
    assert house.summary()["extends"] == "kt-gated"
    assert house.step("analyse").gate is not None
    assert house.description == "Three steps; leaving the first needs signed-off objectives."
    assert "extends" not in house.document


def test_drop_a_section_removes_it_from_steps_and_gates(base: Any) -> None:
    house = derive(base, HEADER + "sections: {drop: [objectives]}\n")
    assert [s.key for s in house.sections] == ["risks", "actions"]
    assert house.step("analyse").sections == ("risks",)
    gate_schema = house.document["steps"][0]["gate"]["schema"]
    assert gate_schema["required"] == [] and "objectives" not in gate_schema["properties"]
    assert house.step("analyse").gate.schema.errors({}) == []
    assert "objectives" not in house.document["example"]["sections"]  # example follows


def test_drop_a_step(base: Any) -> None:
    house = derive(base, HEADER + "steps: {drop: [review]}\n")
    assert [s.key for s in house.steps] == ["analyse", "act"]


def test_rename_a_section_follows_into_steps_gates_and_example(base: Any) -> None:
    house = derive(base, HEADER + "sections: {rename: {objectives: goals}}\n")
    assert [s.key for s in house.sections] == ["goals", "risks", "actions"]
    assert house.section("goals").title == "Joint objectives"
    assert house.step("analyse").sections == ("goals", "risks")
    gate = house.step("analyse").gate
    assert gate.schema.errors({"goals": [SIGNED]}) == []
    assert gate.schema.errors({"goals": [UNSIGNED]}) == [
        (("goals", 0), "'customer_signoff' is a required property")]
    assert gate.schema.errors({"objectives": [SIGNED]}) != []  # the old name no longer counts
    assert set(house.document["example"]["sections"]) == {"goals", "actions"}


def test_rename_a_step_follows_into_the_example(base: Any) -> None:
    house = derive(base, HEADER + "steps: {rename: {act: execute}}\n")
    assert [s.key for s in house.steps] == ["analyse", "execute", "review"]
    assert house.step("execute").title == "Act on the plan"
    assert house.document["example"]["step"] == "execute"


def test_add_with_after_and_before(base: Any) -> None:
    house = derive(base, HEADER + textwrap.dedent("""\
    sections:
      add:
        - key: whitespace
          title: Whitespace
          schema: {type: array, items: {$ref: "urn:kamcore:shape:whitespace_cell"}}
          after: objectives
        - key: budget
          title: Budget
          schema: {type: number, minimum: 0}
          before: objectives
        - key: notes
          title: Notes
          schema: {type: string}
    steps:
      add:
        - key: map
          title: Map the account
          sections: [whitespace]
          before: act
        - key: close
          title: Close the year
          after: review
    """))
    assert [s.key for s in house.sections] == ["budget", "objectives", "whitespace", "risks",
                                                "actions", "notes"]
    assert [s.key for s in house.steps] == ["analyse", "map", "act", "review", "close"]
    assert house.step("map").sections == ("whitespace",)
    assert house.section("budget").schema.errors(-1) != []
    cells = [{"business_unit": "Rail", "product_line": "IoT", "state": "owned"}]
    assert house.section("whitespace").schema.errors(cells) == []


def test_update_steps_and_sections(base: Any) -> None:
    house = derive(base, HEADER + textwrap.dedent("""\
    sections:
      update:
        risks: {title: Threats, description: What could go wrong}
    steps:
      update:
        analyse: {gate: null, purpose: Quick look}
        review:
          title: Quarterly review
          gate: {message: need actions, schema: {required: [actions]}}
    """))
    assert house.section("risks").title == "Threats"
    assert house.section("risks").description == "What could go wrong"
    assert house.step("analyse").gate is None
    assert house.step("analyse").purpose == "Quick look"
    assert house.step("analyse").title == "Analyse the account"  # untouched fields stay
    assert house.step("review").title == "Quarterly review"
    assert house.step("review").gate.message == "need actions"


def test_reorder_steps_and_sections(base: Any) -> None:
    house = derive(base, HEADER + textwrap.dedent("""\
    sections: {order: [actions, objectives, risks]}
    steps: {order: [analyse, review, act]}
    """))
    assert [s.key for s in house.sections] == ["actions", "objectives", "risks"]
    assert [s.key for s in house.steps] == ["analyse", "review", "act"]


def test_tighten_refuses_data_the_base_accepts(base: Any, tmp_path: Path, core_host) -> None:
    house = derive(base, HEADER + textwrap.dedent("""\
    sections:
      tighten:
        actions: {items: {required: [owner, due]}}
    example:
      sections:
        actions: [{title: Pilot, owner: Dana, due: "2026-05-01"}]
    """))
    loose = [{"title": "Pilot"}]
    gated = next(iter(load_methodologies([base])[0].values()))
    assert gated.section("actions").schema.errors(loose) == []
    assert sorted(house.section("actions").schema.errors(loose)) == [
        ((0,), "'due' is a required property"), ((0,), "'owner' is a required property")]
    # the base's own schema still applies too
    bad_status = [{"title": "Pilot", "owner": "D", "due": "2026-05-01", "status": "maybe"}]
    assert house.section("actions").schema.errors(bad_status) != []
    full = [{"title": "Pilot", "owner": "Dana", "due": "2026-05-01"}]
    assert house.section("actions").schema.errors(full) == []

    # and through planning: nothing is saved
    from kamcore import Account, HookEvents, Workspace
    from kamcore.planning import new_plan, set_section

    with Workspace.open(tmp_path / "kam.db", create=True,
                        listener=HookEvents(core_host)) as workspace:
        workspace.save(Account(id="acme", name="Acme"))
        plan = new_plan(workspace, house, "acme")
        with pytest.raises(InvalidInputError) as info:
            set_section(workspace, house, plan, "actions", loose)
        assert {p.path for p in info.value.problems} == {("sections", "actions", 0)}
        assert workspace.get(type(plan), plan.id).revision == plan.revision == 1
        assert set_section(workspace, house, plan, "actions", full).revision == 2


def test_tightening_the_base_example_out_of_validity_is_refused(base: Any) -> None:
    error = refused(base, HEADER + "sections: {tighten: {actions: {items: {required: [due]}}}}\n")
    text = str(error)
    assert "example" in text and "'due' is a required property" in text
    assert "in the result of extends" in text


def test_unknown_base_is_reported_with_what_is_installed(base: Any) -> None:
    error = refused(base, HEADER.replace("extends: kt-gated", "extends: kt-nowhere"))
    assert "kt-nowhere" in str(error) and "not installed" in str(error)
    assert "kt-gated" in str(error)
    assert error.problems[0].path == ("extends",) and error.problems[0].line == 4


def test_extends_cycle_is_reported(base: Any) -> None:
    a = parse_document("name: kt-a\nversion: '1'\ntitle: A\nextends: kt-b\n", "a.yaml")
    b = parse_document("name: kt-b\nversion: '1'\ntitle: B\nextends: kt-c\n", "b.yaml")
    c = parse_document("name: kt-c\nversion: '1'\ntitle: C\nextends: kt-a\n", "c.yaml")
    loaded, errors = load_methodologies([a, b, c, base])
    assert set(loaded) == {"kt-gated"}
    assert set(errors) == {"a.yaml", "b.yaml", "c.yaml"}
    cycle = [str(e) for e in errors.values() if "cycle" in str(e)]
    assert cycle and "kt-a -> kt-b -> kt-c -> kt-a" in cycle[0]
    self_loop = parse_document("name: kt-s\nversion: '1'\ntitle: S\nextends: kt-s\n", "s.yaml")
    assert "cycle" in str(load_methodologies([self_loop])[1]["s.yaml"])


def test_derivation_chains_resolve_in_any_order(base: Any) -> None:
    child = parse_document(HEADER + "steps: {drop: [review]}\n", "child.yaml")
    grandchild = parse_document(
        "name: kt-grand\nversion: '1'\ntitle: G\nextends: kt-house\n"
        "steps: {rename: {act: execute}}\n", "grand.yaml")
    loaded, errors = load_methodologies([grandchild, child, base])
    assert not errors
    grand = loaded["kt-grand"]
    assert grand.lineage == ("kt-grand", "kt-house", "kt-gated")
    assert grand.derives_from("kt-gated")
    assert [s.key for s in grand.steps] == ["analyse", "execute"]


def test_extends_an_already_installed_methodology(base: Any) -> None:
    installed, _ = load_methodologies([base])
    doc = parse_document(HEADER + "roles: [sponsor]\n"
                         "cadence: {internal: {every: 2 weeks}, annual: {every: 1 year}}\n"
                         "settings: {extra: true}\n", "house.yaml")
    loaded, errors = load_methodologies([doc], installed)
    assert not errors and set(loaded) == {"kt-house"}
    house = loaded["kt-house"]
    assert house.roles == ("sponsor",)  # replaced
    assert {c.kind: c.every for c in house.cadence} == {
        "internal": "2 weeks", "customer": "3 months", "annual": "1 year"}  # merged by kind
    assert house.settings == {"stale_after_days": 90, "extra": True}


@pytest.mark.parametrize(("changes", "path", "needle"), [
    ("sections: {drop: [budget]}", ("sections", "drop", 0), "no section 'budget' to drop"),
    ("sections: {rename: {risks: actions}}", ("sections", "rename", "risks"), "exists"),
    ("sections: {tighten: {budget: {minimum: 1}}}", ("sections", "tighten", "budget"),
     "no section 'budget'"),
    ("steps: {update: {launch: {title: L}}}", ("steps", "update", "launch"),
     "no step 'launch' to update"),
    ("steps: {add: [{key: act, title: Again}]}", ("steps", "add", 0, "key"), "exists already"),
    ("steps: {add: [{key: extra, title: E, after: launch}]}", ("steps", "add", 0, "after"),
     "no step 'launch'"),
    ("steps: {order: [analyse, act]}", ("steps", "order"), "missing review"),
    ("steps: {order: [analyse, act, review, launch]}", ("steps", "order"), "unknown launch"),
])
def test_bad_changes_are_located(base: Any, changes: str, path: tuple, needle: str) -> None:
    text = HEADER + changes + "\n"
    error = refused(base, text)
    assert any(p.path == path and needle in p.message for p in error.problems), str(error)
    problem = next(p for p in error.problems if p.path == path)
    assert problem.source == "house.yaml" and problem.line is not None


def test_derived_document_shape_is_checked(base: Any) -> None:
    error = refused(base, HEADER + "steps: {remove: [review]}\n")
    assert "remove" in str(error)
    error = refused(base, HEADER + "steps: {add: [{key: x, title: X, after: act, before: act}]}\n")
    assert error.problems[0].path[:3] == ("steps", "add", 0)


def test_added_step_referencing_unknown_section_is_refused(base: Any) -> None:
    error = refused(base, HEADER + "steps: {add: [{key: extra, title: E, sections: [nope]}]}\n")
    assert "unknown section 'nope'" in str(error)


def test_derived_variant_through_the_cli(kam_run, methodology_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "house"
    folder.mkdir()
    (folder / "house.yaml").write_text(textwrap.dedent(HEADER)
                                       + "sections: {rename: {objectives: goals}}\n")
    env = {"KAMCORE_METHODOLOGY_PATH": f"{methodology_dir}:{folder}"}
    result = kam_run("methodologies", "--json", env=env)
    assert result.code == 0, result
    listing = {m["name"]: m for m in result.json()}
    assert listing["kt-house"]["extends"] == "kt-gated"
    assert listing["kt-house"]["sections"] == ["goals", "risks", "actions"]


def test_tighten_a_section_whose_schema_uses_defs(tmp_path: Path) -> None:
    """The tightened schema keeps the base's ``$defs`` resolvable."""
    base = parse_document(textwrap.dedent("""\
        name: kt-defs
        version: "1"
        title: Defs
        steps: [{key: only, title: Only, sections: [people]}]
        sections:
          - key: people
            title: People
            schema:
              type: array
              items: {$ref: "#/$defs/person"}
              $defs:
                person:
                  type: object
                  required: [name]
                  properties: {name: {type: string}, email: {type: string}}
        """), "defs.yaml")
    tight = parse_document(textwrap.dedent("""\
        name: kt-defs-tight
        version: "1"
        title: Tight
        extends: kt-defs
        sections: {tighten: {people: {items: {required: [email]}}}}
        """), "tight.yaml")
    loaded, errors = load_methodologies([base, tight])
    assert not errors, {k: str(v) for k, v in errors.items()}
    schema = loaded["kt-defs-tight"].section("people").schema
    assert schema.errors([{"name": "Ann", "email": "a@example.com"}]) == []
    assert [m for _, m in schema.errors([{"name": "Ann"}])] == ["'email' is a required property"]
    assert [m for _, m in schema.errors([{"email": "a@example.com"}])] == [
        "'name' is a required property"]

"""Hostile data documents through the real CLI: refused with exit 2 and ``file:line``, quickly,
and the workspace left as it was.

Each document is built here: an alias bomb (9 levels of 9 aliases: 9**9 values once expanded),
nesting 1,000 levels deep in YAML and in JSON, control characters (NUL, other C0, DEL), and a
file over the input limit (``KAMCORE_MAX_INPUT_MB`` set low). Each goes through ``kam import
json``, ``kam plan set`` and ``kam methodologies check``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kamcore.documents import ALIAS_NODES, MAX_DEPTH, parse_document
from kamcore.errors import InvalidInputError

PLAN = "acme-corp-kt-gated-FY27"
#: Generous for CI: each of these is refused within a second on a laptop.
SECONDS = 5.0


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ["format: kamcore-bundle", "format_version: 2", 'a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    lines.append(f"account: *a{levels}")
    return "\n".join(lines) + "\n"


#: name -> (file name, text, what the message says, the line it names)
CASES: dict[str, tuple[str, str, str, int]] = {
    "alias-bomb": ("bomb.yaml", alias_bomb(), "alias bomb", 7),
    "deep-yaml": ("deep.yaml", "a: 1\nb: " + "[" * 1000 + "]" * 1000 + "\n",
                  f"nested more than {MAX_DEPTH} levels deep", 2),
    "deep-json": ("deep.json", '{"a": 1,\n "b": ' + "[" * 1000 + "]" * 1000 + "}\n",
                  f"nested more than {MAX_DEPTH} levels deep", 2),
    "nul": ("nul.yaml", "a: 1\nb: x\x00y\n", "control character U+0000", 2),
    "escape": ("esc.json", '{"a": 1,\n\n "b": "\x1b[31m"}\n', "control character U+001B", 3),
    "del": ("del.yaml", "a: 1\nb: x\x7f\n", "control character U+007F", 2),
    "lone-surrogate-yaml": ("lone.yaml", 'a: 1\nb: "x\\ud800"\n',
                            "surrogate without its pair", 2),
    "list-as-key": ("key.yaml", "a: 1\n? - b\n: 2\n", "a key must be a plain value", 2),
    "mapping-as-key": ("key2.yaml", "a: 1\n? {b: 1}\n: 2\n", "a key must be a plain value", 2),
}


def commands(path: Path) -> dict[str, tuple[str, ...]]:
    return {"import": ("import", "json", str(path), "--dry-run"),
            "import-for-real": ("import", "json", str(path)),
            "plan-set": ("plan", "set", PLAN, "objectives", str(path)),
            "methodology-check": ("methodologies", "check", str(path))}


@pytest.fixture
def planned(kam_run: Callable[..., object], method_env: dict[str, str]) -> Callable[..., object]:
    """A workspace (./kam.db) with account acme-corp and plan PLAN."""
    assert kam_run("init", env=method_env).code == 0  # type: ignore[attr-defined]
    assert kam_run("account", "add", "Acme Corp").code == 0  # type: ignore[attr-defined]
    made = kam_run("plan", "new", "acme-corp", "-m", "kt-gated", "--period", "FY27")
    assert made.code == 0, made  # type: ignore[attr-defined]
    return kam_run


def state(kam_run) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """What a refused command must leave as it was: the plan and the account's records."""
    plan = kam_run("plan", "show", PLAN, "--json")
    account = kam_run("account", "show", "acme-corp", "--json")
    assert plan.code == account.code == 0, (plan, account)
    return plan.out, account.out


@pytest.mark.parametrize("command", ["import", "import-for-real", "plan-set",
                                     "methodology-check"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_document_is_refused_quickly_with_its_line(
        planned, tmp_path: Path, case: str, command: str) -> None:  # type: ignore[no-untyped-def]
    name, text, message, line = CASES[case]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    before = state(planned)
    start = time.perf_counter()
    result = planned(*commands(path)[command])
    elapsed = time.perf_counter() - start
    result.assert_usage_error(message, f"{path}:{line}:")
    assert elapsed < SECONDS, elapsed
    assert state(planned) == before


@pytest.mark.parametrize("command", ["import", "plan-set", "methodology-check"])
def test_a_file_over_the_input_limit_is_refused_before_it_is_read(
        planned, tmp_path: Path, command: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "big.json"
    path.write_text('{"padding": "' + "x" * 20_000 + '"}\n', encoding="utf-8")
    before = state(planned)
    result = planned(*commands(path)[command], env={"KAMCORE_MAX_INPUT_MB": "0.01"})
    result.assert_usage_error(f"{path}: the file is 20,016 bytes, more than the limit of 0.01 MB",
                              "KAMCORE_MAX_INPUT_MB")
    assert state(planned) == before


def test_standard_input_over_the_limit_is_refused(kam, kam_env, tmp_path: Path,
                                                  method_env: dict[str, str]) -> None:
    env = {**method_env, "KAMCORE_MAX_INPUT_MB": "0.001"}
    assert kam("init", env=env).code == 0
    result = kam("plan", "set", PLAN, "objectives", "-", env=env, input="x" * 5_000)
    result.assert_usage_error("<stdin>: the file is 1,001 bytes, more than the limit")


def test_a_bad_limit_is_a_usage_error(planned, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "small.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    result = planned("methodologies", "check", str(path), env={"KAMCORE_MAX_INPUT_MB": "lots"})
    result.assert_usage_error("KAMCORE_MAX_INPUT_MB='lots': expected a positive number")


def test_the_alias_bomb_in_a_real_process(kam, tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(), encoding="utf-8")
    assert kam("init").code == 0
    start = time.perf_counter()
    result = kam("import", "json", str(path), "--dry-run", timeout=60)
    assert time.perf_counter() - start < SECONDS
    result.assert_usage_error(f"{path}:7:", "alias bomb")


def test_aliases_that_repeat_a_little_are_still_read() -> None:
    doc = parse_document("element: &e {type: object, required: [a, b]}\n"
                         "metrics: *e\nchampion: *e\n", "<t>")
    assert doc.data["champion"] == doc.data["metrics"] == {"type": "object",
                                                            "required": ["a", "b"]}
    assert doc.problem(("champion", "type"), "x").line == 1  # where the repeated value is written


def test_the_alias_budget_counts_every_value_repeated() -> None:
    items = ", ".join(str(i) for i in range(ALIAS_NODES // 2))
    fine = f"a: &a [{items}]\nb: *a\n"
    assert len(parse_document(fine, "<t>").data["b"]) == ALIAS_NODES // 2
    with pytest.raises(InvalidInputError, match="alias bomb"):
        parse_document(fine + "c: *a\nd: *a\n", "<t>")


def test_nesting_up_to_the_limit_is_read_and_one_more_level_is_not() -> None:
    deepest = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)  # levels 2 to MAX_DEPTH
    value, levels = parse_document(f"a: {deepest}\n", "<t>").data, 1
    while value:
        value, levels = next(iter(value.values())) if levels == 1 else value[0], levels + 1
    assert levels == MAX_DEPTH
    with pytest.raises(InvalidInputError, match="levels deep"):
        parse_document(f"a: [{deepest}]\n", "<t>")
    shallow = "[" * 50 + "]" * 50
    with pytest.raises(InvalidInputError, match="levels deep"):
        parse_document(f"a: &a {shallow}\nb: [{shallow.replace('[]', '[*a]')}]\n", "<t>")


def test_an_escaped_surrogate_pair_is_the_character_it_stands_for() -> None:
    """JSON writers (``json.dumps``) escape characters beyond U+FFFF as surrogate pairs."""
    from kamcore.documents import parse_document

    emoji = "\U0001f600"
    assert parse_document('{"a": "\\ud83d\\ude00"}', "pair.json").data == {"a": emoji}
    assert parse_document('a: "\\ud83d\\ude00"', "pair.yaml").data == {"a": emoji}
    with pytest.raises(InvalidInputError, match="surrogate without its pair"):
        parse_document('{"a": 1,\n "b": "\\udc00y"}', "lone.json")


def test_a_bundle_record_with_a_lone_surrogate_is_refused_at_its_place(
        planned, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bundle = tmp_path / "plan.json"
    assert planned("stakeholder", "add", "acme-corp", "Helen Park").code == 0
    assert planned("export", PLAN, "--format", "json", "-o", str(bundle)).code == 0
    text = bundle.read_text(encoding="utf-8")
    name = text.index('"name": "', text.index('"stakeholders"'))
    bundle.write_text(text[:name] + '"name": "\\ud800' + text[name + 9:], encoding="utf-8")
    before = state(planned)
    planned("import", "json", str(bundle)).assert_usage_error(
        "surrogate without its pair", "at stakeholders[0]")
    assert state(planned) == before

"""Property-based fuzzing of what users feed kamcore: bundles, section YAML and CRM CSV exports.

Each test drives the real ``kam`` in process (:func:`kamcore.cli.run`) on a fresh copy of one
seeded workspace and holds, for any input hypothesis makes up:

* the exit code is 0 (accepted) or 2 (refused as bad input), never 3 (an internal error), and
  nothing that looks like a traceback is printed;
* after a refusal the workspace is exactly as it was (every table, row for row).

The inputs start from valid ones (a bundle exported from the seed, the methodology's example
sections, the CRM plugins' sample exports) and are broken in one place each, or replaced by
arbitrary text or bytes, so that both the parsers and the validation behind them are reached.
The example counts are small, so the whole module runs in well under half a minute; a failure
prints the smallest input found and a ``@reproduce_failure`` blob to replay it.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kamcore import Workspace
from kamcore.methodology import Methodology
from kamcore.testing.factories import sample_plan, seed_account

PLAN = "northwind-plan"
PLUGINS = "salesforce,hubspot"

#: In CI the examples are the same every run (a landing never hangs on a new draw); locally
#: each run explores new ones.
FUZZ = settings(max_examples=100, deadline=None, database=None, print_blob=True,
                derandomize=os.environ.get("CI") == "true",
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# -- strategies -------------------------------------------------------------------------------

# Every text, nesting depth and alias pattern kamcore.documents must refuse cleanly is in
# range: nesting far past its limit, nine levels of nine aliases (an alias bomb), control
# characters YAML forbids, lone surrogates and characters beyond U+FFFF written as JSON escapes.
MAX_DEPTH = 5_000
ALIAS_LEVELS = 9
texts = st.text(st.characters(exclude_categories=[]), max_size=30)  # surrogates too


def utf8(text: str) -> bytes:
    """``text`` as a file holds it: UTF-8, a lone surrogate written as its (invalid) bytes."""
    return text.encode("utf-8", "surrogatepass")

#: Scalars as JSON and YAML carry them, including the edge values of each type.
scalars = (st.none() | st.booleans() | st.integers() | st.floats() | texts
           | st.sampled_from(["", "2026-02-30", "2026-01-15", "-0", "1e309", "NaN", "=1+1",
                              "open", "done", "urn:kamcore:shape:action", "$ref"]))
#: Nested JSON values, at most a few levels deep.
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner,
                                                                         max_size=4),
    max_leaves=12)


def _nested(depth: int, in_objects: bool) -> str:
    return ('{"k": ' * depth + "1" + "}" * depth) if in_objects else "[" * depth + "]" * depth


#: JSON (and so YAML) text nested deeper than any real document, in lists or in objects.
deep_values = st.builds(_nested, st.integers(1, MAX_DEPTH), st.booleans())


def alias_bomb(levels: int) -> str:
    """YAML whose every level lists nine aliases of the level below ("billion laughs")."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a JSON value: the keys and indexes that lead there."""
    yield prefix
    items = (value.items() if isinstance(value, dict)
             else enumerate(value) if isinstance(value, list) else ())
    for key, item in items:
        yield from _paths(item, (*prefix, key))


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    """``value`` with what is at ``path`` replaced by ``new`` (the original is left alone)."""
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replaced(value[path[0]], path[1:], new)
    return copy


@st.composite
def broken_in_one_place(draw: st.DrawFn, value: Any,
                        new: st.SearchStrategy[Any] = json_values) -> Any:
    """``value`` with one place (anywhere, the whole included) replaced by a ``new`` value."""
    path = draw(st.sampled_from(list(_paths(value))))
    return _replaced(value, path, draw(new))


#: Marks the place of a deep value in a document until the document is text.
_HOLE = "kamcore-fuzz-hole"


def _with_deep_value(broken: Any, deep: str) -> bytes:
    return json.dumps(broken).replace(json.dumps(_HOLE), deep).encode()


def documents(valid: Any) -> st.SearchStrategy[bytes]:
    """File contents: ``valid`` broken in one place (as JSON or YAML; the new value any text,
    any JSON value or one nested very deep), any JSON value, a very deep one, an alias bomb,
    or any text or bytes at all."""
    return st.one_of(
        broken_in_one_place(valid, texts).map(lambda v: json.dumps(v).encode()),
        broken_in_one_place(valid).map(lambda v: json.dumps(v).encode()),
        broken_in_one_place(valid).map(lambda v: yaml.safe_dump(v).encode()),
        st.builds(_with_deep_value, broken_in_one_place(valid, st.just(_HOLE)), deep_values),
        json_values.map(lambda v: json.dumps(v).encode()),
        deep_values.map(str.encode),
        st.integers(0, ALIAS_LEVELS).map(lambda n: alias_bomb(n).encode()),
        texts.map(utf8),
        st.binary(max_size=64),
    )


#: Text in YAML's syntax: indicators, anchors, aliases, tags, flow and block collections.
yaml_syntax = st.lists(st.sampled_from(
    ["- ", ": ", "\n", "  ", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!!python/name:os",
     "? ", "|", ">", "'", '"', "#", "%YAML 1.2\n", "---\n", "...\n", "title", "id", "1",
     "2026-01-15", "~", "<<: *a"]), max_size=30).map("".join)


# -- the seeded workspace ---------------------------------------------------------------------


def _dump(path: Path) -> list[str]:
    """Every table of a SQLite workspace, row for row (what "unchanged" is checked against)."""
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


class Fuzzer:
    """Runs ``kam`` on a fresh copy of the seeded workspace and checks each run's contract."""

    def __init__(self, seed: Path, kam_run: Callable[..., Any], env: dict[str, str]) -> None:
        self.seed = seed
        self.before = _dump(seed)
        self.kam_run = kam_run
        self.env = env
        self.runs = itertools.count()

    def folder(self) -> Path:
        """A new empty folder for one example's input files."""
        path = self.seed.parent / f"input-{next(self.runs)}"
        path.mkdir()
        return path

    def run(self, *args: str) -> int:
        """``kam -w COPY ARGS``: exit 0 or 2, no traceback, nothing written when refused."""
        workspace = self.seed.parent / f"ws-{next(self.runs)}.db"
        shutil.copyfile(self.seed, workspace)
        result = self.kam_run("-w", str(workspace), *args, env=self.env)
        event(f"exit {result.code}")
        assert result.code in (0, 2), result
        assert "Traceback" not in result.err + result.out, result
        if result.code == 2:
            assert result.err.strip(), result
            assert _dump(workspace) == self.before, f"a refusal changed the workspace\n{result}"
        return int(result.code)


@pytest.fixture
def fuzzer(tmp_path: Path, kam_run: Callable[..., Any], gated: Methodology,
           method_env: dict[str, str]) -> Fuzzer:
    """The demo account ``northwind`` (people, relationships, deals) with a ``kt-gated`` plan,
    and the CRM plugins loaded."""
    seed = tmp_path / "seed.db"
    with Workspace.open(seed, create=True) as workspace:
        seed_account(workspace)
        workspace.save(sample_plan(gated, id=PLAN, account_id="northwind"), base_revision=0)
    return Fuzzer(seed, kam_run, {**method_env, "KAMCORE_LOAD_PLUGINS": PLUGINS})


# -- bundles ----------------------------------------------------------------------------------


@pytest.fixture
def bundle(fuzzer: Fuzzer) -> Any:
    """The seed's plan exported as a kamcore JSON bundle (parsed)."""
    out = fuzzer.seed.parent / "bundle.json"
    result = fuzzer.kam_run("-w", str(fuzzer.seed), "export", PLAN, "--format", "json",
                            "-o", str(out), env=fuzzer.env)
    assert result.code == 0, result
    return json.loads(out.read_text(encoding="utf-8"))


@FUZZ
@given(data=st.data())
def test_bundle_import(fuzzer: Fuzzer, bundle: Any, data: st.DataObject) -> None:
    path = fuzzer.folder() / "bundle.json"
    path.write_bytes(data.draw(documents(bundle), label="bundle"))
    fuzzer.run("import", "json", str(path))


# -- section YAML -----------------------------------------------------------------------------

#: The sections of ``kt-gated`` (array schemas of the core shapes) and one it does not have.
SECTIONS = ("objectives", "risks", "actions", "no_such_section")


@FUZZ
@given(data=st.data())
def test_section_yaml(fuzzer: Fuzzer, gated: Methodology, data: st.DataObject) -> None:
    section = data.draw(st.sampled_from(SECTIONS), label="section")
    example = gated.document["example"]["sections"]
    valid = example.get(section, example["objectives"])
    content = data.draw(documents(valid) | yaml_syntax.map(str.encode),
                        label="file")
    path = fuzzer.folder() / "section.yaml"
    path.write_bytes(content)
    fuzzer.run("plan", "set", PLAN, section, str(path))


# -- CRM CSV exports --------------------------------------------------------------------------


def _table(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return utf8(out.getvalue())


@st.composite
def broken_export(draw: st.DrawFn, samples: Path) -> dict[str, bytes]:
    """The files of a CRM sample export with one of them broken: a cell replaced, a column or
    a row dropped, or the whole file replaced by any text or bytes (or removed)."""
    contents = {p.name: p.read_bytes() for p in sorted(samples.glob("*.csv"))}
    name = draw(st.sampled_from(sorted(contents)), label="file")
    rows = _table(samples / name)
    row = draw(st.integers(0, len(rows) - 1), label="row")
    column = draw(st.integers(0, len(rows[0]) - 1), label="column")
    how = draw(st.sampled_from(["cell", "column", "row", "file", "bytes", "removed"]),
               label="how")
    if how == "cell":
        rows[row][column] = draw(texts | scalars.map(str), label="cell")
        contents[name] = _csv(rows)
    elif how == "column":
        contents[name] = _csv([r[:column] + r[column + 1:] for r in rows])
    elif how == "row":
        contents[name] = _csv(rows[:row] + rows[row + 1:])
    elif how == "file":
        contents[name] = utf8(draw(texts, label="text"))
    elif how == "bytes":
        contents[name] = draw(st.binary(max_size=64), label="bytes")
    else:
        del contents[name]
    return contents


def _write_export(folder: Path, contents: dict[str, bytes]) -> Path:
    for name, content in contents.items():
        (folder / name).write_bytes(content)
    return folder


@FUZZ
@given(data=st.data())
def test_salesforce_csv_import(fuzzer: Fuzzer, data: st.DataObject) -> None:
    samples = Path(str(files("kamcore_salesforce") / "samples" / "csv"))
    folder = _write_export(fuzzer.folder(), data.draw(broken_export(samples)))
    fuzzer.run("import", "salesforce-csv", str(folder))


@FUZZ
@given(data=st.data())
def test_hubspot_csv_import(fuzzer: Fuzzer, data: st.DataObject) -> None:
    samples = Path(str(files("kamcore_hubspot") / "samples"))
    folder = _write_export(fuzzer.folder(), data.draw(broken_export(samples)))
    fuzzer.run("import", "hubspot-csv", str(folder))

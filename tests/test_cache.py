"""The on-disk cache of load results (kamcore.cache) and what uses it.

Every test points ``KAMCORE_CACHE_DIR`` at a folder of its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from kamcore import cache
from kamcore.documents import Document, load_document, parse_document
from kamcore.errors import InvalidInputError
from kamcore.methodology import load_methodologies
from kamcore.schemas import schema_problems

GOOD_SCHEMA: dict[str, Any] = {"type": "object", "properties": {"n": {"type": "integer"}}}
BAD_SCHEMA: dict[str, Any] = {"type": "objekt"}


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_VAR, str(folder))
    return folder


@pytest.fixture
def metaschema_checks(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every schema checked against the Draft 2020-12 metaschema, in order."""
    checked: list[Any] = []
    real = Draft202012Validator.check_schema.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Draft202012Validator], schema: Any, /, **kwargs: Any) -> None:
        checked.append(schema)
        real(cls, schema, **kwargs)

    monkeypatch.setattr(Draft202012Validator, "check_schema", classmethod(counting))
    return checked


def entries(folder: Path, kind: str = "") -> list[Path]:
    """The entries in cache folder ``folder`` (of any code fingerprint)."""
    return sorted(folder.glob(f"*/{kind}*.json"))


def entry_file(key: str) -> Path:
    folder = cache.entry_folder()
    assert folder is not None
    return folder / f"{key}.json"


def counted(result: list[str]) -> tuple[list[int], Callable[[], list[str]]]:
    calls: list[int] = []

    def check() -> list[str]:
        calls.append(1)
        return list(result)

    return calls, check


# -- where the cache lives ------------------------------------------------------------------


def test_cache_dir_env_var_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "mine"))
    assert cache.cache_dir() == tmp_path / "mine"


@pytest.mark.parametrize("value", ["off", "OFF", " off "])
def test_cache_dir_off_disables(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(cache.ENV_VAR, value)
    assert cache.cache_dir() is None


def test_cache_dir_follows_xdg_then_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(cache.ENV_VAR, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "kamcore"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")  # the XDG spec: ignore relative
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "kamcore"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "kamcore"


# -- keys -----------------------------------------------------------------------------------


def test_content_key_is_canonical_and_typed() -> None:
    key = cache.content_key("k", {"a": 1, "b": [True, None, "x"]})
    assert key == cache.content_key("k", {"b": [True, None, "x"], "a": 1})
    assert key != cache.content_key("other", {"a": 1, "b": [True, None, "x"]})
    assert len({cache.content_key("k", v) for v in (1, 1.0, True, "1")}) == 4


@pytest.mark.parametrize("content", [
    {1: "int key"}, ("a", "tuple"), {"b": b"bytes"}, {"s": {1, 2}}, float("nan"),
    {"x": float("inf")},
])
def test_content_that_is_not_plain_json_has_no_key(content: Any) -> None:
    assert cache.content_key("k", content) is None


def test_key_depends_on_the_code_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache.content_key("k", GOOD_SCHEMA)
    cache.fingerprint.cache_clear()
    monkeypatch.setattr(cache, "FORMAT", "other")
    try:
        assert cache.content_key("k", GOOD_SCHEMA) != before
    finally:
        cache.fingerprint.cache_clear()


# -- store and lookup -----------------------------------------------------------------------


def test_store_then_lookup(cache_dir: Path) -> None:
    cache.store("k-1", {"v": [1, 2]})
    assert cache.lookup("k-1") == {"v": [1, 2]}
    assert cache.lookup("k-2") is None
    assert [p.name for p in entry_file("k-1").parent.iterdir()] == ["k-1.json"]


@pytest.mark.parametrize("content", [b"", b"{not json", b"\xff\xfe", b"[1]", b'{"value": true}',
                                     b'{"key": "k-other", "value": true}'])
def test_a_corrupt_or_foreign_entry_is_a_miss(cache_dir: Path, content: bytes) -> None:
    entry_file("k-1").parent.mkdir(parents=True)
    entry_file("k-1").write_bytes(content)
    assert cache.lookup("k-1") is None


def test_an_unreadable_entry_is_a_miss(cache_dir: Path) -> None:
    entry_file("k-1").mkdir(parents=True)  # a folder where the file should be
    assert cache.lookup("k-1") is None
    cache.store("k-1", True)  # cannot replace a folder: ignored, no error
    assert cache.lookup("k-1") is None


def test_an_unwritable_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.ENV_VAR, str(blocker / "cache"))
    cache.store("k-1", True)
    assert cache.lookup("k-1") is None
    assert cache.known_good("k", GOOD_SCHEMA, lambda: []) == []


def test_disabled_cache_stores_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV_VAR, "off")
    monkeypatch.chdir(tmp_path)
    calls, check = counted([])
    for _ in range(2):
        assert cache.known_good("k", GOOD_SCHEMA, check) == []
    assert len(calls) == 2
    assert list(tmp_path.iterdir()) == []


def test_concurrent_writers_leave_a_whole_entry(cache_dir: Path) -> None:
    value = {"data": ["x" * 1000] * 50}
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for _ in range(20):
                cache.store("k-1", value)
                assert cache.lookup("k-1") in (None, value)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cache.lookup("k-1") == value
    assert [p.name for p in entry_file("k-1").parent.iterdir()] == ["k-1.json"]


def test_a_new_fingerprint_removes_folders_unused_for_a_month(cache_dir: Path) -> None:
    import os
    import time

    month_ago = time.time() - (cache.KEEP_DAYS + 1) * 86400
    stale, recent = (cache_dir / "kamcore-entries-0123456789abcdef",
                     cache_dir / "kamcore-entries-fedcba9876543210")
    # the user's own folders, even old ones named like hex digits, are never touched
    others = (cache_dir / "not-an-entry-folder", cache_dir / "0123456789abcdef")
    for folder in (stale, recent, *others):
        (folder / "k-0.json").parent.mkdir(parents=True)
        (folder / "k-0.json").write_text("{}")
    for folder in (stale, *others):
        os.utime(folder, (month_ago, month_ago))
    cache.store("k-1", True)
    assert sorted(p.name for p in cache_dir.iterdir()) == sorted(
        [entry_file("k-1").parent.name, recent.name, *(o.name for o in others)])
    os.utime(recent, (month_ago, month_ago))
    cache.store("k-2", True)  # the folder exists: nothing is pruned
    assert recent.exists()


# -- known_good -----------------------------------------------------------------------------


def test_known_good_skips_a_check_passed_before(cache_dir: Path) -> None:
    calls, check = counted([])
    assert cache.known_good("k", {"a": 1}, check) == []
    assert cache.known_good("k", {"a": 1}, check) == []
    assert len(calls) == 1
    assert cache.known_good("k", {"a": 2}, check) == []
    assert len(calls) == 2


def test_known_good_never_remembers_problems(cache_dir: Path) -> None:
    calls, check = counted(["wrong"])
    for _ in range(3):
        assert cache.known_good("k", {"a": 1}, check) == ["wrong"]
    assert len(calls) == 3
    assert entries(cache_dir) == []


def test_known_good_checks_content_without_a_key_every_time(cache_dir: Path) -> None:
    calls, check = counted([])
    for _ in range(2):
        assert cache.known_good("k", {1: "int key"}, check) == []
    assert len(calls) == 2


# -- JSON Schemas ---------------------------------------------------------------------------


def test_a_good_schema_is_checked_once(cache_dir: Path, metaschema_checks: list[Any]) -> None:
    assert schema_problems(GOOD_SCHEMA) == []
    assert schema_problems(GOOD_SCHEMA) == []
    assert metaschema_checks == [GOOD_SCHEMA]
    assert len(entries(cache_dir, "json-schema")) == 1


def test_a_changed_schema_is_checked_again(cache_dir: Path,
                                           metaschema_checks: list[Any]) -> None:
    assert schema_problems(GOOD_SCHEMA) == []
    changed = {**GOOD_SCHEMA, "properties": {"n": {"type": "objekt"}}}
    assert schema_problems(changed) != []
    assert metaschema_checks == [GOOD_SCHEMA, changed]


def test_a_bad_schema_is_never_cached(cache_dir: Path, metaschema_checks: list[Any]) -> None:
    first = schema_problems(BAD_SCHEMA)
    assert first and first == schema_problems(BAD_SCHEMA)
    assert len(metaschema_checks) == 2
    assert entries(cache_dir) == []


def test_an_unresolvable_ref_is_never_cached(cache_dir: Path) -> None:
    remote = {"$ref": "https://example.com/schema.json"}
    assert schema_problems(remote) and schema_problems(remote)
    assert entries(cache_dir) == []


def test_a_corrupt_schema_entry_means_checking_again(cache_dir: Path,
                                                     metaschema_checks: list[Any]) -> None:
    assert schema_problems(GOOD_SCHEMA) == []
    [entry] = entries(cache_dir)
    entry.write_text('{"key": "json-schema-0", "value": true}')
    assert schema_problems(GOOD_SCHEMA) == []
    assert len(metaschema_checks) == 2
    assert json.loads(entry.read_text())["value"] is True  # rewritten whole


# -- parsed documents -----------------------------------------------------------------------

DOC = "name: x\nitems:\n  - {a: 1}\n  - b\n"


def test_cached_parse_matches_a_fresh_parse(cache_dir: Path) -> None:
    fresh = parse_document(DOC, "a.yaml")
    first = parse_document(DOC, "a.yaml", cached=True)
    second = parse_document(DOC, "b.yaml", cached=True)
    assert len(entries(cache_dir, "parsed-document")) == 1
    for doc in (first, second):
        assert doc.data == fresh.data
        assert doc.positions == fresh.positions
    assert second.source == "b.yaml"
    assert second.problem(("items", 1), "m").line == 4


def test_a_cached_parse_does_not_parse_again(cache_dir: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from kamcore import documents

    parsed: list[str] = []
    real = documents._parse

    def counting(text: str, source: str) -> Document:
        parsed.append(source)
        return real(text, source)

    monkeypatch.setattr(documents, "_parse", counting)
    parse_document(DOC, "a.yaml", cached=True)
    parse_document(DOC, "a.yaml", cached=True)
    parse_document(DOC + "more: 1\n", "a.yaml", cached=True)
    assert parsed == ["a.yaml", "a.yaml"]


def test_documents_are_cached_only_when_asked(cache_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "data.yaml"
    path.write_text(DOC)
    load_document(path)
    parse_document(DOC, "<stdin>")
    assert entries(cache_dir) == []
    load_document(path, cached=True)
    assert len(entries(cache_dir)) == 1


@pytest.mark.parametrize("text", ["a: [1\n", "a: 1\na: 2\n", ""])
def test_a_bad_document_is_never_cached(cache_dir: Path, text: str) -> None:
    messages = []
    for _ in range(2):
        with pytest.raises(InvalidInputError) as info:
            parse_document(text, "bad.yaml", cached=True)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert entries(cache_dir) == []


def test_a_document_that_is_not_plain_json_is_not_cached(cache_dir: Path) -> None:
    doc = parse_document("1: one\n", "a.yaml", cached=True)
    assert doc.data == {1: "one"}
    assert entries(cache_dir) == []


def test_a_corrupt_document_entry_means_parsing_again(cache_dir: Path) -> None:
    parse_document(DOC, "a.yaml", cached=True)
    [entry] = entries(cache_dir)
    key = json.loads(entry.read_text())["key"]
    entry.write_text(json.dumps({"key": key, "value": {"data": {}, "positions": 3}}))
    assert parse_document(DOC, "a.yaml", cached=True).data == parse_document(DOC, "a").data


# -- methodologies --------------------------------------------------------------------------


def test_a_good_methodology_is_checked_once(cache_dir: Path, methodology_dir: Path,
                                            metaschema_checks: list[Any]) -> None:
    for _ in range(2):
        loaded, errors = load_methodologies([load_document(methodology_dir / "kt-gated.yaml",
                                                           cached=True)])
        assert errors == {} and list(loaded) == ["kt-gated"]
    first_load = len(metaschema_checks)
    assert first_load > 0
    loaded, errors = load_methodologies([load_document(methodology_dir / "kt-gated.yaml",
                                                       cached=True)])
    assert len(metaschema_checks) == first_load
    # the lazily compiled schemas still validate
    section = loaded["kt-gated"].section("objectives")
    assert section.schema.errors([{"id": "o1"}]) != []


def test_an_edited_methodology_is_checked_again(cache_dir: Path, methodology_dir: Path,
                                                tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.yaml"
    text = (methodology_dir / "kt-gated.yaml").read_text()
    path.write_text(text)
    assert load_methodologies([load_document(path, cached=True)])[1] == {}
    # the example's objective loses its sign-off: it no longer meets the first gate
    path.write_text(text.replace('customer_signoff: {name: Helen Park, date: "2026-01-15"}',
                                 "owner: Dana"))
    [warm] = load_methodologies([load_document(path, cached=True)])[1].values()
    assert (f"{path}:46:9 at example.sections.objectives[0]: the example must meet the gate of "
            "step 'analyse': 'customer_signoff' is a required property") in str(warm)
    monkeypatch.setenv(cache.ENV_VAR, "off")
    [cold] = load_methodologies([load_document(path)])[1].values()
    assert str(warm) == str(cold)


def test_kam_plugins_second_run_imports_neither_jsonschema_nor_yaml(
        tmp_path: Path, methodology_dir: Path, kam_env: Callable[..., dict[str, str]]) -> None:
    script = ("import sys; from kamcore.plugin.registry import get_registry; reg = get_registry(); "
              "assert 'kt-gated' in reg.methodologies, reg.host.listing(); "
              "print(sorted({'jsonschema', 'yaml', 'referencing'} & set(sys.modules)))")
    env = kam_env({cache.ENV_VAR: str(tmp_path / "cache"),
                   "KAMCORE_METHODOLOGY_PATH": str(methodology_dir)})
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                           text=True, check=True, timeout=60).stdout.strip()
            for _ in range(2)]
    assert runs == ["['jsonschema', 'referencing', 'yaml']", "[]"]

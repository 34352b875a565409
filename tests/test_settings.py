"""Workspace settings: text by dotted key in the workspace itself, on SQLite and PostgreSQL,
through the operations and ``kam settings``; the schema version and the signing key stay out
of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from kamcore import Workspace
from kamcore.errors import InvalidInputError
from kamcore.operations import access
from kamcore.operations.settings import set_setting, settings

if TYPE_CHECKING:
    from conftest import Backend


@pytest.fixture
def ws(backend: Backend) -> Iterator[Workspace]:
    with Workspace.open(backend.target, create=True) as workspace:
        yield workspace


def test_settings_are_set_read_replaced_and_removed(ws: Workspace, backend: Backend) -> None:
    assert settings(ws) == {}
    access.signing_key(ws)  # kept in the same table, never shown as a setting
    set_setting(ws, "llm.allowed_models", "echo,gpt-4o")
    set_setting(ws, "llm.model", "gpt-4o")
    set_setting(ws, "llm.model", "echo")
    assert settings(ws) == {"llm.allowed_models": "echo,gpt-4o", "llm.model": "echo"}
    with Workspace.open(backend.target) as other:  # in the workspace, for every user of it
        assert settings(other)["llm.model"] == "echo"
    set_setting(ws, "llm.model", None)
    set_setting(ws, "llm.never_set", None)
    assert settings(ws) == {"llm.allowed_models": "echo,gpt-4o"}


@pytest.mark.parametrize(("key", "value", "message"), [
    ("llm", "x", "a key is dotted lower-case names"),
    ("LLM.model", "x", "a key is dotted lower-case names"),
    ("llm.model%", "x", "a key is dotted lower-case names"),
    ("llm.model", "two\nlines", "a value is one line of at most 2000 characters"),
    ("llm.model", "x" * 2001, "a value is one line of at most 2000 characters"),
])
def test_bad_keys_and_values_are_refused(ws: Workspace, key: str, value: str,
                                         message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        set_setting(ws, key, value)
    assert settings(ws) == {}


def test_kam_settings(kam_run: Callable[..., Any]) -> None:
    assert kam_run("init").code == 0
    assert kam_run("settings", "set", "llm.model", "gpt-4o").out == "llm.model = gpt-4o\n"
    listed = kam_run("settings", "list", "--json")
    assert listed.code == 0 and listed.json() == {"llm.model": "gpt-4o"}
    assert "llm.model" in kam_run("settings", "list").out
    bad = kam_run("settings", "set", "model", "x")
    assert bad.code == 2 and "setting 'model': a key is dotted" in bad.err
    assert "Traceback" not in bad.err
    assert kam_run("settings", "unset", "llm.model").out == "llm.model unset\n"
    assert kam_run("settings", "list", "--json").json() == {}

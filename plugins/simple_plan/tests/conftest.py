"""Fixtures: simple_plan under test with kamcore.testing (``kam_plan`` is a simple_plan plan of
the account ``acme``), and ``check``: simple_plan's findings about a plan."""

from __future__ import annotations

import functools

import pytest

from kamcore.testing import Checker


@pytest.fixture
def kam_plugin_names() -> set[str]:
    """Built-ins plus the installed ``simple_plan`` entry point only."""
    return {"simple_plan"}


@pytest.fixture
def kam_strict_plugins() -> bool:
    """A plugin failure raises."""
    return True


@pytest.fixture
def kam_methodology_name() -> str:
    return "simple_plan"


@pytest.fixture
def check(kam_check: Checker) -> Checker:
    """``check(plan, as_of=None)``: simple_plan's findings about the plan's stored revision."""
    return functools.partial(kam_check, source="simple_plan")

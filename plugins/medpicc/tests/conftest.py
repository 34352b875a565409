"""Fixtures: medpicc under test with kamcore.testing (``kam_methodology`` is medpicc), its
``meddic`` and ``meddicc`` variants, ``scored`` section data, and ``check``: medpicc's
findings about a plan."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

from kamcore.methodology import Methodology
from kamcore.plugin.registry import Registry
from kamcore.testing import Checker

Scored = Callable[..., dict[str, Any]]


@pytest.fixture
def kam_plugin_names() -> set[str]:
    """Built-ins plus the installed ``medpicc`` entry point only."""
    return {"medpicc"}


@pytest.fixture
def kam_strict_plugins() -> bool:
    """A plugin failure raises."""
    return True


@pytest.fixture
def kam_methodology_name() -> str:
    return "medpicc"


@pytest.fixture
def meddic(kam_registry: Registry) -> Methodology:
    return kam_registry.methodology("meddic")


@pytest.fixture
def meddicc(kam_registry: Registry) -> Methodology:
    return kam_registry.methodology("meddicc")


@pytest.fixture
def scored() -> Scored:
    """``scored(metrics=2, champion=0, ...)``: section data for one opportunity, with evidence
    for every score above 0."""

    def build(**scores: int) -> dict[str, Any]:
        return {element: ({"score": value, "evidence": f"why {element} is {value}"} if value
                          else {"score": 0})
                for element, value in scores.items()}

    return build


@pytest.fixture
def check(kam_check: Checker) -> Checker:
    """``check(plan)``: medpicc's findings about the plan's stored revision."""
    return functools.partial(kam_check, source="medpicc")

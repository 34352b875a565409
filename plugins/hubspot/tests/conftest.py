"""Fixtures: hubspot under test with kamcore.testing, and a writable copy of its samples."""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

import pytest


@pytest.fixture
def kam_plugin_names() -> set[str]:
    """Built-ins plus the installed ``hubspot`` entry point only."""
    return {"hubspot"}


@pytest.fixture
def kam_strict_plugins() -> bool:
    """A plugin failure raises."""
    return True


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    target = tmp_path / "samples"
    shutil.copytree(Path(str(files("kamcore_hubspot") / "samples")), target)
    return target

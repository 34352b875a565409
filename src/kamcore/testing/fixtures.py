"""Fixtures of the kamcore pytest plugin.

``kam_plugin_names`` chooses the external plugins under test (entry-point or distribution
names; default: none, only the built-ins); override it in your conftest or test class.
Imports happen inside the fixtures so that merely having kamcore installed costs pytest
nothing at start-up.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ..plugins import PluginHost
    from ..registry import Registry
    from ..store import Workspace


@pytest.fixture
def kam_plugin_names() -> set[str]:
    """Names of the external plugins to load; override to test yours."""
    return set()


@pytest.fixture
def kam_plugin_host(kam_plugin_names: set[str]) -> PluginHost:
    """A fresh plugin host: the built-ins plus only the plugins under test (not strict)."""
    from ..plugins import make_plugin_host

    return make_plugin_host(allowlist=frozenset(kam_plugin_names), strict=False)


@pytest.fixture
def kam_registry(kam_plugin_host: PluginHost) -> Registry:
    """A fresh registry over :func:`kam_plugin_host`."""
    from ..registry import Registry

    return Registry(kam_plugin_host)


@pytest.fixture
def kam_workspace(tmp_path: Path, kam_plugin_host: PluginHost) -> Iterator[Workspace]:
    """An empty SQLite workspace file in ``tmp_path``, firing events to the host under test."""
    from ..events import HookEvents
    from ..store import Workspace

    workspace = Workspace.open(tmp_path / "kam.db", create=True,
                               listener=HookEvents(kam_plugin_host))
    yield workspace
    workspace.close()

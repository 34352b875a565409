"""Fixtures: the installed ``hubspot`` plugin, a writable copy of its samples, a workspace."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest

from kamcore.plugins import PluginHost, make_plugin_host
from kamcore.registry import Registry
from kamcore.store import Workspace


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    target = tmp_path / "samples"
    shutil.copytree(Path(str(files("kamcore_hubspot") / "samples")), target)
    return target


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return make_plugin_host(allowlist=frozenset({"hubspot"}), strict=True)


@pytest.fixture(scope="module")
def registry(host: PluginHost) -> Registry:
    return Registry(host)


@pytest.fixture
def ws(tmp_path: Path, host: PluginHost) -> Iterator[Workspace]:
    workspace = Workspace.open(tmp_path / "ws.db", create=True, plugins=host)
    yield workspace
    workspace.close()

"""Fixtures: the real installed ``medpicc`` entry point, a registry and an SQLite workspace."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kamcore.methodology import Methodology
from kamcore.model import Account, Finding, Plan
from kamcore.planning import check_plan
from kamcore.plugins import PluginHost, make_plugin_host
from kamcore.registry import Registry
from kamcore.store import Workspace

CheckFn = Callable[[Plan], list[Finding]]
Scored = Callable[..., dict[str, Any]]


@pytest.fixture(scope="module")
def host() -> PluginHost:
    """Built-ins plus the installed ``medpicc`` entry point only; plugin failures are fatal."""
    return make_plugin_host(allowlist=frozenset({"medpicc"}), strict=True)


@pytest.fixture(scope="module")
def registry(host: PluginHost) -> Registry:
    return Registry(host)


@pytest.fixture(scope="module")
def medpicc(registry: Registry) -> Methodology:
    return registry.methodology("medpicc")


@pytest.fixture(scope="module")
def meddic(registry: Registry) -> Methodology:
    return registry.methodology("meddic")


@pytest.fixture(scope="module")
def meddicc(registry: Registry) -> Methodology:
    return registry.methodology("meddicc")


@pytest.fixture
def ws(tmp_path: Path, host: PluginHost) -> Iterator[Workspace]:
    workspace = Workspace.open(tmp_path / "ws.db", create=True, plugins=host)
    yield workspace
    workspace.close()


@pytest.fixture
def account(ws: Workspace) -> Account:
    return ws.save(Account(id="acme", name="ACME Corp"), base_revision=0)


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
def check(ws: Workspace, host: PluginHost, registry: Registry) -> CheckFn:
    """``check(plan)``: medpicc's findings about the plan's stored revision."""

    def run(plan: Plan) -> list[Finding]:
        current = ws.get(Plan, plan.id)
        methodology = registry.methodology(current.methodology.name)
        found = check_plan(current, methodology, ws.snapshot(current.account_id), host,
                           date(2026, 3, 1))
        return [finding for finding in found if finding.source == "medpicc"]

    return run

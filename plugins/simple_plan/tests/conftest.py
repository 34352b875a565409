"""Fixtures: the real installed ``simple_plan`` entry point, a registry and an SQLite workspace."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from kamcore.methodology import Methodology
from kamcore.model import Account, Finding, Plan
from kamcore.planning import check_plan, new_plan
from kamcore.plugins import PluginHost, make_plugin_host
from kamcore.registry import Registry
from kamcore.store import Workspace


@pytest.fixture(scope="module")
def host() -> PluginHost:
    """Built-ins plus the installed ``simple_plan`` entry point only; failures are fatal."""
    return make_plugin_host(allowlist=frozenset({"simple_plan"}), strict=True)


@pytest.fixture(scope="module")
def registry(host: PluginHost) -> Registry:
    return Registry(host)


@pytest.fixture(scope="module")
def methodology(registry: Registry) -> Methodology:
    return registry.methodology("simple_plan")


@pytest.fixture
def ws(tmp_path: Path, host: PluginHost) -> Iterator[Workspace]:
    workspace = Workspace.open(tmp_path / "ws.db", create=True, plugins=host)
    yield workspace
    workspace.close()


@pytest.fixture
def account(ws: Workspace) -> Account:
    return ws.save(Account(id="acme", name="ACME Corp"), base_revision=0)


@pytest.fixture
def plan(ws: Workspace, methodology: Methodology, account: Account) -> Plan:
    return new_plan(ws, methodology, account.id, period="FY2027")


def start_of(plan: Plan) -> date:
    """The day the plan was created: the cadence runs from it."""
    assert plan.created_at is not None
    return plan.created_at.date()


CheckFn = Callable[..., list[Finding]]


@pytest.fixture
def check(ws: Workspace, host: PluginHost, methodology: Methodology) -> CheckFn:
    """``check(plan, as_of=None)``: simple_plan's findings about the plan's stored revision.

    ``as_of`` defaults to ten days after the plan was created (no review is due yet).
    """

    def run(plan: Plan, as_of: date | None = None) -> list[Finding]:
        current = ws.get(Plan, plan.id)
        when = as_of or start_of(current) + timedelta(days=10)
        found = check_plan(current, methodology, ws.snapshot(current.account_id), host, when)
        return [finding for finding in found if finding.source == "simple_plan"]

    return run

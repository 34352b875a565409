"""Fixtures of the kamcore pytest plugin.

``kam_plugin_names`` chooses the external plugins under test (entry-point or distribution
names; default: none, only the built-ins) and ``kam_strict_plugins`` whether their failures
raise (default: they do); override them in your conftest or test class.
``kam_methodology_name`` names the methodology that ``kam_methodology`` and ``kam_plan``
use: override it to use them.
Imports happen inside the fixtures so that merely having kamcore installed costs pytest
nothing at start-up.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pytest

if TYPE_CHECKING:
    from ..methodology import Methodology
    from ..model import Account, Finding, Plan
    from ..plugin.host import PluginHost
    from ..plugin.registry import Registry
    from ..store import Workspace


class Checker(Protocol):
    """What the :func:`kam_check` fixture gives: ``check(plan, as_of=None, *, source=None)``."""

    def __call__(self, plan: Plan, as_of: date | None = None, *,
                 source: str | None = None) -> list[Finding]: ...


@pytest.fixture
def kam_plugin_names() -> set[str]:
    """Names of the external plugins to load; override to test yours."""
    return set()


@pytest.fixture
def kam_strict_plugins() -> bool:
    """Whether plugin failures raise (:class:`~kamcore.errors.PluginError`, chained to what the
    plugin raised) rather than being recorded; default True, so that a plugin that fails to
    load, or a hook that raises, fails the test where it happens with the plugin's traceback
    instead of becoming a ``plugin-failed`` finding. ``KAMCORE_STRICT_PLUGINS=0`` in the
    environment turns the default off; a test that means to see failures recorded (as ``kam``
    records them) overrides this fixture to return False."""
    import os

    return os.environ.get("KAMCORE_STRICT_PLUGINS", "1").strip().lower() not in {
        "0", "false", "no", ""}


@pytest.fixture
def kam_plugin_host(kam_plugin_names: set[str], kam_strict_plugins: bool) -> PluginHost:
    """A fresh plugin host: the built-ins plus only the plugins under test, strict if
    :func:`kam_strict_plugins` says so."""
    from ..plugin.host import make_plugin_host

    return make_plugin_host(allowlist=frozenset(kam_plugin_names), strict=kam_strict_plugins)


@pytest.fixture
def kam_registry(kam_plugin_host: PluginHost) -> Registry:
    """A fresh registry over :func:`kam_plugin_host`."""
    from ..plugin.registry import Registry

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


@pytest.fixture
def kam_account(kam_workspace: Workspace) -> Account:
    """The account ``acme`` (:func:`~kamcore.testing.sample_account`: it has a CRM id, and no
    stakeholder or opportunity) saved in :func:`kam_workspace`; the stored revision."""
    from .factories import sample_account

    return kam_workspace.save(sample_account(), base_revision=0)


@pytest.fixture
def kam_methodology_name() -> str:
    """The name of the methodology :func:`kam_methodology` and :func:`kam_plan` use: override
    it (in your conftest: ``return "house-plan"``). Not overridden, the test fails saying so."""
    pytest.fail("override the kam_methodology_name fixture to use kam_methodology or kam_plan")


@pytest.fixture
def kam_methodology(kam_registry: Registry, kam_methodology_name: str) -> Methodology:
    """The methodology :func:`kam_methodology_name` from :func:`kam_registry`."""
    return kam_registry.methodology(kam_methodology_name)


@pytest.fixture
def kam_plan(kam_workspace: Workspace, kam_methodology: Methodology,
             kam_account: Account) -> Plan:
    """A new plan of :func:`kam_methodology` for :func:`kam_account`: at the first step, with no
    section, no period, and the methodology's default id (``acme-<methodology>``)."""
    from ..planning import new_plan

    return new_plan(kam_workspace, kam_methodology, kam_account.id)


@pytest.fixture
def kam_check(kam_workspace: Workspace, kam_registry: Registry) -> Checker:
    """``check(plan, as_of=None, *, source=None)``: the findings about the stored revision of
    ``plan``, from every ``kam_check_plan`` of the host under test (errors first).

    The plan is checked against its own methodology (looked up by name in
    :func:`kam_registry`) and its account's snapshot in :func:`kam_workspace`, as of ``as_of``:
    by default the day the plan was created, so the cadence has not made any review due.
    ``source`` keeps only the findings of that plugin (the ``source`` its findings carry).
    """
    from ..model import Plan
    from ..planning import check_plan

    def check(plan: Plan, as_of: date | None = None, *,
              source: str | None = None) -> list[Finding]:
        stored = kam_workspace.get(Plan, plan.id)
        methodology = kam_registry.methodology(stored.methodology.name)
        if as_of is None:
            assert stored.created_at is not None, "a stored plan has its creation time"
            as_of = stored.created_at.date()
        found = check_plan(stored, methodology, kam_workspace.snapshot(stored.account_id),
                           kam_registry.host, as_of)
        return [finding for finding in found if source is None or finding.source == source]

    return check

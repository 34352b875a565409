"""What plugins contribute fails as the plugin's failure: an exporter, an adapter (also while
its records are read) or a signal that raises -- ``SystemExit`` included -- stops the
operation with a :class:`PluginError` naming the plugin, recorded for ``kam plugins``, and
nothing is written. A refusal the plugin means (a :class:`KamError`) goes through as it is."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kamcore import Adapter, Exporter, Signal, hookimpl, operations
from kamcore.errors import InvalidInputError, PluginError
from kamcore.model import Account, MethodologyRef, Plan, Record
from kamcore.operations import Actor
from kamcore.plugin.host import make_plugin_host
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

ME = Actor("me")


def _exit(*_: Any) -> Any:
    sys.exit(3)


def _records(path: Path) -> Iterator[Record]:
    yield Account(id="first", name="First")
    if path.name == "refuse":
        raise InvalidInputError(f"{path}: a bad row")
    raise SystemExit("the adapter gives up half way")


class Faulty:
    @hookimpl
    def kam_exporters(self) -> list[Exporter]:
        return [Exporter("exits", "Exits.", ".txt", _exit)]

    @hookimpl
    def kam_adapters(self) -> list[Adapter]:
        return [Adapter("half", "Gives up half way.", _records)]

    @hookimpl
    def kam_signals(self) -> list[Signal]:
        return [Signal("broken", "Divides by zero.", lambda snapshot: 1 / 0)]


@pytest.fixture
def registry() -> Registry:
    return Registry(make_plugin_host(entry_points=False, strict=False,
                                     extra={"faulty": Faulty()}))


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "kam.db", create=True) as workspace:
        yield workspace


def test_an_exporter_that_exits_is_the_plugins_failure(ws: Workspace,
                                                       registry: Registry) -> None:
    operations.add_account(ws, ME, "Acme")
    ws.save(Plan(id="acme-plan", account_id="acme", step="start",
                 methodology=MethodologyRef(name="not-installed", version="1")))
    with pytest.raises(PluginError, match="exporter 'exits' of plugin 'faulty' failed: "
                                          r"SystemExit: called sys.exit\(3\)"):
        operations.export_plan(ws, "acme-plan", "exits", registry=registry)
    assert registry.host.plugins["faulty"].errors == [
        "exporter 'exits' of plugin 'faulty' failed: SystemExit: called sys.exit(3)"]


def test_an_adapter_failing_while_its_records_are_read_writes_nothing(
        ws: Workspace, registry: Registry, tmp_path: Path) -> None:
    with pytest.raises(PluginError, match=r"adapter 'half' of plugin 'faulty' failed: "
                                          r"SystemExit: called sys\.exit"):
        operations.import_with(ws, ME, "half", tmp_path / "export", registry=registry)
    assert ws.count(Account) == 0
    # a refusal the adapter means is its own message, not a plugin failure
    with pytest.raises(InvalidInputError, match="a bad row"):
        operations.import_with(ws, ME, "half", tmp_path / "refuse", registry=registry)
    assert ws.count(Account) == 0


def test_a_raising_signal_is_the_plugins_failure(registry: Registry) -> None:
    from kamcore.snapshot import AccountSnapshot

    snapshot = AccountSnapshot(account=Account(id="acme", name="Acme"))
    with pytest.raises(PluginError, match="signal 'broken' of plugin 'faulty' failed: "
                                          "ZeroDivisionError"):
        registry.signal("broken").compute(snapshot)


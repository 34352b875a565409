"""How the plugin host calls hooks: pluggy's order, each implementation isolated, wrappers
refused, ``firstresult`` honoured. Plugins here are real pluggy plugin objects registered on a
real host next to the built-ins."""

from __future__ import annotations

from typing import Any

import pytest

from kamcore import hookimpl, hookspec
from kamcore.plugin.host import PluginHost, PluginInfo, make_plugin_host


def _calls_recorder(name: str, log: list[str], **marker: Any) -> object:
    """A plugin whose ``kam_plan_saved`` appends ``name`` to ``log``."""

    class Recorder:
        @hookimpl(**marker)
        def kam_plan_saved(self, plan: Any) -> None:
            log.append(name)

    return Recorder()


@pytest.fixture
def host() -> PluginHost:
    return make_plugin_host(builtins=False, entry_points=False, strict=False)


def test_tryfirst_runs_first_and_trylast_last_whatever_the_registration_order(
        host: PluginHost) -> None:
    log: list[str] = []
    plugins = [("last", {"trylast": True}), ("plain-1", {}), ("first", {"tryfirst": True}),
               ("plain-2", {})]
    for name, marker in plugins:
        host.register(_calls_recorder(name, log, **marker), PluginInfo(name=name, builtin=False))
    outcomes = host.call("kam_plan_saved", plan=None, previous=None, workspace=None)
    # pluggy's order: tryfirst, then the plain ones (last registered first), then trylast
    assert log == ["first", "plain-2", "plain-1", "last"]
    assert [outcome.plugin for outcome in outcomes] == log


def test_a_raising_implementation_is_reported_and_the_next_still_runs(host: PluginHost) -> None:
    log: list[str] = []

    class Raising:
        @hookimpl(tryfirst=True)
        def kam_plan_saved(self) -> None:
            raise RuntimeError("boom")

    host.register(Raising(), PluginInfo(name="raising", builtin=False))
    host.register(_calls_recorder("after", log), PluginInfo(name="after", builtin=False))
    outcomes = host.call("kam_plan_saved", plan=None, previous=None, workspace=None)
    assert [(o.plugin, type(o.error).__name__ if o.error else None) for o in outcomes] == [
        ("raising", "RuntimeError"), ("after", None)]
    assert log == ["after"]
    assert host.plugins["raising"].errors == ["kam_plan_saved raised RuntimeError: boom"]


@pytest.mark.parametrize("raised", [SystemExit(0), GeneratorExit()])
def test_a_base_exception_is_reported_like_any_other(host: PluginHost,
                                                     raised: BaseException) -> None:
    log: list[str] = []

    class Exiting:
        @hookimpl(tryfirst=True)
        def kam_plan_saved(self) -> None:
            raise raised

    host.register(Exiting(), PluginInfo(name="exiting", builtin=False))
    host.register(_calls_recorder("after", log), PluginInfo(name="after", builtin=False))
    outcomes = host.call("kam_plan_saved", plan=None, previous=None, workspace=None)
    assert outcomes[0].error is raised
    assert log == ["after"]
    assert host.plugins["exiting"].errors[0].startswith(
        f"kam_plan_saved raised {type(raised).__name__}")


def test_keyboard_interrupt_still_stops_everything(host: PluginHost) -> None:
    class Interrupted:
        @hookimpl
        def kam_plan_saved(self) -> None:
            raise KeyboardInterrupt

    host.register(Interrupted(), PluginInfo(name="interrupted", builtin=False))
    with pytest.raises(KeyboardInterrupt):
        host.call("kam_plan_saved", plan=None, previous=None, workspace=None)


@pytest.mark.parametrize("marker", [{"hookwrapper": True}, {"wrapper": True}])
def test_a_hook_wrapper_is_refused_with_a_clear_error(host: PluginHost,
                                                      marker: dict[str, bool]) -> None:
    class Wrapper:
        @hookimpl(**marker)
        def kam_check_plan(self):  # type: ignore[no-untyped-def]
            return (yield)

        @hookimpl
        def kam_exporters(self) -> list[Any]:
            return []

    host.register(Wrapper(), PluginInfo(name="wrapping", builtin=False))
    info = host.plugins["wrapping"]
    assert info.status == "failed"
    assert info.errors == [
        "refused: hookimpl 'kam_check_plan' is a hook wrapper; kamcore calls each "
        "implementation on its own and runs no wrappers (drop wrapper=True / hookwrapper=True)"]
    # nothing of the plugin stays registered, its plain hooks included
    assert host.pm.get_plugin("wrapping") is None
    assert host.call("kam_exporters") == []


def test_a_wrapper_is_fatal_in_strict_mode() -> None:
    from kamcore.errors import PluginError

    strict = make_plugin_host(builtins=False, entry_points=False, strict=True)

    class Wrapper:
        @hookimpl(wrapper=True)
        def kam_exporters(self):  # type: ignore[no-untyped-def]
            return (yield)

    with pytest.raises(PluginError, match="hook wrapper"):
        strict.register(Wrapper(), PluginInfo(name="wrapping", builtin=False))


class _FirstResultSpec:
    @hookspec(firstresult=True)
    def kam_pick(self, options: list[str]) -> str | None:
        """A first-result hook (test only)."""


def test_a_firstresult_hook_stops_at_the_first_value_that_is_not_none(host: PluginHost) -> None:
    host.pm.add_hookspecs(_FirstResultSpec)
    called: list[str] = []

    def picker(name: str, answer: str | None, **marker: Any) -> object:
        class Picker:
            @hookimpl(**marker)
            def kam_pick(self, options: list[str]) -> str | None:
                called.append(name)
                return answer

        return Picker()

    host.register(picker("abstains", None, tryfirst=True), PluginInfo("abstains", False))
    host.register(picker("answers", "b"), PluginInfo("answers", False))
    host.register(picker("never-asked", "c", trylast=True), PluginInfo("never-asked", False))
    outcomes = host.call("kam_pick", options=["a", "b", "c"])
    assert called == ["abstains", "answers"]
    assert [(o.plugin, o.value) for o in outcomes] == [("abstains", None), ("answers", "b")]


def test_a_contested_name_stays_with_the_plugin_registered_first_even_if_called_first(
        ) -> None:
    from kamcore import Exporter
    from kamcore.plugin.registry import Registry

    host = make_plugin_host(entry_points=False, strict=False)

    class Impostor:
        @hookimpl(tryfirst=True)
        def kam_exporters(self) -> list[Exporter]:
            return [Exporter("html", "an impostor", ".html", lambda context: "impostor")]

    host.register(Impostor(), PluginInfo(name="impostor", builtin=False))
    registry = Registry(host)
    assert registry.provider("exporter", "html") == "kamcore.builtin.exporters"
    assert any("already provided by kamcore.builtin.exporters" in error
               for error in host.plugins["impostor"].errors)

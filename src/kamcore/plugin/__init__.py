"""Writing and loading kamcore plugins: the hook contract, the host and the registry.

A plugin is a module (or any object) with functions marked :data:`hookimpl`, named after the
hooks of :mod:`kamcore.plugin.spec`, and announced by an entry point in the ``kamcore`` group::

    # pyproject.toml of a plugin distribution
    [project.entry-points.kamcore]
    acme = "kamcore_acme"

    # kamcore_acme/__init__.py
    from kamcore import hookimpl

    @hookimpl
    def kam_methodologies():
        return [files("kamcore_acme") / "acme.yaml"]

The package holds one concept per module:

:mod:`~kamcore.plugin.markers`
    the pluggy markers :data:`hookimpl` and :data:`hookspec` of the ``kamcore`` project.
:mod:`~kamcore.plugin.spec`
    the hook contract: every ``kam_*`` hookspec, its docstring the contract (rendered into
    the hook reference).
:mod:`~kamcore.plugin.contributions`
    the values plugins return from registration hooks: :class:`Exporter`, :class:`Adapter`,
    :class:`Signal`, and the :class:`ExportContext` exporters receive.
:mod:`~kamcore.plugin.host`
    :class:`PluginHost`: loads the built-ins and the entry points the allowlist admits, each in
    isolation, and calls hooks -- every implementation on its own, in pluggy's order; a
    failure is reported against its plugin and skipped.
:mod:`~kamcore.plugin.registry`
    :class:`Registry`: every contribution collected once per process, looked up by name.

The core's own features (:mod:`kamcore.builtin`) are plugins registered the same way. Plugin
authors test against the contract with the pytest plugin :mod:`kamcore.testing`. Names are
imported lazily, so ``import kamcore.plugin`` costs only pluggy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import exports
from .markers import ENTRY_POINT_GROUP, PROJECT_NAME, hookimpl, hookspec

_LAZY: dict[str, str] = {
    "Command": "kamcore.plugin.contributions",
    "Exporter": "kamcore.plugin.contributions",
    "Adapter": "kamcore.plugin.contributions",
    "Signal": "kamcore.plugin.contributions",
    "PortfolioIndex": "kamcore.plugin.contributions",
    "ExportContext": "kamcore.plugin.contributions",
    "PluginHost": "kamcore.plugin.host",
    "PluginInfo": "kamcore.plugin.host",
    "HookOutcome": "kamcore.plugin.host",
    "BUILTIN_PLUGINS": "kamcore.plugin.host",
    "make_plugin_host": "kamcore.plugin.host",
    "get_plugin_host": "kamcore.plugin.host",
    "PluginCommands": "kamcore.plugin.commands",
    "plugin_commands": "kamcore.plugin.commands",
    "Registry": "kamcore.plugin.registry",
    "get_registry": "kamcore.plugin.registry",
}


__getattr__, __dir__ = exports("kamcore.plugin", _LAZY, globals())

if TYPE_CHECKING:
    from .commands import PluginCommands, plugin_commands
    from .contributions import Adapter, Command, ExportContext, Exporter, PortfolioIndex, Signal
    from .host import (
        BUILTIN_PLUGINS,
        HookOutcome,
        PluginHost,
        PluginInfo,
        get_plugin_host,
        make_plugin_host,
    )
    from .registry import Registry, get_registry

__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "PROJECT_NAME",
    "Adapter",
    "Command",
    "ExportContext",
    "Exporter",
    "HookOutcome",
    "PluginCommands",
    "PluginHost",
    "PluginInfo",
    "PortfolioIndex",
    "Registry",
    "Signal",
    "get_plugin_host",
    "get_registry",
    "hookimpl",
    "hookspec",
    "make_plugin_host",
    "plugin_commands",
]

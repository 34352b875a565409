"""The ``kam`` commands plugins add through ``kam_commands``.

:func:`plugin_commands` collects them once: each name is claimed in registration order
(built-ins first, then entry points), a name kamcore or an earlier plugin already uses is
reported against the later plugin and ignored, and every callback is wrapped so that a failure
is its plugin's (:class:`~kamcore.errors.PluginError`, exit 2), as for other contributions.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from typing import TYPE_CHECKING, Any

import attrs
import click

from .contributions import Command
from .guard import contained

if TYPE_CHECKING:
    from .host import PluginHost

#: click's own ways out of a command (usage errors, ``ctx.exit``, Ctrl-C at a prompt).
_CLICK_EXITS = (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort)
#: callbacks already wrapped (the same command object may be collected by more than one host).
_WRAPPED: set[Callable[..., Any]] = set()


@attrs.frozen
class PluginCommands:
    """The commands plugins add: ``top`` (``kam NAME``) and ``under`` (``kam GROUP NAME``, by
    group), each with the plugin that provides it."""

    host: PluginHost
    top: dict[str, tuple[str, click.Command]]
    under: dict[str, dict[str, tuple[str, click.Command]]]

    def attach(self, group: click.Group) -> None:
        """Add the plugin commands meant for ``group`` (a built-in group, by its name) to it;
        a name the group already has is reported against the plugin and skipped."""
        for name, (plugin, command) in self.under.get(group.name or "", {}).items():
            existing = group.commands.get(name)
            if existing is command:
                continue
            if existing is not None:
                self.host.report(plugin, f"command 'kam {group.name} {name}' is kamcore's own; "
                                         "the plugin's was ignored")
                continue
            group.add_command(command, name)


def plugin_commands(host: PluginHost, builtins: Collection[str]) -> PluginCommands:
    """Collect every plugin's ``kam_commands``.

    :param builtins: the names of kamcore's own top-level commands; a plugin may add a command
        under one of them (``under=``) but not take one of their names.
    """
    outcomes = host.call_registered_first("kam_commands")
    top: dict[str, tuple[str, click.Command]] = {}
    under: dict[str, dict[str, tuple[str, click.Command]]] = {}
    for outcome in outcomes:
        if outcome.error is not None or outcome.value is None:
            continue
        for item in _items(host, outcome.plugin, outcome.value):
            name = item.command.name or ""
            if item.under is None:
                where, taken = f"kam {name}", name in builtins or name in top
                table = top
            elif item.under not in builtins:
                host.report(outcome.plugin, f"kam_commands: no kam command {item.under!r} to add "
                                            f"{name!r} under; ignored")
                continue
            else:
                table = under.setdefault(item.under, {})
                where, taken = f"kam {item.under} {name}", name in table
            if taken:
                host.report(outcome.plugin, f"command {where!r} is already taken; ignored")
                continue
            table[name] = (outcome.plugin, _contained(item.command, where, outcome.plugin, host))
    return PluginCommands(host, top, under)


def _items(host: PluginHost, plugin: str, value: Any) -> Iterator[Command]:
    """The hook's return value as :class:`Command` items; anything else is reported."""
    try:
        items = list(value)
    except TypeError:
        items = [value]
    for item in items:
        if isinstance(item, click.Command):
            item = Command(item)
        if isinstance(item, Command) and isinstance(item.command, click.Command) \
                and item.command.name:
            yield item
        else:
            host.report(plugin, f"kam_commands returned {item!r}, not a click command or "
                                "kamcore.plugin.Command")


def _contained(command: click.Command, where: str, plugin: str,
               host: PluginHost) -> click.Command:
    """``command`` (and, for a group, its subcommands) with callbacks whose failures are
    ``plugin``'s. The command object is changed in place: it belongs to the plugin's module
    and is handed out once per process."""
    if command.callback is not None and command.callback not in _WRAPPED:
        command.callback = contained(command.callback, f"command {where!r} of plugin {plugin!r}",
                                     plugin, host, passes=_CLICK_EXITS)
        _WRAPPED.add(command.callback)
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            _contained(sub, f"{where} {name}", plugin, host)
    return command

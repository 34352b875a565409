"""Plugins add ``kam`` commands through ``kam_commands``: top-level or under a built-in group,
names claimed in registration order, kamcore's own names kept, and a command that fails is its
plugin's failure (exit 2 naming the plugin), never a traceback."""

from __future__ import annotations

from typing import Any

import click
import pytest
from click.testing import CliRunner

from kamcore import hookimpl
from kamcore.cli import COMMANDS
from kamcore.errors import InvalidInputError, PluginError
from kamcore.plugin import Command
from kamcore.plugin.commands import plugin_commands
from kamcore.plugin.host import make_plugin_host


def _commands() -> dict[str, click.Command]:
    @click.command()
    def hello() -> None:
        """Say hello."""
        click.echo("hello from a plugin")

    @click.command()
    def crash() -> None:
        """Fail like a bug."""
        raise KeyError("account_team")

    @click.command()
    def refuse() -> None:
        """Refuse bad input on purpose."""
        raise InvalidInputError("team.yaml:3: members: required")

    @click.command()
    def summarize() -> None:
        """Summarise a plan."""
        click.echo("summary")

    @click.command(name="show")
    def own_show() -> None:
        """Would replace kam plan show."""

    return {cmd.name or "": cmd for cmd in (hello, crash, refuse, summarize, own_show)}


class First:
    def __init__(self, commands: dict[str, click.Command]) -> None:
        self.commands = commands

    @hookimpl
    def kam_commands(self) -> list[Any]:
        c = self.commands
        return [c["hello"], Command(c["crash"]), Command(c["refuse"]),
                Command(c["summarize"], under="plan"), Command(c["show"], under="plan"),
                "not a command"]


class Second:
    @hookimpl
    def kam_commands(self) -> list[Any]:
        @click.command(name="hello")
        def other_hello() -> None:
            """A second hello."""

        @click.command(name="init")
        def own_init() -> None:
            """Would replace kam init."""

        return [other_hello, own_init, Command(other_hello, under="nowhere")]


@pytest.fixture
def added() -> Any:
    commands = _commands()
    host = make_plugin_host(builtins=False, entry_points=False,
                            extra={"first": First(commands), "second": Second()})
    return host, plugin_commands(host, COMMANDS), commands


def test_commands_are_claimed_in_registration_order_and_kamcore_keeps_its_names(added: Any) -> None:
    host, found, commands = added
    assert {name: plugin for name, (plugin, _) in found.top.items()} == {
        "hello": "first", "crash": "first", "refuse": "first"}
    assert found.top["hello"][1] is commands["hello"]
    assert set(found.under) == {"plan"}
    errors = {info.name: info.errors for info in host.listing()}
    assert any("'kam hello' is already taken" in e for e in errors["second"])
    assert any("'kam init' is already taken" in e for e in errors["second"])
    assert any("no kam command 'nowhere'" in e for e in errors["second"])
    assert any("'not a command'" in e for e in errors["first"])


def test_commands_join_a_builtin_group_without_replacing_its_own(added: Any) -> None:
    host, found, _ = added

    @click.group(name="plan")
    def plan() -> None:
        """Plans."""

    @plan.command()
    def show() -> None:
        click.echo("kamcore's own show")

    found.attach(plan)
    runner = CliRunner()
    assert runner.invoke(plan, ["summarize"]).output == "summary\n"
    assert runner.invoke(plan, ["show"]).output == "kamcore's own show\n"
    assert any("'kam plan show' is kamcore's own" in e for e in host.plugins["first"].errors)


def test_a_failing_command_is_its_plugins_error_and_a_refusal_goes_through(added: Any) -> None:
    host, found, _ = added
    with pytest.raises(PluginError, match=r"command 'kam crash' of plugin 'first' failed: "
                                          r"KeyError: 'account_team'"):
        found.top["crash"][1].main([], standalone_mode=False)
    assert any("KeyError" in e for e in host.plugins["first"].errors)
    with pytest.raises(InvalidInputError, match="members: required"):
        found.top["refuse"][1].main([], standalone_mode=False)

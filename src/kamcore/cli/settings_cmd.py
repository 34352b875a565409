"""``kam settings list|set|unset``."""

from __future__ import annotations

import click

from ._common import json_option, open_workspace, print_json, print_table


@click.group()
def settings() -> None:
    """Show and change the workspace's settings (read by plugins, e.g. llm.allowed_models)."""


@settings.command("list")
@json_option
@click.pass_context
def list_settings(ctx: click.Context, as_json: bool) -> None:
    """List the workspace's settings."""
    from ..operations.settings import settings as read

    found = read(open_workspace(ctx))
    if as_json:
        print_json(found)
    else:
        print_table("settings", ["key", "value"], sorted(found.items()))


@settings.command("set")
@click.argument("key")
@click.argument("value")
@click.pass_context
def set_(ctx: click.Context, key: str, value: str) -> None:
    """Set setting KEY to VALUE."""
    from ..operations.settings import set_setting

    set_setting(open_workspace(ctx), key, value)
    click.echo(f"{key} = {value}")


@settings.command("unset")
@click.argument("key")
@click.pass_context
def unset(ctx: click.Context, key: str) -> None:
    """Remove setting KEY (the plugin's default applies again)."""
    from ..operations.settings import set_setting

    set_setting(open_workspace(ctx), key, None)
    click.echo(f"{key} unset")

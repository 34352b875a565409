"""The ``kam`` command.

Subcommands live in their own modules and are imported only when run, so ``kam --help``
imports click and nothing heavy. Errors caused by input exit with code 2 and a clear message
(so does a file or folder that cannot be read or written: its path and the cause); a failed
check or a refused advance exits with 1.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ..plugin.commands import PluginCommands
    from ..plugin.host import PluginHost

#: name -> (module, attribute, one-line help shown by ``kam --help``)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("kamcore.cli.init_cmd", "init", "Create a workspace."),
    "migrate": ("kamcore.cli.migrate_cmd", "migrate", "Upgrade an older workspace's schema."),
    "demo": ("kamcore.cli.demo_cmd", "demo", "Build, check and export a sample portfolio."),
    "plugins": ("kamcore.cli.plugins_cmd", "plugins", "List plugins, what they add, and errors."),
    "methodologies": ("kamcore.cli.catalog_cmd", "methodologies", "List or check methodologies."),
    "rubrics": ("kamcore.cli.catalog_cmd", "rubrics", "List or show scoring rubrics."),
    "account": ("kamcore.cli.account_cmd", "account",
                "Add, change, list and show accounts; what moved at them."),
    "stakeholder": ("kamcore.cli.stakeholder_cmd", "stakeholder",
                    "Add, change, list and remove stakeholders."),
    "relationship": ("kamcore.cli.relationship_cmd", "relationship",
                     "Link stakeholders: reporting lines, influence, conflicts."),
    "opportunity": ("kamcore.cli.opportunity_cmd", "opportunity",
                    "Add, change, list and remove opportunities."),
    "plan": ("kamcore.cli.plan_cmd", "plan", "Create, edit, check and advance plans."),
    "review": ("kamcore.cli.review_cmd", "review", "Record plan reviews and see which are due."),
    "score": ("kamcore.cli.score_cmd", "score", "Score an account or rank the portfolio."),
    "segment": ("kamcore.cli.score_cmd", "segment", "Who belongs in the key-account programme."),
    "metrics": ("kamcore.cli.metrics_cmd", "metrics", "Programme metrics of a quarter."),
    "revenue": ("kamcore.cli.revenue_cmd", "revenue", "Record and list revenue facts."),
    "import": ("kamcore.cli.import_cmd", "import_", "Import records with an adapter."),
    "sync": ("kamcore.cli.sync_cmd", "sync", "Pull what changed in a CRM; push plans to it."),
    "export": ("kamcore.cli.export_cmd", "export", "Export a plan with an exporter."),
    "schema": ("kamcore.cli.schema_cmd", "schema", "Print the JSON Schema of a record."),
    "settings": ("kamcore.cli.settings_cmd", "settings", "Show and change workspace settings."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, with the commands plugins add
    (``kam_commands``) after kamcore's own."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *_plugin_commands().top]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            entry = _plugin_commands().top.get(cmd_name)
            return entry[1] if entry is not None else None
        module_name, attribute, _ = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        if isinstance(command, click.Group) and _plugins_extend(cmd_name):
            _plugin_commands().attach(command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, entry[2]) for name, entry in COMMANDS.items()])
        added = _plugin_commands().top
        if added:
            with formatter.section("Commands from plugins"):
                formatter.write_dl([
                    (name, f"{command.get_short_help_str(limit=60)} [{plugin}]")
                    for name, (plugin, command) in added.items()
                ])


def _plugins_extend(group: str) -> bool:
    """Whether any plugin adds commands under ``kam GROUP``; loads plugins only when the group
    is asked for its subcommands, so ``kam plan show`` does not pay for it up front."""
    return group in _plugin_commands().under


def _plugin_commands() -> PluginCommands:
    """The commands the process's current plugin host adds (rebuilt when the host is)."""
    from ..plugin.host import get_plugin_host

    return _commands_of(get_plugin_host())


@functools.lru_cache(maxsize=1)
def _commands_of(host: PluginHost) -> PluginCommands:
    from ..plugin.commands import plugin_commands

    return plugin_commands(host, COMMANDS)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--workspace", "-w", envvar="KAM_WORKSPACE", default="kam.db", show_default=True,
    help="Workspace path or database URL (also $KAM_WORKSPACE).",
)
@click.option("--user", envvar="KAM_USER", default=None,
              help="Who is making changes, recorded in the history (also $KAM_USER; default: "
                   "your login name).")
@click.version_option(package_name="kamcore", prog_name="kam")
@click.pass_context
def cli(ctx: click.Context, workspace: str, user: str | None) -> None:
    """kamcore: key-account plans under installable, tested methodologies."""
    source = ctx.get_parameter_source("workspace")
    ctx.obj = {
        "workspace": workspace,
        "workspace_given": source is click.core.ParameterSource.COMMANDLINE,
        "user": user,
    }


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``kam``: run the CLI and turn errors into messages and exit codes."""
    sys.exit(run(argv))


def run(argv: list[str] | None = None) -> int:
    """Run ``kam`` with ``argv``; return the exit code instead of exiting."""
    try:
        result: Any = cli.main(args=argv, prog_name="kam", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return 2
    except SystemExit as exc:  # kam's own code never raises it: code kam called did
        if os.environ.get("KAMCORE_DEBUG"):
            raise
        click.echo(f"internal error: code kam called (outside any plugin: their failures are "
                   f"caught) called sys.exit({exc.code!r}); nothing after it ran\n"
                   "(set KAMCORE_DEBUG=1 to see the traceback, and please report it)", err=True)
        return 3
    except Exception as exc:
        from ..errors import KamError

        if isinstance(exc, KamError):
            click.echo(f"error: {exc}", err=True)
            return exc.exit_code
        if isinstance(exc, OSError) and exc.filename is not None:  # a file given, or its folder
            click.echo(f"error: {exc.filename}: {exc.strerror or exc}", err=True)
            return 2
        if os.environ.get("KAMCORE_DEBUG"):
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                   "(set KAMCORE_DEBUG=1 to see the traceback, and please report it)", err=True)
        return 3
    return int(result) if isinstance(result, int) else 0

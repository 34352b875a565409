"""Shared pieces of the subcommands: the workspace, the registry, output, file writing."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ..model import Finding
    from ..registry import Registry
    from ..store import Workspace

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def workspace_target(ctx: click.Context) -> str:
    """The workspace path or URL chosen with --workspace / $KAM_WORKSPACE / ./kam.db."""
    target: str = ctx.find_root().obj["workspace"]
    return target


def actor(ctx: click.Context) -> str | None:
    """Who the changes are recorded as: --user, $KAM_USER or the login name."""
    user: str | None = ctx.find_root().obj.get("user")
    if user:
        return user
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def open_workspace(ctx: click.Context, *, create: bool = False) -> Workspace:
    """Open the chosen workspace, closing it when the command ends."""
    from ..plugins import get_plugin_host
    from ..store import Workspace

    workspace = Workspace.open(workspace_target(ctx), create=create, plugins=get_plugin_host())
    ctx.call_on_close(workspace.close)
    return workspace


def registry() -> Registry:
    """The process registry (plugins are loaded here, not before)."""
    from ..registry import get_registry

    return get_registry()


def warn_about_plugins(reg: Registry) -> None:
    """Print each plugin's errors and deprecation warnings to stderr."""
    for info in reg.host.listing():
        for error in info.errors:
            click.echo(f"plugin {info.name}: {error}", err=True)
        for warning in info.warnings:
            click.echo(f"plugin {info.name}: warning: {warning}", err=True)


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON."""
    click.echo(json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False, default=str))


def print_table(title: str | None, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Print a table with rich (imported here: it is not needed for --help or --json)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    console = Console()
    if not console.is_terminal:
        console = Console(width=max(console.width, 160))
    console.print(table)


def parse_date(value: str | None, option: str) -> date | None:
    """An ISO date given on the command line, or a clear usage error."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)",
                                 param_hint=option) from None


def current_umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def stage_file(folder: Path, name: str, content: str | bytes) -> Path:
    """Write ``content`` to a hidden temporary file in ``folder`` (mode as the umask allows);
    the caller renames it into place, so no reader ever sees a half-written ``name``."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = stage_file(path.parent, path.name, content)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise

def show_findings(findings: Sequence[Finding], title: str) -> None:
    """Print findings as a table, or a line saying there are none."""
    if not findings:
        click.echo(f"{title}: no findings")
        return
    print_table(title, ["severity", "code", "message", "path", "source"],
                [[f.severity, f.code, f.message, f.path, f.source] for f in findings])


def findings_json(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """Findings as JSON data."""
    return [f.model_dump(mode="json") for f in findings]


def key_values(values: Sequence[str], option: str) -> dict[str, str]:
    """``KEY=VALUE`` options as a dict; a usage error names the bad one."""
    result = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{value!r} is not KEY=VALUE", param_hint=option)
        result[key] = rest
    return result


def validated(build: Callable[[], Any], what: str) -> Any:
    """Run a pydantic constructor; turn its ValidationError into a located InvalidInputError."""
    from pydantic import ValidationError

    from ..errors import InvalidInputError, Problem

    try:
        return build()
    except ValidationError as exc:
        raise InvalidInputError(f"invalid {what}", [
            Problem(error["msg"], path=tuple(error["loc"])) for error in exc.errors()
        ]) from None

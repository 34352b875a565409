"""Shared pieces of the subcommands: the workspace, the registry, output, file writing."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ..model import Finding
    from ..operations import Actor
    from ..plan_words import PlanWords
    from ..plugin.registry import Registry
    from ..store import Workspace

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
yaml_option = click.option("--yaml", "as_yaml", is_flag=True,
                           help="Print the document as YAML (what a house file is written in).")


def workspace_target(ctx: click.Context) -> str:
    """The workspace path or URL chosen with --workspace / $KAM_WORKSPACE / ./kam.db."""
    target: str = ctx.find_root().obj["workspace"]
    return target


def actor(ctx: click.Context) -> Actor:
    """Who the changes are recorded as: --user, $KAM_USER or the login name."""
    from ..operations import Actor

    user: str | None = ctx.find_root().obj.get("user")
    if user:
        return Actor(user)
    import getpass

    try:
        return Actor(getpass.getuser())
    except (KeyError, OSError):
        return Actor(None)


def open_workspace(ctx: click.Context, *, create: bool = False,
                   target: str | None = None) -> Workspace:
    """Open the chosen workspace (or ``target``), its saves told to the plugins' event hooks,
    closing it when the command ends."""
    from ..events import HookEvents
    from ..plugin.host import get_plugin_host
    from ..store import Workspace

    workspace = Workspace.open(target or workspace_target(ctx), create=create,
                               listener=HookEvents(get_plugin_host()))
    ctx.call_on_close(workspace.close)
    return workspace


def registry() -> Registry:
    """The process registry (plugins are loaded here, not before)."""
    from ..plugin.registry import get_registry

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


def print_yaml(data: Any) -> None:
    """Print ``data`` as block-style YAML, keys in their order (yaml imported here)."""
    import yaml

    click.echo(yaml.safe_dump(json.loads(json.dumps(data, default=str)), sort_keys=False,
                              allow_unicode=True, default_flow_style=False, width=100), nl=False)


def print_table(title: str | None, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Print a table with rich (imported here: it is not needed for --help or --json).

    Printing to a file or pipe, a simple table is written by :func:`plain_table` without
    importing rich -- the same characters rich would print.
    """
    cells = [["" if cell is None else str(cell) for cell in row] for row in rows]
    if not _rich_styles_output():
        text = plain_table(title, headers, cells)
        if text is not None:
            sys.stdout.write(text)
            return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for header in headers:
        table.add_column(header)
    for row in cells:
        table.add_row(*row)
    console = Console()
    if not console.is_terminal:
        console = Console(width=max(console.width, PIPE_WIDTH))
    console.print(table)


#: The least width a table printed to a file or pipe may take.
PIPE_WIDTH = 160
#: Text rich prints as it is: printable ASCII without markup (``[``) or emoji codes (``:x:``).
_PLAIN_CELL = re.compile(r"(?:[ -9;-Z\\\]-~]|:(?!\S*:))*")
#: Environment variables that make rich treat a file or pipe as a terminal (styles, colours).
_TERMINAL_HINTS = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


def _rich_styles_output() -> bool:
    """True unless stdout is a UTF-8 file or pipe that rich would print to without styles."""
    try:
        terminal = sys.stdout.isatty()
    except ValueError:  # closed
        terminal = False
    encoding = (getattr(sys.stdout, "encoding", None) or "utf-8").lower()
    return (terminal or not encoding.startswith("utf") or sys.platform == "win32"
            or any(hint in os.environ for hint in _TERMINAL_HINTS) or "IPython" in sys.modules)


def plain_table(title: str | None, headers: Sequence[str],
                rows: Sequence[Sequence[str]]) -> str | None:
    """The table exactly as rich prints it (heavy head, no styles) to a file or pipe, or None
    when the table is not simple enough to be sure: a cell or the title with other than plain
    printable ASCII, a row of another length, a table wider than :data:`PIPE_WIDTH` (rich
    would wrap it), a title wider than the table or with spaces around it."""
    title = title or ""
    texts = [title, *headers, *(cell for row in rows for cell in row)]
    if (any(len(row) != len(headers) for row in rows) or not headers or title != title.strip()
            or not all(_PLAIN_CELL.fullmatch(text) for text in texts)):
        return None
    widths = [max(len(row[i]) for row in (headers, *rows)) for i in range(len(headers))]
    total = sum(widths) + 3 * len(widths) + 1
    if total > PIPE_WIDTH or len(title) > total:
        return None

    def rule(left: str, line: str, cross: str, right: str) -> str:
        return left + cross.join(line * (width + 2) for width in widths) + right

    def row_line(edge: str, cells: Sequence[str]) -> str:
        padded = (f" {cell.ljust(width)} " for cell, width in zip(cells, widths, strict=True))
        return edge + edge.join(padded) + edge

    lines = []
    if title:
        left = (total - len(title)) // 2
        lines.append(" " * left + title + " " * (total - len(title) - left))
    lines += [rule("┏", "━", "┳", "┓"), row_line("┃", headers), rule("┡", "━", "╇", "┩")]
    lines += [row_line("│", row) for row in rows]
    lines.append(rule("└", "─", "┴", "┘"))
    return "\n".join(lines) + "\n"


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


class WriteFailed(click.ClickException):
    """A file the user named could not be written (a read-only folder, a full disk): exit 2
    with its path and the cause in words."""

    def __init__(self, path: Path, cause: str) -> None:
        super().__init__(f"cannot write {path}: {cause}; nothing was written")


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn an :class:`OSError` raised in the block into :class:`WriteFailed` naming ``path``
    (the error itself may name a temporary file the user never heard of)."""
    try:
        yield
    except FileExistsError as exc:  # making a folder where a file is
        raise WriteFailed(path, f"{exc.filename} is a file, not a folder") from None
    except OSError as exc:
        raise WriteFailed(path, exc.strerror or str(exc)) from None


def stage_file(folder: Path, name: str, content: str | bytes) -> Path:
    """Write ``content`` to a hidden temporary file in ``folder`` (mode as the umask allows);
    the caller renames it into place, so no reader ever sees a half-written ``name``.

    :raises WriteFailed: naming ``folder / name``; the temporary file is gone.
    """
    import tempfile

    data = content.encode("utf-8") if isinstance(content, str) else content
    with writing(folder / name):
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
    """Write ``content`` to ``path`` through a temporary file: never a half-written file.

    :raises WriteFailed: ``path`` cannot be written; nothing was.
    """
    with writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
    temporary = stage_file(path.parent, path.name, content)
    with writing(path):
        try:
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise


def show_findings(findings: Sequence[Finding], title: str, words: PlanWords) -> None:
    """Print findings as a table, each placed in words (``words.where``; the raw path is in
    ``--json``), or a line saying there are none."""
    if not findings:
        click.echo(f"{title}: no findings")
        return
    print_table(title, ["severity", "code", "message", "where", "source"],
                [[f.severity, f.code, f.message, words.where(f), f.source] for f in findings])


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

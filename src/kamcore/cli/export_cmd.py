"""``kam export``: one plan to a file or stdout, or every plan into a folder (``--all``)."""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ._common import open_workspace, registry, stage_file, write_atomically, writing

if TYPE_CHECKING:
    from ..store import Workspace

OUTPUT_HINT = "'--output' / '-o'"


class ExportCommand(click.Command):
    """``kam export``, whose help ends with the installed formats."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The epilog, then a "Formats" section: each exporter, what it renders and its file
        suffix. Only ``kam_exporters`` is called (not the whole registry: no methodology is
        loaded), so the help stays as light as the rest of ``--help``."""
        from ..plugin.contributions import Exporter
        from ..plugin.host import get_plugin_host

        super().format_epilog(ctx, formatter)
        named: dict[str, Exporter] = {}
        for outcome in get_plugin_host().call_registered_first("kam_exporters"):
            for item in outcome.value or ():
                if isinstance(item, Exporter):
                    named.setdefault(item.name, item)
        exporters = sorted(named.values(), key=lambda e: e.name)
        with formatter.section("Formats (--format NAME)"):
            formatter.write_dl([(e.name, f"{e.description} ({e.suffix})") for e in exporters]
                               or [("none", "no exporter is installed")])


@click.command(cls=ExportCommand)
@click.argument("plan_id", required=False)
@click.option("--all", "all_plans", is_flag=True,
              help="Export every plan of the workspace into the folder given with -o: one file "
                   "per plan, and with --format html an index.html portfolio page.")
@click.option("--format", "-f", "format_name", default="markdown", show_default=True,
              help="Exporter name (listed below).")
@click.option("--output", "-o", type=click.Path(allow_dash=True), default=None,
              help="File to write ('-' for stdout, the default); with --all, the folder to "
                   "write into. Each file is written whole or not at all.")
@click.option("--review-pack", is_flag=True,
              help="A review pack: the plan with what changed since the last review, the "
                   "scores and the reviews due next (exporters read ExportContext.options).")
@click.option("--summary", "summary_file", metavar="FILE",
              help="A review pack's summary of the changes: a UTF-8 text file (e.g. what "
                   "`kam plan summarize` wrote, read by you first).")
@click.option("--no-bom", is_flag=True,
              help="CSV formats: leave out the UTF-8 byte-order mark that spreadsheet programs "
                   "need to read non-ASCII text right (for tools that choke on it).")
@click.pass_context
def export(ctx: click.Context, plan_id: str | None, all_plans: bool, format_name: str,
           output: str | None, review_pack: bool, summary_file: str | None,
           no_bom: bool) -> None:
    """Export a plan with an exporter, or every plan with --all.

    \b
    kam export acme-sama7-FY2027 --format html -o acme.html
    kam export --all --format html -o reports/
    """
    if all_plans and plan_id:
        raise click.UsageError("give a plan id or --all, not both")
    if not all_plans and not plan_id:
        raise click.UsageError("give the plan to export, or --all to export every plan")
    if all_plans and (review_pack or summary_file):
        raise click.UsageError("--review-pack and --summary export one plan: give its id instead "
                               "of --all")
    options = {"bom": False} if no_bom else {}
    if all_plans:
        _export_all(ctx, format_name, output, options)
        return
    assert plan_id is not None
    _export_one(ctx, plan_id, format_name, output or "-", review_pack, options, summary_file)


def _export_one(ctx: click.Context, plan_id: str, format_name: str, output: str,
                review_pack: bool, options: dict[str, Any],
                summary_file: str | None = None) -> None:
    from ..documents import read_input
    from ..operations import export_plan

    if output != "-" and Path(output).is_dir():
        raise click.BadParameter(f"{output!r} is a folder: give a file name (or use --all to "
                                 f"export every plan into a folder)", param_hint=OUTPUT_HINT)
    summary = read_input(summary_file) if summary_file is not None else None
    content = export_plan(open_workspace(ctx), plan_id, format_name, review_pack=review_pack,
                          summary=summary, options=options).content
    if output == "-":
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
        else:
            click.echo(content, nl=False)
        return
    write_atomically(Path(output), content)
    click.echo(f"wrote {output}", err=True)


def _export_all(ctx: click.Context, format_name: str, output: str | None,
                options: dict[str, Any]) -> None:
    """Render every plan first (into temporary files), then move them all into place: a plan
    that fails to render leaves the folder as it was."""
    if output is None or output == "-":
        raise click.UsageError("--all writes one file per plan: give the folder with -o DIR")
    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        raise click.BadParameter(f"{output!r} is a file, not a folder", param_hint=OUTPUT_HINT)
    exporter = registry().exporter(format_name)
    workspace = open_workspace(ctx)
    created = not folder.exists()
    with writing(folder):
        folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    index_name = exporter.index.name if exporter.index else None
    try:
        count = _stage_all(workspace, format_name, folder, staged, index_name, options)
        for temporary, final in staged:
            with writing(final):
                os.replace(temporary, final)
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        if created:
            with suppress(OSError):  # not empty: files already moved in stay whole
                folder.rmdir()
        raise
    what = f"{count} plan{'' if count == 1 else 's'}"
    click.echo(f"wrote {what} to {folder}" + (f" with {index_name}" if index_name else ""),
               err=True)


def _stage_all(workspace: Workspace, format_name: str, folder: Path,
               staged: list[tuple[Path, Path]], index_name: str | None,
               options: dict[str, Any]) -> int:
    """Stage every file of the export (see :func:`kamcore.operations.export_portfolio`) in
    ``folder``; return how many plans were exported (the index page is not one)."""
    from ..model import Plan
    from ..operations import export_portfolio

    total = workspace.count(Plan)
    progress: Any = (click.progressbar(length=total, label="exporting", file=sys.stderr)
                     if sys.stderr.isatty() and total > 1 else None)
    plans = 0
    with progress if progress is not None else nullcontext():
        for exported in export_portfolio(workspace, format_name, options=options):
            staged.append((stage_file(folder, exported.name, exported.content),
                           folder / exported.name))
            if exported.name != index_name:
                plans += 1
                if progress is not None:
                    progress.update(1)
    return plans

"""``kam export``: one plan to a file or stdout, or every plan into a folder (``--all``)."""

from __future__ import annotations

import os
import re
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ._common import open_workspace, registry, stage_file, write_atomically

if TYPE_CHECKING:
    from ..plugin.contributions import Exporter
    from ..plugin.registry import Registry
    from ..store import Workspace

OUTPUT_HINT = "'--output' / '-o'"


@click.command()
@click.argument("plan_id", required=False)
@click.option("--all", "all_plans", is_flag=True,
              help="Export every plan of the workspace into the folder given with -o: one file "
                   "per plan, and with --format html an index.html portfolio page.")
@click.option("--format", "-f", "format_name", default="markdown", show_default=True,
              help="Exporter name (see `kam plugins`).")
@click.option("--output", "-o", type=click.Path(allow_dash=True), default=None,
              help="File to write ('-' for stdout, the default); with --all, the folder to "
                   "write into. Each file is written whole or not at all.")
@click.option("--review-pack", is_flag=True,
              help="A review pack: the plan with what changed since the last review, the "
                   "scores and the reviews due next (exporters read ExportContext.options).")
@click.pass_context
def export(ctx: click.Context, plan_id: str | None, all_plans: bool, format_name: str,
           output: str | None, review_pack: bool) -> None:
    """Export a plan with an exporter, or every plan with --all.

    \b
    kam export acme-sama7-FY2027 --format html -o acme.html
    kam export --all --format html -o reports/
    """
    if all_plans and plan_id:
        raise click.UsageError("give a plan id or --all, not both")
    if not all_plans and not plan_id:
        raise click.UsageError("give the plan to export, or --all to export every plan")
    if all_plans and review_pack:
        raise click.UsageError("--review-pack exports one plan: give its id instead of --all")
    if all_plans:
        _export_all(ctx, format_name, output)
        return
    assert plan_id is not None
    _export_one(ctx, plan_id, format_name, output or "-", review_pack)


def _export_one(ctx: click.Context, plan_id: str, format_name: str, output: str,
                review_pack: bool = False) -> None:
    from ..exporting import render_plan
    from ..model import Plan

    if output != "-" and Path(output).is_dir():
        raise click.BadParameter(f"{output!r} is a folder: give a file name (or use --all to "
                                 f"export every plan into a folder)", param_hint=OUTPUT_HINT)
    workspace = open_workspace(ctx)
    plan = workspace.get(Plan, plan_id)
    options = None
    if review_pack:
        from ..reviewpack import review_pack_options

        options = review_pack_options(workspace, registry(), plan)
    content = render_plan(workspace, registry(), plan, format_name, options=options)
    if output == "-":
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
        else:
            click.echo(content, nl=False)
        return
    write_atomically(Path(output), content)
    click.echo(f"wrote {output}", err=True)


def file_name(plan_id: str, suffix: str, taken: set[str]) -> str:
    """A file name for a plan, unique (case-insensitively) among ``taken``, which it joins.

    Plan ids are already path-safe except for ``:``; anything else outside
    ``A-Z a-z 0-9 . _ @ -`` becomes ``_`` all the same.
    """
    stem = re.sub(r"[^A-Za-z0-9._@-]", "_", plan_id).lstrip(".") or "plan"
    name, number = f"{stem}{suffix}", 1
    while name.casefold() in taken:
        number += 1
        name = f"{stem}-{number}{suffix}"
    taken.add(name.casefold())
    return name


def _export_all(ctx: click.Context, format_name: str, output: str | None) -> None:
    """Render every plan first (into temporary files), then move them all into place: a plan
    that fails to render leaves the folder as it was."""
    if output is None or output == "-":
        raise click.UsageError("--all writes one file per plan: give the folder with -o DIR")
    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        raise click.BadParameter(f"{output!r} is a file, not a folder", param_hint=OUTPUT_HINT)
    reg = registry()
    exporter = reg.exporter(format_name)
    workspace = open_workspace(ctx)
    with_index = format_name == "html"
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        count = _render_all(workspace, reg, exporter, folder, with_index, staged)
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        if created:
            folder.rmdir()
        raise
    for temporary, final in staged:
        os.replace(temporary, final)
    what = f"{count} plan{'' if count == 1 else 's'}"
    click.echo(f"wrote {what} to {folder}" + (" with index.html" if with_index else ""),
               err=True)


def _render_all(workspace: Workspace, reg: Registry, exporter: Exporter, folder: Path,
                with_index: bool, staged: list[tuple[Path, Path]]) -> int:
    from ..exporting import export_contexts
    from ..model import Plan

    total = workspace.count(Plan)
    taken: set[str] = set()
    summaries = []
    if with_index:
        from ..builtin.html import INDEX_NAME, plan_summary, render_portfolio

        taken.add(INDEX_NAME)
    progress: Any = (click.progressbar(length=total, label="exporting", file=sys.stderr)
                     if sys.stderr.isatty() and total > 1 else None)
    count = 0
    with progress if progress is not None else nullcontext():
        for context in export_contexts(workspace, reg):
            count += 1
            name = file_name(context.plan.id, exporter.suffix, taken)
            staged.append((stage_file(folder, name, exporter.render(context)), folder / name))
            if with_index:
                summaries.append((plan_summary(context), name))
            if progress is not None:
                progress.update(1)
    if with_index:
        staged.append((stage_file(folder, INDEX_NAME, render_portfolio(summaries)),
                       folder / INDEX_NAME))
    return count


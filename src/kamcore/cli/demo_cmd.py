"""``kam demo``: a sample portfolio built, checked and exported end to end."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._common import open_workspace, print_table, registry, write_atomically

if TYPE_CHECKING:
    from ..plugin.registry import Registry
    from ..store import Workspace

DEFAULT_WORKSPACE = "kam-demo.db"


@click.command()
@click.option("--out", "out_dir", default="kam-demo", show_default=True,
              type=click.Path(file_okay=False), help="Folder for the Markdown plans.")
@click.pass_context
def demo(ctx: click.Context, out_dir: str) -> None:
    """Build a sample portfolio in ./kam-demo.db (or --workspace), check every plan, print a
    summary and write one Markdown plan per account. Safe to run again."""
    from ..exporting import export_context
    from ..operations import Actor
    from ..operations.sample import build_sample

    root = ctx.find_root().obj
    target = root["workspace"] if root["workspace_given"] else DEFAULT_WORKSPACE
    reg = registry()
    workspace = open_workspace(ctx, create=True, target=target)
    today = date.today()
    sample = build_sample(workspace, Actor("kam demo"), today, registry=reg)
    if not reg.methodologies:
        click.echo("no methodology is installed: accounts were created without plans", err=True)
    markdown = reg.exporter("markdown")
    rows = []
    out = Path(out_dir)
    for plan, tiering in sample.plans:
        context = export_context(workspace, reg, plan, as_of=today)
        write_atomically(out / f"{plan.id}.md", markdown.render(context))
        counts = {s: sum(1 for f in context.findings if f.severity == s)
                  for s in ("error", "warning", "info")}
        rows.append([context.snapshot.account.name, plan.methodology.name, plan.step,
                     f"{tiering.total:.2f} {tiering.band or ''}".strip() if tiering else "-",
                     len(context.snapshot.stakeholders), len(context.snapshot.opportunities),
                     counts["error"], counts["warning"], counts["info"]])
    print_table(f"kam demo portfolio ({target})",
                ["account", "methodology", "step", "tiering", "stakeholders", "opportunities",
                 "errors", "warnings", "info"], rows)
    summary = sample.records
    click.echo(f"records: {summary.total('created')} created, {summary.total('updated')} "
               f"updated, {summary.total('unchanged')} unchanged")
    if rows:
        click.echo(f"{len(rows)} plans written as Markdown to {out}/")
    if sample.rollover:
        click.echo(f"rolled {sample.rollover[0]} over into {sample.rollover[1]} "
                   f"(kam plan rollover); its QBRs are scored with qbr-health")
    _metrics(workspace, reg)


def _metrics(workspace: Workspace, reg: Registry) -> None:
    """The sample programme's metrics of this quarter, as ``kam metrics`` shows them."""
    from ..operations import programme_metrics
    from .metrics_cmd import show_metrics

    show_metrics(programme_metrics(workspace, registry=reg))

"""``kam demo``: a sample portfolio built, checked and exported end to end."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._common import print_table, registry, write_atomically

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
    from ..builtin.markdown import render_markdown
    from ..demo import sample_account_ids, sample_records
    from ..exporting import export_context
    from ..importing import import_records
    from ..model import Plan
    from ..planning import advance, new_plan, set_section
    from ..store import Workspace

    root = ctx.find_root().obj
    target = root["workspace"] if root["workspace_given"] else DEFAULT_WORKSPACE
    reg = registry()
    workspace = Workspace.open(target, create=True, plugins=reg.host)
    ctx.call_on_close(workspace.close)
    today = date.today()
    summary = import_records(workspace, sample_records(today), by="kam demo")
    methods = sorted(reg.methodologies.values(), key=lambda m: (len(m.lineage), m.name))
    if not methods:
        click.echo("no methodology is installed: accounts were created without plans", err=True)
    rows = []
    out = Path(out_dir)
    for index, account_id in enumerate(sample_account_ids()):
        if not methods:
            break
        methodology = methods[index % len(methods)]
        plan_id = f"{account_id}-{methodology.name}"
        plan = workspace.find(Plan, plan_id)
        if plan is None:
            plan = new_plan(workspace, methodology, account_id, plan_id=plan_id, by="kam demo")
            example = methodology.document.get("example", {})
            for key, data in example.get("sections", {}).items():
                plan = set_section(workspace, methodology, plan, key, data, by="kam demo")
            if example.get("step", plan.step) != plan.step:
                plan = advance(workspace, methodology, plan, to=example["step"], by="kam demo")
        tiering = _tiering_card(workspace, reg, account_id)
        context = export_context(workspace, reg, plan, as_of=today)
        write_atomically(out / f"{plan.id}.md", render_markdown(context))
        counts = {s: sum(1 for f in context.findings if f.severity == s)
                  for s in ("error", "warning", "info")}
        rows.append([context.snapshot.account.name, methodology.name, plan.step, tiering,
                     len(context.snapshot.stakeholders), len(context.snapshot.opportunities),
                     counts["error"], counts["warning"], counts["info"]])
    print_table(f"kam demo portfolio ({target})",
                ["account", "methodology", "step", "tiering", "stakeholders", "opportunities",
                 "errors", "warnings", "info"], rows)
    click.echo(f"records: {summary.total('created')} created, {summary.total('updated')} "
               f"updated, {summary.total('unchanged')} unchanged")
    if rows:
        click.echo(f"{len(rows)} plans written as Markdown to {out}/")


def _tiering_card(workspace: Workspace, reg: Registry, account_id: str) -> str:
    """Score the account with account-tiering once (when the rubric is installed)."""
    from ..demo import TIERING_CRITERIA, TIERING_INPUTS
    from ..model import ScoreCard
    from ..rubric import score_account

    rubric = reg.rubrics.get("account-tiering")
    if rubric is None:
        return "-"
    cards = [c for c in workspace.iter(ScoreCard, account_id=account_id)
             if c.rubric.name == rubric.name]
    if not cards:
        inputs = dict(zip(TIERING_CRITERIA, map(float, TIERING_INPUTS[account_id]), strict=True))
        card = score_account(rubric, workspace.snapshot(account_id), inputs, reg.signals)
        cards = [workspace.save(card, base_revision=0, by="kam demo")]
    latest = max(cards, key=lambda c: c.scored_at)
    return f"{latest.total:.2f} {latest.band or ''}".strip()

"""``kam import ADAPTER PATH``: all or nothing, with a summary and (on a terminal) progress."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._common import actor, json_option, open_workspace, print_json, print_table
from .collector import bulk_records

if TYPE_CHECKING:
    from ..importing import ImportSummary, ProgressMeter
    from ..model import Record
    from ..store import SaveOutcome

#: Seconds between two refreshes of the progress bar (records are not counted one by one).
REFRESH_EVERY = 0.1
OUTCOMES: tuple[SaveOutcome, ...] = ("created", "updated", "unchanged")


def _show_progress(as_json: bool) -> bool:
    """A progress bar only for people: stderr is a terminal and the output is not JSON."""
    return not as_json and sys.stderr.isatty()


def _with_progress(records: Iterable[Record], meter: ProgressMeter,
                   stack: ExitStack) -> Iterator[Record]:
    """Yield ``records``, showing a rich progress bar on stderr while they are read.

    The bar is measured by what the adapter reports to ``meter`` (bytes of its files); an
    adapter that reports nothing gets a spinner with the count of records.
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = stack.enter_context(Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
        TimeElapsedColumn(), TimeRemainingColumn(), console=Console(stderr=True),
        transient=True))
    task = progress.add_task("reading", total=None)
    count = 0
    next_refresh = 0.0

    def refresh() -> None:
        progress.update(task, description=f"{count:,} records",
                        total=meter.total or None, completed=meter.done)

    for record in records:
        count += 1
        now = time.monotonic()
        if now >= next_refresh:
            refresh()
            next_refresh = now + REFRESH_EVERY
        yield record
    refresh()


def _print_examples(summary: ImportSummary) -> None:
    """For a dry run: a few ids of what would be created or updated."""
    for (kind, outcome), ids in sorted(summary.examples.items()):
        if outcome == "unchanged":
            continue
        more = summary.counts[(kind, outcome)] - len(ids)
        tail = f" and {more:,} more" if more > 0 else ""
        verb = "create" if outcome == "created" else "update"
        click.echo(f"would {verb} {kind}: {', '.join(ids)}{tail}")


@click.command("import")
@click.argument("adapter_name", metavar="ADAPTER")
@click.argument("path", type=click.Path(exists=True))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--force", is_flag=True,
              help="Overwrite records changed since the bundle was exported (the history "
                   "keeps what they were) instead of refusing the import.")
@click.option("--encoding", metavar="CODEC",
              help="The files' text encoding (utf-8, utf-16, cp1252, latin-1 ...), for the "
                   "adapters that read text; default: found per file and reported.")
@click.option("--object", "sobject", metavar="NAME",
              help="The CRM object a one-file PATH holds, when neither its name nor its "
                   "header says (salesforce-csv).")
@click.option("--methodology", metavar="NAME",
              help="The methodology of plans the adapter makes from the CRM's account plans "
                   "(salesforce-*: default sama7).")
@click.option("--since", metavar="DATETIME",
              help="Read only records modified since this ISO datetime, for the live adapters "
                   "that can (salesforce-api, hubspot-api).")
@json_option
@click.pass_context
def import_(ctx: click.Context, adapter_name: str, path: str, dry_run: bool, force: bool,
            encoding: str | None, sobject: str | None, methodology: str | None,
            since: str | None, as_json: bool) -> None:
    """Import records from PATH with ADAPTER, in one transaction (all or nothing).

    Re-importing the same data changes nothing: records are matched by their ids, which
    adapters derive from the source system's ids. A bad row aborts the import with its file,
    line and column, and nothing is written. A bundle whose records changed in the workspace
    since it was exported is refused, listing them, unless --force.
    """
    from ..operations import import_with

    workspace = open_workspace(ctx)
    with ExitStack() as stack:
        stack.enter_context(bulk_records())
        given = {name: value for name, value in (("encoding", encoding), ("object", sobject),
                                                 ("methodology", methodology),
                                                 ("since", since)) if value is not None}
        summary = import_with(workspace, actor(ctx), adapter_name, Path(path), dry_run=dry_run,
                              force=force, observe=progress(stack, as_json), options=given)
    if as_json:
        print_json(summary.as_dict())
        return
    print_summary(summary, "import")


def progress(stack: ExitStack, as_json: bool
             ) -> Callable[[Iterable[Record]], Iterator[Record]] | None:
    """A wrapper of the records read that shows a progress bar on stderr until ``stack``
    closes, when one is for people (see :func:`_show_progress`); else None."""
    if not _show_progress(as_json):
        return None
    from ..importing import metering

    meter = stack.enter_context(metering())

    def observe(records: Iterable[Record]) -> Iterator[Record]:
        return _with_progress(records, meter, stack)

    return observe


def print_summary(summary: ImportSummary, what: str) -> None:
    """An import's (or pull's, ``what``) summary for people: a table of the outcomes per
    kind, the adapter's notes, for a dry run a few ids of each change, what was overwritten,
    and the totals."""
    dry_run = summary.dry_run
    totals = {o: summary.total(o) for o in OUTCOMES}
    title = f"{what} (dry run: nothing written)" if dry_run else what
    print_table(title, ["kind", *OUTCOMES],
                [[r["kind"], *(r[o] for o in OUTCOMES)] for r in summary.rows()])
    for line in summary.notes:
        click.echo(line)
    if dry_run:
        _print_examples(summary)
    for conflict in summary.overwritten:
        click.echo(f"{'would overwrite' if dry_run else 'overwrote'} {conflict.describe()}")
    verbs = ("would be created", "would be updated", "would be left unchanged") if dry_run \
        else ("created", "updated", "unchanged")
    click.echo(", ".join(f"{totals[o]:,} {verb}" for o, verb in zip(OUTCOMES, verbs,
                                                                       strict=True))
               + (" (dry run: nothing written)" if dry_run else ""))

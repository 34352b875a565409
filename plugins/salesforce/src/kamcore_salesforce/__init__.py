"""kamcore plugin ``salesforce``: import from Salesforce, write plan actions back as Tasks.

Adapters (``kam import ADAPTER PATH``):

* ``salesforce-csv`` -- Data Loader / data export CSVs (a folder, or one file named after its
  object), streamed: :mod:`kamcore_salesforce.csv_source`.
* ``salesforce-tree`` -- ``sf data export tree`` output (a plan file, or one tree file):
  :mod:`kamcore_salesforce.tree_source`.
* ``salesforce-api`` -- the live REST API through simple-salesforce; PATH is a connection file
  naming environment variables for the credentials: :mod:`kamcore_salesforce.api_source`.
  ``kam sync pull salesforce`` runs it with the watermark as ``since``.

All three map Salesforce objects to records the same way (:mod:`kamcore_salesforce.mapping`).
Command ``kam sync push PLAN --to salesforce`` upserts a plan into the org's Account Plan
objects (:mod:`kamcore_salesforce.push`). Exporter ``salesforce-tasks`` writes a plan's
actions as a Task CSV for Data Loader (:mod:`kamcore_salesforce.tasks`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kamcore import hookimpl
from kamcore.plugin.contributions import Adapter, Command, ExportContext, Exporter

if TYPE_CHECKING:
    from kamcore.model import Record

__all__ = ["kam_adapters", "kam_commands", "kam_exporters"]


def read_csv(path: Path, *, encoding: str | None = None, object: str | None = None,
             methodology: str | None = None) -> Iterator[Record]:
    """Records from Salesforce CSVs (a folder of ``Account.csv``, ``Contact.csv``... or one),
    in ``encoding`` (default: found per file); ``object`` states a one-file PATH's object;
    plans from Account Plans are made under ``methodology`` (default sama7)."""
    from .csv_source import CsvSource
    from .mapping import map_records

    return map_records(CsvSource(path, encoding=encoding, sobject=object), methodology)


def read_tree(path: Path, *, methodology: str | None = None) -> Iterator[Record]:
    """Records from an ``sf data export tree`` plan file (or one tree file, or their folder);
    plans from Account Plans are made under ``methodology`` (default sama7)."""
    from .mapping import map_records
    from .tree_source import TreeSource

    return map_records(TreeSource(path), methodology)


def read_api(path: Path, *, methodology: str | None = None,
             since: str | None = None) -> Iterator[Record]:
    """Records queried live from Salesforce, as the connection file at ``path`` says; only
    those modified after ``since`` (an ISO datetime; and the records they point at) when
    given; plans from Account Plans are made under ``methodology`` (default sama7)."""
    from .api_source import ApiSource
    from .mapping import map_records

    return map_records(ApiSource(path, since), methodology)


def _render_tasks(context: ExportContext) -> str:
    from .tasks import render_tasks

    return render_tasks(context)


_METHODOLOGY = "the methodology of plans made from Salesforce Account Plans (default sama7)"


@hookimpl
def kam_adapters() -> list[Adapter]:
    """``salesforce-tree``, ``salesforce-csv`` and ``salesforce-api``."""
    return [
        Adapter("salesforce-tree", "Salesforce `sf data export tree` output: PATH is the plan "
                                   "file (or one tree file).", read_tree,
                options={"methodology": _METHODOLOGY}),
        Adapter("salesforce-csv", "Salesforce Data Loader / data export CSVs: PATH is a folder "
                                  "of Account.csv, Contact.csv, Opportunity.csv, "
                                  "OpportunityContactRole.csv, AccountContactRelation.csv (any "
                                  "of them), or one such file; other names are recognised "
                                  "by their header.", read_csv,
                options={"encoding": "the files' text encoding (default: detected)",
                         "object": "the Salesforce object of a one-file PATH",
                         "methodology": _METHODOLOGY}),
        Adapter("salesforce-api", "Live from the Salesforce REST API: PATH is a connection file "
                                  "(instance URL; credentials from environment variables).",
                read_api, options={"methodology": _METHODOLOGY,
                                   "since": "read only records whose SystemModstamp is later "
                                            "than this ISO datetime"},
                sync="salesforce"),
    ]


@hookimpl
def kam_exporters() -> list[Exporter]:
    """``salesforce-tasks``."""
    return [Exporter("salesforce-tasks", "The plan's actions as a Salesforce Task CSV for "
                                         "Data Loader (WhatId = the account's Salesforce Id).",
                     ".csv", _render_tasks)]


@hookimpl
def kam_commands() -> list[Command]:
    """``kam sync push PLAN --to salesforce``, under kamcore's ``kam sync``."""
    from .sync_cmd import push

    return [Command(push, under="sync")]

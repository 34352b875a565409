"""Moving records in and out: importing with an adapter, exporting with an exporter."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from ..errors import InvalidInputError
from ..importing import ImportSummary, noting
from ..importing import import_records as write_records
from ..model import Plan, Record
from ..plugin.registry import Registry
from ..store import Workspace
from .actor import Actor
from .installed import installed


def import_with(workspace: Workspace, actor: Actor, adapter: str, path: Path, *,
                dry_run: bool = False, force: bool = False, registry: Registry | None = None,
                observe: Callable[[Iterable[Record]], Iterable[Record]] | None = None,
                options: Mapping[str, str] | None = None) -> ImportSummary:
    """Read ``path`` with the installed adapter ``adapter`` and write its records in one
    transaction: all or nothing, idempotent (see :mod:`kamcore.importing`).

    :param dry_run: do everything, then roll back: the summary says what would change.
    :param force: overwrite records changed since a bundle was exported (the summary's
        ``overwritten``; the history keeps what they were) instead of refusing.
    :param observe: wraps the stream of records read (e.g. to show progress); it must yield
        them all, unchanged.
    :param options: the adapter's options the user gave (``encoding``, ``object``: see its
        ``options``); what the adapter notes about its input goes to the summary's ``notes``.
    :raises NotFoundError: no such adapter.
    :raises InvalidInputError: a bad row (file, line, field), a plan section its schema
        refuses, a (kind, id) given twice; nothing is written.
    :raises StaleImportError: (a :class:`~kamcore.errors.ConflictError`) records changed
        since the bundle was exported, every one listed; nothing is written.
    """
    plugins = installed(registry)
    found = plugins.adapter(adapter)
    given = dict(options or {})
    unknown = sorted(set(given) - set(found.options))
    if unknown:
        takes = (f"it takes {', '.join('--' + name for name in sorted(found.options))}"
                 if found.options else "it takes none")
        raise InvalidInputError(f"adapter {adapter!r} has no option "
                                f"{', '.join('--' + name for name in unknown)}; {takes}")
    with noting() as notes:
        records: Iterable[Record] = found.read(path, **given)
        if observe is not None:
            records = observe(records)
        summary = import_records(workspace, actor, records, dry_run=dry_run, force=force,
                                 registry=plugins)
    summary.notes.extend(notes)
    return summary


def import_records(workspace: Workspace, actor: Actor, records: Iterable[Record], *,
                   dry_run: bool = False, force: bool = False,
                   registry: Registry | None = None) -> ImportSummary:
    """Write records given in code in one transaction, as an import does (see
    :func:`import_with`); plans are checked against their methodology's section schemas."""
    return write_records(workspace, records, dry_run=dry_run, by=actor.name, force=force,
                         registry=installed(registry))


@attrs.frozen
class ExportedFile:
    """One file of an export: its name (unique in the export, path-safe) and content."""

    name: str
    content: str | bytes


def export_plan(workspace: Workspace, plan_id: str, exporter: str, *, review_pack: bool = False,
                as_of: date | None = None, registry: Registry | None = None,
                summary: str | None = None,
                options: Mapping[str, Any] | None = None) -> ExportedFile:
    """Render one plan with the installed exporter ``exporter``.

    :param review_pack: add what changed since the last review, the scores and the reviews
        due next (:mod:`kamcore.reviewpack`).
    :param summary: the review pack's summary of the changes (plain text).
    :param options: exporter switches passed in :attr:`ExportContext.options` (such as
        ``bom: False`` for the CSV formats).
    :raises NotFoundError: no such plan or exporter.
    :raises InvalidInputError: a summary without ``review_pack``.
    """
    from ..exporting import export_context

    plugins = installed(registry)
    found = plugins.exporter(exporter)
    plan = workspace.get(Plan, plan_id)
    if summary is not None and not review_pack:
        raise InvalidInputError("--summary: a summary goes into a review pack (--review-pack)")
    given = dict(options or {})
    if review_pack:
        from ..reviewpack import review_pack_options

        given.update(review_pack_options(workspace, plugins, plan, as_of, summary))
    context = export_context(workspace, plugins, plan, as_of=as_of, options=given)
    return ExportedFile(file_name(plan.id, found.suffix, set()), found.render(context))


def export_portfolio(workspace: Workspace, exporter: str, *, as_of: date | None = None,
                     registry: Registry | None = None,
                     options: Mapping[str, Any] | None = None) -> Iterator[ExportedFile]:
    """Render every plan with the installed exporter ``exporter``, one file each, streamed
    account by account; then the exporter's index page over them, if it has one
    (:class:`~kamcore.plugin.contributions.PortfolioIndex`).

    :raises NotFoundError: no such exporter (before anything is rendered).
    """
    from ..exporting import export_contexts

    plugins = installed(registry)
    found = plugins.exporter(exporter)
    index = found.index
    taken = {index.name.casefold()} if index is not None else set()
    entries = []
    for context in export_contexts(workspace, plugins, as_of=as_of, options=options):
        name = file_name(context.plan.id, found.suffix, taken)
        yield ExportedFile(name, found.render(context))
        if index is not None:
            entries.append((index.summarise(context), name))
    if index is not None:
        yield ExportedFile(index.name, index.render(entries))


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

"""``kam import``: records from an adapter written in one transaction, idempotently.

A record whose id exists is updated when its content differs and left alone otherwise, so
importing the same data twice changes nothing. A bad row raises before the transaction
commits: nothing is written. ``dry_run`` does all the work and rolls it back.

**Full and partial records.** A record built with every field (a kamcore bundle) replaces the
stored one. A record built with only some fields -- what a CRM adapter knows -- is a *patch*:
the fields it sets replace the stored values and the others (a stakeholder's influence or
support, assessed in kamcore) keep theirs. In a patch, collections are merged rather than
replaced: set fields (``roles``) get the imported values added, dict fields
(``external_ids``, ``contact_roles``, ``attributes``) get the imported entries added or
replaced by key. So the ``champion`` role a person gave a stakeholder, or the HubSpot id an
account already carries, survive a Salesforce re-import; an entry removed in the CRM is not
removed here (do that in kamcore).

**Progress.** While ``kam import`` shows a progress bar, :func:`current_meter` returns a
:class:`ProgressMeter`; adapters that stream files report the bytes they expect and have read
with it (it is None otherwise, and reporting is optional).

**Where a refused record came from.** The import checks each plan's sections against its
methodology and refuses the whole import if one is invalid. An adapter that read a plan from a
parsed :class:`~kamcore.documents.Document` calls :func:`note_origin` with it, and the
refusal then names the file, line and field of each problem.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import attrs

from .documents import Document
from .errors import InvalidInputError, Problem
from .model import Plan, Record
from .planning import section_problems
from .plugin.registry import Registry
from .store import SaveOutcome, Workspace

_META_FIELDS = frozenset({"revision", "created_at", "updated_at", "updated_by"})
#: How many record ids per (kind, outcome) a summary keeps to show as examples.
EXAMPLES_KEPT = 5
#: How many records :func:`import_records` hands to :meth:`Workspace.save_many` at a time.
IMPORT_CHUNK = 500


class _RollBack(Exception):
    """Raised inside the transaction to undo a dry run."""


@attrs.define
class ImportSummary:
    """How many records of each kind were created, updated or left unchanged.

    ``examples`` keeps the first few ids of each (kind, outcome), for a dry run to show.
    """

    counts: Counter[tuple[str, SaveOutcome]] = attrs.field(factory=Counter)
    dry_run: bool = False
    examples: dict[tuple[str, SaveOutcome], list[str]] = attrs.field(factory=dict)

    def add(self, kind: str, outcome: SaveOutcome, record_id: str | None = None) -> None:
        """Count one record (and keep its id as an example while there are few)."""
        self.counts[(kind, outcome)] += 1
        if record_id is not None:
            kept = self.examples.setdefault((kind, outcome), [])
            if len(kept) < EXAMPLES_KEPT:
                kept.append(record_id)

    def total(self, outcome: SaveOutcome) -> int:
        """Records with ``outcome`` across kinds."""
        return sum(n for (_, o), n in self.counts.items() if o == outcome)

    def rows(self) -> list[dict[str, int | str]]:
        """One row per kind: created, updated, unchanged."""
        kinds = sorted({kind for kind, _ in self.counts})
        return [{"kind": kind, **{o: self.counts[(kind, o)]
                                  for o in ("created", "updated", "unchanged")}}
                for kind in kinds]


# -- progress ---------------------------------------------------------------------------------


@attrs.define
class ProgressMeter:
    """How much of its input an adapter has read, for ``kam import``'s progress bar.

    ``total`` and ``done`` are in any unit the adapter chooses consistently (bytes of the files
    it streams); ``total`` is 0 while unknown.
    """

    total: int = 0
    done: int = 0

    def expect(self, amount: int) -> None:
        """Add ``amount`` to what will be read (call once per file, with its size)."""
        self.total += max(0, amount)

    def advance(self, amount: int) -> None:
        """Record that ``amount`` more has been read."""
        self.done += max(0, amount)


_METER: ContextVar[ProgressMeter | None] = ContextVar("kamcore_import_meter", default=None)


def current_meter() -> ProgressMeter | None:
    """The meter of the import being shown with a progress bar, or None."""
    return _METER.get()


@contextmanager
def metering() -> Iterator[ProgressMeter]:
    """Make a fresh :class:`ProgressMeter` current for the block (adapters then report to it)."""
    meter = ProgressMeter()
    token = _METER.set(meter)
    try:
        yield meter
    finally:
        _METER.reset(token)


# -- writing ----------------------------------------------------------------------------------


@attrs.frozen
class _Origin:
    record: Record  # kept so that its id() is not reused while the import runs
    document: Document
    path: tuple[str | int, ...]


_ORIGINS: ContextVar[dict[int, _Origin] | None] = ContextVar("kamcore_origins", default=None)


def note_origin(record: Record, document: Document, path: Sequence[str | int]) -> None:
    """Say that an adapter read ``record`` from ``document`` at ``path`` (``("plan",)``), so
    that an import refusing it names the file, line and field of each problem. Only plans are
    checked as a whole, so only they need it; outside :func:`import_records` it does nothing."""
    origins = _ORIGINS.get()
    if origins is not None:
        origins[id(record)] = _Origin(record, document, tuple(path))


def _check_plan_sections(plan: Plan, registry: Registry) -> None:
    """Refuse a plan whose sections its (installed) methodology's schemas refuse."""
    methodology = registry.methodologies.get(plan.methodology.name)
    if methodology is None:
        return
    origins = _ORIGINS.get() or {}
    origin = origins.get(id(plan))
    problems: list[Problem] = []
    for section in methodology.sections:
        if section.key not in plan.sections:
            continue
        data = plan.sections[section.key]
        if origin is not None:
            problems += section_problems(methodology, section.key, data, origin.document,
                                         at=(*origin.path, "sections", section.key))
        else:
            problems += [attrs.evolve(problem, path=("plan", plan.id, *problem.path))
                         for problem in section_problems(methodology, section.key, data)]
    if problems:
        raise InvalidInputError(
            f"plan {plan.id!r}: sections refused by {methodology.name}; nothing imported",
            problems)


def _patched_fields(record: Record) -> frozenset[str] | None:
    """The fields a partial record sets, or None when it sets every field (a full record)."""
    every = frozenset(type(record).model_fields) - _META_FIELDS
    given = frozenset(record.model_fields_set) - _META_FIELDS
    return None if given >= every else given


def merge_patch(current: Record, patch: Record, fields: Iterable[str]) -> Record:
    """``current`` with the ``fields`` of ``patch`` applied (collections merged, see above)."""
    update: dict[str, Any] = {}
    for name in fields:
        if name == "id":
            continue
        value = getattr(patch, name)
        stored = getattr(current, name)
        if isinstance(value, frozenset) and isinstance(stored, frozenset):
            value = stored | value
        elif isinstance(value, dict) and isinstance(stored, dict):
            value = {**stored, **value}
        update[name] = value
    return current.model_copy(update=update)


def _content(record: Record) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude=set(_META_FIELDS))


def _save(workspace: Workspace, record: Record, by: str | None) -> SaveOutcome:
    """Save one record as an import does (kept for callers; :func:`import_records` batches)."""
    fields = _patched_fields(record)
    if fields is None:
        return workspace.save_if_changed(record, by=by)[1]
    current = workspace.find(type(record), record.id)
    if current is None:
        workspace.save(record, base_revision=0, by=by)
        return "created"
    merged = merge_patch(current, record, fields)
    if _content(merged) == _content(current):
        return "unchanged"
    workspace.save(merged, base_revision=current.revision, by=by)
    return "updated"


def _merge(current: Record, record: Record) -> Record:
    """What an import stores over ``current``: a full record as is, a partial one merged."""
    fields = _patched_fields(record)
    return record if fields is None else merge_patch(current, record, fields)


def _chunks(records: Iterable[Record], registry: Registry | None) -> Iterator[list[Record]]:
    """The records in lists of :data:`IMPORT_CHUNK` (plans checked as they are read)."""
    chunk: list[Record] = []
    for record in records:
        if registry is not None and isinstance(record, Plan):
            _check_plan_sections(record, registry)
        chunk.append(record)
        if len(chunk) >= IMPORT_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def import_records(workspace: Workspace, records: Iterable[Record], *, dry_run: bool = False,
                   by: str | None = None, registry: Registry | None = None) -> ImportSummary:
    """Write ``records`` in one transaction and count what happened to each.

    Full records replace stored ones; partial records patch them (see the module docs).
    Records are written in chunks through :meth:`Workspace.save_many` (a few multi-row
    statements per chunk rather than several statements per record), with the same outcome
    as saving them one after another.

    :param registry: when given, plans are checked against their methodology's section
        schemas, as ``kam plan set`` would.
    """
    summary = ImportSummary(dry_run=dry_run)
    token = _ORIGINS.set({})
    try:
        with workspace.transaction():
            for chunk in _chunks(records, registry):
                for stored, outcome in workspace.save_many(chunk, by=by, merge=_merge):
                    summary.add(stored.kind, outcome, stored.id)
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    finally:
        _ORIGINS.reset(token)
    return summary

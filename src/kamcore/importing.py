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
removed here (do that in kamcore). A partial plan's ``sections`` are merged deeper
(:func:`merge_sections`): objects key by key, lists of items with an ``id`` (or a ``name``)
item by item, so the customer's sign-off recorded in kamcore on a joint objective survives a
re-import of the CRM's account plan.

**Progress.** While ``kam import`` shows a progress bar, :func:`current_meter` returns a
:class:`ProgressMeter`; adapters that stream files report the bytes they expect and have read
with it (it is None otherwise, and reporting is optional).

**Where a refused record came from.** The import checks each plan's sections against its
methodology and refuses the whole import if one is invalid. An adapter that read a record from
a parsed :class:`~kamcore.documents.Document` calls :func:`note_origin` with it, and the
refusal then names the file, line and field of each problem.

**One record once.** An import naming the same (kind, id) twice is refused before anything is
written, with both places (``file:line`` where the adapter noted them): the second would
silently replace the first.

**Copies read at a revision.** A record that carries a revision (``revision`` > 0: a bundle
record, read at that revision of the workspace it was exported from) is a copy based on it. If
the stored record is at another revision and the import would change it, it changed since the
copy was read: the whole import is refused with :class:`StaleImportError`, listing every such
record, and nothing is written. With ``force`` the import overwrites them on purpose (each gets
a new revision on top, so the history keeps what was overwritten). Records with revision 0 (CRM
adapters, older bundles) are not checked. The check runs inside the import's transaction, on
the records as they are read there, so nothing can change between the check and the write.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

import attrs

from .documents import Document
from .errors import ConflictError, InvalidInputError, Problem
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


@attrs.frozen
class ImportConflict:
    """A record the import would change although it changed since the copy imported was read
    (exported): the copy's revision, the stored one, and who saved that one when."""

    kind: str
    record_id: str
    exported_revision: int
    current_revision: int
    saved_by: str | None
    saved_at: datetime | None

    @classmethod
    def between(cls, current: Record, copy: Record) -> ImportConflict:
        """The conflict of ``copy`` (read at ``copy.revision``) with the stored ``current``."""
        return cls(current.kind, current.id, copy.revision, current.revision,
                   current.updated_by, current.updated_at)

    def describe(self) -> str:
        """``plan 'p1': exported at revision 4, since changed to revision 5 (saved by dana at
        2026-05-01T10:22:00+00:00)``."""
        who = f" by {self.saved_by}" if self.saved_by else ""
        at = f" at {self.saved_at.isoformat(timespec='seconds')}" if self.saved_at else ""
        saved = f" (saved{who}{at})" if who or at else ""
        return (f"{self.kind} {self.record_id!r}: exported at revision {self.exported_revision}"
                f", since changed to revision {self.current_revision}{saved}")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"kind": self.kind, "id": self.record_id,
                "exported_revision": self.exported_revision,
                "current_revision": self.current_revision, "saved_by": self.saved_by,
                "saved_at": self.saved_at.isoformat() if self.saved_at else None}


class StaleImportError(ConflictError):
    """An import would overwrite records changed since it was exported; nothing was written.

    ``conflicts`` lists every such record. A :class:`ConflictError` (the first record's), so it
    exits as a conflict does.
    """

    def __init__(self, conflicts: Sequence[ImportConflict]) -> None:
        first = conflicts[0]
        super().__init__(first.kind, first.record_id, first.exported_revision,
                         first.current_revision)
        self.conflicts = tuple(conflicts)

    def __str__(self) -> str:
        count = len(self.conflicts)
        lines = [f"{count} record{'' if count == 1 else 's'} changed in the workspace since "
                 "exported; nothing imported (export again, or overwrite on purpose: "
                 "kam import --force)"]
        lines.extend(f"  {conflict.describe()}" for conflict in self.conflicts)
        return "\n".join(lines)


@attrs.define
class ImportSummary:
    """How many records of each kind were created, updated or left unchanged.

    ``examples`` keeps the first few ids of each (kind, outcome), for a dry run to show;
    ``overwritten`` the records a forced import overwrote although they had changed since the
    copy was exported; ``notes`` what the adapter reported about its input.
    """

    counts: Counter[tuple[str, SaveOutcome]] = attrs.field(factory=Counter)
    dry_run: bool = False
    examples: dict[tuple[str, SaveOutcome], list[str]] = attrs.field(factory=dict)
    overwritten: list[ImportConflict] = attrs.field(factory=list)
    #: what the adapter said about what it read (file encodings, files skipped), in order
    notes: list[str] = attrs.field(factory=list)

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

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain data (``kam import --json``, the API): whether it was a dry
        run, a row per kind, the totals, the records overwritten and the notes on the input
        (how each file was read, what was skipped)."""
        return {"dry_run": self.dry_run, "kinds": self.rows(),
                **{o: self.total(o) for o in ("created", "updated", "unchanged")},
                "overwritten": [c.as_dict() for c in self.overwritten], "notes": self.notes}


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


_NOTES: ContextVar[list[str] | None] = ContextVar("kamcore_import_notes", default=None)


def note(message: str) -> None:
    """Tell the import's summary something about what was read (``Contact.csv: read as
    Windows-1252 (detected)``); adapters call it. Outside :func:`noting`, nothing happens."""
    notes = _NOTES.get()
    if notes is not None and message not in notes:
        notes.append(message)


@contextmanager
def noting() -> Iterator[list[str]]:
    """Collect what adapters :func:`note` during the block, in order."""
    notes: list[str] = []
    token = _NOTES.set(notes)
    try:
        yield notes
    finally:
        _NOTES.reset(token)


# -- writing ----------------------------------------------------------------------------------


@attrs.frozen
class _Origin:
    record: Record  # kept so that its id() is not reused until the import reads the record
    document: Document
    path: tuple[str | int, ...]

    def problem(self, message: str) -> Problem:
        """``message`` located at the record in its document (file, line, field path)."""
        return self.document.problem(self.path, message)


_ORIGINS: ContextVar[dict[int, _Origin] | None] = ContextVar("kamcore_origins", default=None)


def note_origin(record: Record, document: Document, path: Sequence[str | int]) -> None:
    """Say that an adapter read ``record`` from ``document`` at ``path`` (``("plan",)``,
    ``("stakeholders", 2)``), so that an import refusing it names the file, line and field of
    each problem (a plan's sections, a (kind, id) given twice). Call it before yielding the
    record; outside :func:`import_records` it does nothing."""
    origins = _ORIGINS.get()
    if origins is not None:
        origins[id(record)] = _Origin(record, document, tuple(path))


def _check_plan_sections(plan: Plan, registry: Registry, origin: _Origin | None) -> None:
    """Refuse a plan whose sections its (installed) methodology's schemas refuse."""
    methodology = registry.methodologies.get(plan.methodology.name)
    if methodology is None:
        return
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


def _item_key(items: list[Any]) -> str | None:
    """``"id"`` when every item is an object with an ``id``, else ``"name"`` likewise, else
    None: the key section list items are matched by."""
    for key in ("id", "name"):
        if items and all(isinstance(item, dict) and key in item for item in items):
            return key
    return None


def merge_sections(stored: Any, patch: Any) -> Any:
    """Plan section data ``patch`` merged into ``stored``: objects key by key (recursively);
    lists whose items all have an ``id`` (or all a ``name``) item by item -- in the stored
    order, patched items merged into theirs, new ones appended, stored ones kept; anything
    else is the patch's."""
    if isinstance(stored, dict) and isinstance(patch, dict):
        return {**stored, **{key: merge_sections(stored[key], value) if key in stored else value
                             for key, value in patch.items()}}
    if isinstance(stored, list) and isinstance(patch, list):
        key = _item_key(stored + patch)
        if key is not None:
            patched = {item[key]: item for item in patch}
            known = {item[key] for item in stored}
            return [merge_sections(item, patched[item[key]]) if item[key] in patched else item
                    for item in stored] + [item for item in patch if item[key] not in known]
    return patch


def merge_patch(current: Record, patch: Record, fields: Iterable[str]) -> Record:
    """``current`` with the ``fields`` of ``patch`` applied (collections merged, see above)."""
    update: dict[str, Any] = {}
    for name in fields:
        if name == "id":
            continue
        value = getattr(patch, name)
        stored = getattr(current, name)
        if isinstance(current, Plan) and name == "sections":
            value = merge_sections(stored, value)
        elif isinstance(value, frozenset) and isinstance(stored, frozenset):
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


def _check_once(record: Record, origin: _Origin | None,
                seen: dict[tuple[str, str], Problem | None]) -> None:
    """Refuse a (kind, id) the import gave before (``seen``: where each came from, if known),
    naming both places: the second would silently replace the first."""
    key = (record.kind, record.id)
    named = f"{record.kind} {record.id!r}"
    if key not in seen:
        seen[key] = origin.problem(f"first {named}") if origin is not None else None
        return
    first = seen[key] or Problem(f"first {named} (the adapter did not say where)")
    again = (origin.problem(f"{named} again") if origin is not None
             else Problem(f"{named} again (the adapter did not say where)"))
    raise InvalidInputError(f"{named} appears twice in the import (the second would replace "
                            "the first); nothing imported", [first, again])


def _chunks(records: Iterable[Record], registry: Registry | None) -> Iterator[list[Record]]:
    """The records in lists of :data:`IMPORT_CHUNK`, each checked as it is read: given once,
    and (a plan) with sections its methodology accepts."""
    noted = _ORIGINS.get()
    origins = {} if noted is None else noted  # filled by the adapter as the records are read
    seen: dict[tuple[str, str], Problem | None] = {}
    chunk: list[Record] = []
    for record in records:
        origin = origins.pop(id(record), None)
        if registry is not None and isinstance(record, Plan):
            _check_plan_sections(record, registry, origin)
        _check_once(record, origin, seen)
        chunk.append(record)
        if len(chunk) >= IMPORT_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@attrs.define
class _Guard:
    """What an import stores over each stored record (:func:`_merge`), noting the copies read
    at a revision the stored record has moved past (see the module docs); unless ``force``,
    such a record is left as it is."""

    force: bool
    stale: list[ImportConflict] = attrs.field(factory=list)

    def merge(self, current: Record, record: Record) -> Record:
        target = _merge(current, record)
        if record.revision in (0, current.revision) or _content(target) == _content(current):
            return target
        self.stale.append(ImportConflict.between(current, record))
        return target if self.force else current


def import_records(workspace: Workspace, records: Iterable[Record], *, dry_run: bool = False,
                   by: str | None = None, registry: Registry | None = None,
                   force: bool = False) -> ImportSummary:
    """Write ``records`` in one transaction and count what happened to each.

    Full records replace stored ones; partial records patch them (see the module docs).
    Records are written in chunks through :meth:`Workspace.save_many` (a few multi-row
    statements per chunk rather than several statements per record), with the same outcome
    as saving them one after another.

    :param registry: when given, plans are checked against their methodology's section
        schemas, as ``kam plan set`` would.
    :param force: overwrite records changed since the copy imported was read at its revision
        (listed in the summary's ``overwritten``) instead of refusing the import.
    :raises InvalidInputError: a plan's sections are refused, a (kind, id) comes twice.
    :raises StaleImportError: records changed since the copy was read (all of them listed),
        unless ``force``; nothing is written.
    """
    summary = ImportSummary(dry_run=dry_run)
    guard = _Guard(force)
    token = _ORIGINS.set({})
    try:
        with workspace.transaction():
            for chunk in _chunks(records, registry):
                for stored, outcome in workspace.save_many(chunk, by=by, merge=guard.merge):
                    summary.add(stored.kind, outcome, stored.id)
            if guard.stale and not force:
                raise StaleImportError(guard.stale)
            summary.overwritten = guard.stale
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    finally:
        _ORIGINS.reset(token)
    return summary

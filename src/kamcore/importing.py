"""``kam import``: records from an adapter written in one transaction, idempotently.

A record whose id exists is updated when its content differs and left alone otherwise, so
importing the same data twice changes nothing. A bad row raises before the transaction
commits: nothing is written. ``dry_run`` does all the work and rolls it back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import attrs

from .model import Record
from .store import SaveOutcome, Workspace


class _RollBack(Exception):
    """Raised inside the transaction to undo a dry run."""


@attrs.define
class ImportSummary:
    """How many records of each kind were created, updated or left unchanged."""

    counts: Counter[tuple[str, SaveOutcome]] = attrs.field(factory=Counter)
    dry_run: bool = False

    def add(self, kind: str, outcome: SaveOutcome) -> None:
        """Count one record."""
        self.counts[(kind, outcome)] += 1

    def total(self, outcome: SaveOutcome) -> int:
        """Records with ``outcome`` across kinds."""
        return sum(n for (_, o), n in self.counts.items() if o == outcome)

    def rows(self) -> list[dict[str, int | str]]:
        """One row per kind: created, updated, unchanged."""
        kinds = sorted({kind for kind, _ in self.counts})
        return [{"kind": kind, **{o: self.counts[(kind, o)]
                                  for o in ("created", "updated", "unchanged")}}
                for kind in kinds]


def import_records(workspace: Workspace, records: Iterable[Record], *, dry_run: bool = False,
                   by: str | None = None) -> ImportSummary:
    """Write ``records`` in one transaction and count what happened to each."""
    summary = ImportSummary(dry_run=dry_run)
    try:
        with workspace.transaction():
            for record in records:
                _, outcome = workspace.save_if_changed(record, by=by)
                summary.add(record.kind, outcome)
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    return summary

"""``kam import``: records from an adapter written in one transaction, idempotently.

A record whose id exists is updated when its content differs and left alone otherwise, so
importing the same data twice changes nothing. A bad row raises before the transaction
commits: nothing is written. ``dry_run`` does all the work and rolls it back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import attrs

from .errors import InvalidInputError, Problem
from .model import Plan, Record
from .planning import section_findings
from .registry import Registry
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


def _check_plan_sections(plan: Plan, registry: Registry) -> None:
    """Refuse a plan whose sections its (installed) methodology's schemas refuse."""
    methodology = registry.methodologies.get(plan.methodology.name)
    if methodology is None:
        return
    problems = [
        Problem(f.message, path=("plan", plan.id, *f.path.split(".")) if f.path else ())
        for f in section_findings(plan, methodology) if f.severity == "error"
    ]
    if problems:
        raise InvalidInputError(
            f"plan {plan.id!r}: sections refused by {methodology.name}; nothing imported",
            problems)


def import_records(workspace: Workspace, records: Iterable[Record], *, dry_run: bool = False,
                   by: str | None = None, registry: Registry | None = None) -> ImportSummary:
    """Write ``records`` in one transaction and count what happened to each.

    :param registry: when given, plans are checked against their methodology's section
        schemas, as ``kam plan set`` would.
    """
    summary = ImportSummary(dry_run=dry_run)
    try:
        with workspace.transaction():
            for record in records:
                if registry is not None and isinstance(record, Plan):
                    _check_plan_sections(record, registry)
                _, outcome = workspace.save_if_changed(record, by=by)
                summary.add(record.kind, outcome)
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    return summary

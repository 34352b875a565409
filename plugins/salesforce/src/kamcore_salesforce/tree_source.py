"""``sf data export tree`` output: a plan file listing the files of each object, or one file.

A plan (``Account-Contact-plan.json``) is a list of ``{"sobject", "saveRefs", "resolveRefs",
"files"}``; each file holds ``{"records": [...]}`` with ``attributes.type`` and
``attributes.referenceId`` per record, and lookups written as ``"@AccountRef1"``. A single tree
file may also nest child records (``"Contacts": {"records": [...]}``) under their parent.

The CLI strips the ``Id`` field from what it exports, so a record without ``Id`` is keyed by
its ``referenceId`` (see :mod:`kamcore_salesforce.mapping`); a record that has one is keyed by
it, like the CSV and API adapters do.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from kamcore.documents import Document, load_document
from kamcore.errors import InvalidInputError, Problem

from .ids import to18
from .rows import DictRow, flatten

#: (parent object, child object) -> the child's lookup field pointing at a nesting parent.
CHILD_LOOKUPS: dict[tuple[str, str], str] = {
    ("Account", "Contact"): "AccountId",
    ("Account", "Opportunity"): "AccountId",
    ("Account", "Account"): "ParentId",
    ("Account", "AccountContactRelation"): "AccountId",
    ("Contact", "AccountContactRelation"): "ContactId",
    ("Contact", "OpportunityContactRole"): "ContactId",
    ("Opportunity", "OpportunityContactRole"): "OpportunityId",
    ("Opportunity", "OpportunityCompetitor"): "OpportunityId",
    ("Contact", "Contact"): "ReportsToId",
    ("Account", "AccountPlan"): "AccountId",
    ("AccountPlan", "AccountPlanObjective"): "AccountPlanId",
    ("AccountPlanObjective", "AccountPlanObjectiveMeasure"): "AccountPlanObjectiveId",
}


def _is_children(value: Any) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("records"), list)


class TreeSource:
    """Every record of a plan (or a single tree file), held in memory to resolve references."""

    def __init__(self, path: Path) -> None:
        self.rows_by_object: dict[str, list[DictRow]] = {}
        self.refs: dict[str, str] = {}
        plan = self._find_plan(path)
        doc = load_document(plan)
        if isinstance(doc.data, list):
            self._read_plan(plan, doc)
        elif isinstance(doc.data, Mapping) and "records" in doc.data:
            self._read_tree(doc)
        else:
            raise InvalidInputError(f"{doc.source}: not an sf data tree plan or file", [
                doc.problem((), 'expected a plan (a list of {"sobject", "files"}) or a tree '
                                'file ({"records": [...]})')])

    @staticmethod
    def _find_plan(path: Path) -> Path:
        if not path.is_dir():
            return path
        plans = sorted(path.glob("*plan*.json"))
        if len(plans) != 1:
            found = ", ".join(p.name for p in plans) or "none"
            raise InvalidInputError(f"{path}: expected one plan file (*plan*.json) in the "
                                    f"folder, found {found}; give the plan file as PATH")
        return plans[0]

    def objects(self) -> frozenset[str]:
        return frozenset(self.rows_by_object)

    def rows(self, sobject: str) -> Iterator[DictRow]:
        return iter(self.rows_by_object.get(sobject, []))

    # -- reading ----------------------------------------------------------------------------

    def _read_plan(self, plan: Path, doc: Document) -> None:
        for index, entry in enumerate(doc.data):
            if not isinstance(entry, Mapping) or not isinstance(entry.get("sobject"), str):
                raise InvalidInputError(f"{doc.source}: invalid plan entry", [
                    doc.problem((index,), 'expected {"sobject": ..., "files": [...]}')])
            files = entry.get("files")
            if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
                raise InvalidInputError(f"{doc.source}: invalid plan entry", [
                    doc.problem((index, "files"), "expected a list of file names")])
            for position, name in enumerate(files):
                file = plan.parent / name
                if not file.is_file():
                    raise InvalidInputError(f"{doc.source}: a file of the plan is missing", [
                        doc.problem((index, "files", position), f"no such file: {file}")])
                self._read_tree(load_document(file), expected=entry["sobject"])

    def _read_tree(self, doc: Document, expected: str | None = None) -> None:
        records = doc.data.get("records") if isinstance(doc.data, Mapping) else None
        if not isinstance(records, list):
            raise InvalidInputError(f"{doc.source}: not an sf data tree file", [
                doc.problem(("records",), 'expected {"records": [...]}')])
        self._collect(doc, ("records",), records, None, expected)

    def _collect(self, doc: Document, at: tuple[str | int, ...], records: list[Any],
                 parent: tuple[str, str] | None, expected: str | None) -> None:
        for index, record in enumerate(records):
            path = (*at, index)
            if not isinstance(record, Mapping):
                raise InvalidInputError(f"{doc.source}: invalid record", [
                    doc.problem(path, "expected a record (an object)")])
            attributes = record.get("attributes")
            sobject = attributes.get("type") if isinstance(attributes, Mapping) else None
            if not isinstance(sobject, str) or not sobject:
                raise InvalidInputError(f"{doc.source}: invalid record", [
                    doc.problem((*path, "attributes"), "expected attributes.type")])
            if expected is not None and sobject != expected:
                raise InvalidInputError(f"{doc.source}: record of the wrong object", [
                    doc.problem((*path, "attributes", "type"),
                                f"the plan lists this file for {expected}, not {sobject}")])
            assert isinstance(attributes, Mapping)
            reference = attributes.get("referenceId")
            fields = {k: v for k, v in flatten(record).items() if not _is_children(v)}
            key = self._own_key(doc, path, record, fields, reference)
            if parent is not None:
                lookup = CHILD_LOOKUPS.get((parent[0], sobject))
                if lookup is not None and not fields.get(lookup.lower()):
                    fields[lookup.lower()] = parent[1]
            self.rows_by_object.setdefault(sobject, []).append(
                DictRow(sobject, fields, f"{doc.source} {'.'.join(map(str, path))}",
                        self._locator(doc, path, record), self._resolve))
            for name, value in record.items():
                if _is_children(value):
                    self._collect(doc, (*path, name, "records"), value["records"],
                                  (sobject, key), None)

    def _own_key(self, doc: Document, path: tuple[str | int, ...], record: Mapping[str, Any],
                 fields: dict[str, Any], reference: Any) -> str:
        if fields.get("id"):
            try:
                key = to18(str(fields["id"]))
            except ValueError as exc:
                raise InvalidInputError(f"{doc.source}: invalid record", [
                    doc.problem((*path, "Id"), str(exc))]) from None
        elif isinstance(reference, str) and reference:
            key = f"@{reference}"
            fields["id"] = key
        else:
            raise InvalidInputError(f"{doc.source}: invalid record", [
                doc.problem((*path, "attributes"), "a record needs an Id or a referenceId")])
        if isinstance(reference, str) and reference:
            if reference in self.refs:
                raise InvalidInputError(f"{doc.source}: invalid record", [
                    doc.problem((*path, "attributes", "referenceId"),
                                f"referenceId {reference!r} is used twice")])
            self.refs[reference] = key
        return key

    @staticmethod
    def _locator(doc: Document, path: tuple[str | int, ...], record: Mapping[str, Any]) -> Any:
        def locate(field: str | None, message: str) -> Problem:
            if field is None:
                return doc.problem(path, message)
            name = next((k for k in record if k.lower() == field.lower()), field)
            return doc.problem((*path, name), message)

        return locate

    def _resolve(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not an Id or an @reference")
        if value.startswith("@"):
            key = self.refs.get(value[1:])
            if key is None:
                raise ValueError(f"unknown reference {value!r}: no record has referenceId "
                                 f"{value[1:]!r}")
            return key
        return to18(value)

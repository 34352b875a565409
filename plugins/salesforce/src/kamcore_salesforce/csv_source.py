"""Data Loader and data-export CSVs: a folder of ``Account.csv``, ``Contact.csv``... or one file.

**Which object.** A file's object comes from its name (``Contact.csv``, ``contacts.csv``,
``Opportunity_2026-01.csv``); a file whose name says nothing (``extract.csv``, a Bulk API
result, ``accountData.csv``) is recognised by its header row (:func:`object_by_header`); a
header that fits more than one object is refused naming the candidates. ``--object`` states
the object of a one-file PATH. In a folder, CSVs that are none of the objects read are skipped
(and said so in the import's summary).

**Text.** Files are streamed row by row (nothing is loaded whole) in their encoding: UTF-8 with
or without a byte order mark, UTF-16 with one, or a legacy one such as Windows-1252 (older
Data Loader versions), detected or given with ``--encoding``; the import's summary says which.
Headers are matched without regard to case (older Data Loader versions write ``ACCOUNTID``). A
row with the wrong number of fields, or a value that cannot be read, aborts the import with its
file, line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from kamcore.csvrows import read_header, stream_csv
from kamcore.errors import InvalidInputError, Problem
from kamcore.importing import note

from .mapping import OBJECTS
from .rows import Columns, CsvRow

_NAMES: dict[str, str] = {}
for _object in OBJECTS:
    _NAMES[_object.lower()] = _object
    _NAMES[(_object[:-1] + "ies" if _object.endswith("y") else _object + "s").lower()] = _object

#: The columns that mark each object's export (lower-case; all of one set must be there).
_MARKS: dict[str, tuple[frozenset[str], ...]] = {
    "OpportunityContactRole": (frozenset({"opportunityid", "contactid"}),),
    "OpportunityCompetitor": (frozenset({"opportunityid", "competitorname"}),),
    "AccountContactRelation": (frozenset({"accountid", "contactid", "isdirect"}),
                               frozenset({"accountid", "contactid", "roles"})),
    "Opportunity": (frozenset({"stagename"}), frozenset({"accountid", "closedate"})),
    "Contact": (frozenset({"lastname"}), frozenset({"firstname", "accountid"})),
    "AccountPlanObjectiveMeasure": (frozenset({"accountplanobjectiveid"}),),
    "AccountPlanObjective": (frozenset({"accountplanid"}),),
    "AccountPlan": tuple(frozenset({"accountid", field}) for field in (
        "accountvision", "relationshipstrengths", "relationshipweaknesses",
        "relationshipopportunities", "relationshipthreats")),
}
#: Columns only other objects' exports have: an Account export has none of them.
_NOT_ACCOUNT = frozenset({"accountid", "contactid", "opportunityid", "stagename", "lastname",
                          "firstname"})


def object_of(path: Path) -> str | None:
    """The Salesforce object a CSV holds, from its name: ``Contact.csv``, ``contacts.csv``,
    ``Account Contact Relation.csv``, ``Opportunity_2026-01.csv`` (trailing dates and numbers
    are ignored); None when the name says nothing."""
    stem = re.sub(r"[\W_\d]+$", "", path.stem.lower())
    return _NAMES.get(re.sub(r"[\W_]+", "", stem))


def object_by_header(source: str, header: list[str]) -> str | None:
    """The Salesforce object whose export has this header row (None when none fits).

    :raises InvalidInputError: the header fits several objects (they are named).
    """
    columns = {name.strip().lower() for name in header}
    if "id" not in columns:
        return None
    fits = [sobject for sobject, marks in _MARKS.items()
            if any(mark <= columns for mark in marks)]
    if not fits and "name" in columns and not columns & _NOT_ACCOUNT:
        fits = ["Account"]
    if len(fits) > 1:
        raise InvalidInputError(
            f"{source}: its header fits several Salesforce objects ({', '.join(fits)}); name "
            "the file after its object or give --object", [
                Problem(f"could be {' or '.join(fits)}", source=source, line=1)])
    return fits[0] if fits else None


def object_named(name: str) -> str:
    """The Salesforce object called ``name`` (any case) among those read.

    :raises InvalidInputError: it is not one of them (they are listed).
    """
    found = next((sobject for sobject in OBJECTS if sobject.lower() == name.strip().lower()),
                 None)
    if found is None:
        raise InvalidInputError(f"--object {name!r}: not an object this adapter reads; give "
                                f"one of {', '.join(OBJECTS)}")
    return found


def _expected() -> str:
    return ", ".join(f"{name}.csv" for name in OBJECTS)


class CsvSource:
    """The CSV files under PATH, by Salesforce object (several files per object are read in
    name order).

    :param encoding: the files' encoding (a Python codec name); None: found per file.
    :param sobject: the object of a one-file ``path`` (``--object``).
    """

    def __init__(self, path: Path, *, encoding: str | None = None,
                 sobject: str | None = None) -> None:
        self.encoding = encoding
        self.files: dict[str, list[Path]] = {}
        if path.is_dir():
            if sobject is not None:
                raise InvalidInputError(f"{path}: --object states the object of one file; "
                                        "PATH is a folder (name its files after their objects)")
            for file in sorted(p for p in path.iterdir()
                               if p.is_file() and p.suffix.lower() == ".csv"):
                found = self._object(file)
                if found is None:
                    note(f"{file.name}: skipped (not an export of {', '.join(OBJECTS)})")
                else:
                    self.files.setdefault(found, []).append(file)
            if not self.files:
                raise InvalidInputError(f"{path}: no Salesforce CSV found; expected one or more "
                                        f"of {_expected()} (or such exports by their header)")
            return
        found = object_named(sobject) if sobject is not None else self._object(path)
        if found is None:
            raise InvalidInputError(
                f"{path}: cannot tell which Salesforce object this file holds from its name or "
                f"its header; name it after the object ({_expected()}) or give --object")
        self.files[found] = [path]

    def _object(self, file: Path) -> str | None:
        """A file's object: from its name, else from its header row."""
        by_name = object_of(file)
        if by_name is not None:
            return by_name
        header = read_header(file, self.encoding)
        return None if header is None else object_by_header(str(file), header)

    def objects(self) -> frozenset[str]:
        return frozenset(self.files)

    def rows(self, sobject: str) -> Iterator[CsvRow]:
        for file in self.files.get(sobject, []):
            yield from read_csv(file, sobject, self.encoding)


def _header(source: str, names: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(names):
        key = name.strip().lower()
        if not key:
            raise InvalidInputError(f"{source}: a column has no name", [
                Problem("empty column name", source=source, line=1, column=index + 1)])
        if key in columns:
            raise InvalidInputError(f"{source}: column {name.strip()!r} appears twice", [
                Problem(f"duplicate column (headers are matched without regard to case; the "
                        f"first is column {columns[key] + 1})", source=source, line=1,
                        column=index + 1, path=(name.strip(),))])
        columns[key] = index
    if "id" not in columns:
        raise InvalidInputError(f"{source}: no Id column", [
            Problem("every Salesforce CSV needs the records' Id column", source=source,
                    line=1, path=("Id",))])
    return columns


def read_csv(path: Path, sobject: str, encoding: str | None = None) -> Iterator[CsvRow]:
    """Stream the rows of one CSV as :class:`CsvRow` (line = the row's first line)."""
    source = str(path)
    rows = stream_csv(path, sobject, encoding=encoding)
    _, names = next(rows)
    columns = Columns(_header(source, names))
    labels = [name.strip() for name in names]
    for line, values in rows:
        yield CsvRow(sobject, source, line, columns, values, labels)

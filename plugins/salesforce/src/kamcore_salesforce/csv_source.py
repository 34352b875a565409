"""Data Loader and data-export CSVs: a folder of ``Account.csv``, ``Contact.csv``... or one file.

Files are streamed row by row (nothing is loaded whole). Headers are matched without regard to
case (older Data Loader versions write ``ACCOUNTID``); a UTF-8 byte order mark is skipped. A
row with the wrong number of fields, or a value that cannot be read, aborts the import with
its file, line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from kamcore.csvrows import stream_csv
from kamcore.errors import InvalidInputError, Problem

from .mapping import OBJECTS
from .rows import Columns, CsvRow

_NAMES: dict[str, str] = {}
for _object in OBJECTS:
    _NAMES[_object.lower()] = _object
    _NAMES[(_object[:-1] + "ies" if _object.endswith("y") else _object + "s").lower()] = _object


def object_of(path: Path) -> str | None:
    """The Salesforce object a CSV holds, from its name: ``Contact.csv``, ``contacts.csv``,
    ``Account Contact Relation.csv``, ``Opportunity_2026-01.csv`` (trailing dates and numbers
    are ignored); None when the name says nothing."""
    stem = re.sub(r"[\W_\d]+$", "", path.stem.lower())
    return _NAMES.get(re.sub(r"[\W_]+", "", stem))


def _expected() -> str:
    return ", ".join(f"{name}.csv" for name in OBJECTS)


class CsvSource:
    """The CSV files under PATH, by Salesforce object (several files per object are read in
    name order)."""

    def __init__(self, path: Path) -> None:
        self.files: dict[str, list[Path]] = {}
        if path.is_dir():
            for file in sorted(p for p in path.iterdir()
                               if p.is_file() and p.suffix.lower() == ".csv"):
                sobject = object_of(file)
                if sobject is not None:
                    self.files.setdefault(sobject, []).append(file)
            if not self.files:
                raise InvalidInputError(f"{path}: no Salesforce CSV found; expected one or more "
                                        f"of {_expected()}")
        else:
            sobject = object_of(path)
            if sobject is None:
                raise InvalidInputError(
                    f"{path}: cannot tell which Salesforce object this file holds from its "
                    f"name; name it after the object ({_expected()})")
            self.files[sobject] = [path]

    def objects(self) -> frozenset[str]:
        return frozenset(self.files)

    def rows(self, sobject: str) -> Iterator[CsvRow]:
        for file in self.files.get(sobject, []):
            yield from read_csv(file, sobject)


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


def read_csv(path: Path, sobject: str) -> Iterator[CsvRow]:
    """Stream the rows of one CSV as :class:`CsvRow` (line = the row's first line)."""
    source = str(path)
    rows = stream_csv(path, sobject)
    _, names = next(rows)
    columns = Columns(_header(source, names))
    labels = [name.strip() for name in names]
    for line, values in rows:
        yield CsvRow(sobject, source, line, columns, values, labels)

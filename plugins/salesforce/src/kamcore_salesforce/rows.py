"""One source row (a CSV line, a tree-export record, an API record) with typed getters.

Every getter that meets a bad value raises :class:`kamcore.InvalidInputError` with a
:class:`kamcore.Problem` naming the file, line, column and field of the row, so the import
aborts with the exact place of the mistake.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, NoReturn

from kamcore.errors import InvalidInputError, Problem

from .ids import to18
from .values import parse_bool, parse_date, parse_number

#: Resolves a lookup field's raw value to a record key (an 18-character Id, or ``@ref``).
Resolver = Callable[[Any], str]


class Row:
    """Base of the rows: ``sobject`` is the Salesforce object (``Contact``)."""

    __slots__ = ()
    sobject: str
    resolve: Resolver = staticmethod(to18)

    def present(self, field: str) -> bool:
        """Whether the source has this field at all (a CSV column, a JSON key)."""
        raise NotImplementedError

    def raw(self, field: str) -> Any:
        """The field's raw value; None when absent or empty."""
        raise NotImplementedError

    def problem(self, field: str | None, message: str) -> Problem:
        """A problem located at this row (and the field's column when known)."""
        raise NotImplementedError

    def where(self) -> str:
        """``file:line`` (or another label) of this row, for messages."""
        raise NotImplementedError

    def fail(self, field: str | None, message: str) -> NoReturn:
        """Abort the import: this row is bad."""
        problem = self.problem(field, message)
        raise InvalidInputError(f"invalid {self.sobject} row at {self.where()}; nothing imported",
                                [problem])

    # -- typed getters: None for an empty value ----------------------------------------------

    def text(self, field: str) -> str | None:
        value = self.raw(field)
        if value is None:
            return None
        if isinstance(value, Mapping | list):
            self.fail(field, "expected a text value")
        text = str(value).strip()
        return text or None

    def key(self, field: str) -> str | None:
        value = self.raw(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return self.resolve(value)
        except ValueError as exc:
            self.fail(field, str(exc))

    def number(self, field: str) -> float | None:
        value: float | None = self._parsed(field, parse_number)
        return value

    def date(self, field: str) -> date | None:
        value: date | None = self._parsed(field, parse_date)
        return value

    def boolean(self, field: str) -> bool | None:
        value: bool | None = self._parsed(field, parse_bool)
        return value

    def _parsed(self, field: str, parse: Callable[[Any], Any]) -> Any:
        value = self.raw(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.fail(field, str(exc))


class Columns(dict[str, int | None]):
    """A CSV header: ``columns[field]`` is the 0-based index of the column named ``field``
    (without regard to case), or None when the file has no such column.

    Built from the header's lower-cased names; each other spelling asked for (``AccountId``)
    is resolved once and remembered, so the rows of a file share the lookups.
    """

    def __missing__(self, field: str) -> int | None:
        index = self.get(field.lower())
        self[field] = index
        return index


class CsvRow(Row):
    """A CSV record: the header (:class:`Columns`) is shared by every row of the file."""

    __slots__ = ("columns", "labels", "line", "sobject", "source", "values")

    def __init__(self, sobject: str, source: str, line: int, columns: Columns,
                 values: Sequence[str], labels: Sequence[str] = ()) -> None:
        self.sobject = sobject
        self.source = source
        self.line = line
        self.columns = columns
        self.values = values
        self.labels = labels

    def present(self, field: str) -> bool:
        return self.columns[field] is not None

    def raw(self, field: str) -> Any:
        index = self.columns[field]
        if index is None:
            return None
        return self.values[index] or None

    def text(self, field: str) -> str | None:
        index = self.columns[field]  # a CSV value is always text: no check needed
        if index is None:
            return None
        return self.values[index].strip() or None

    def key(self, field: str) -> str | None:
        index = self.columns[field]  # as text(): no type checks
        if index is None:
            return None
        value = self.values[index]
        if not value or value.isspace():
            return None
        try:
            return self.resolve(value)
        except ValueError as exc:
            self.fail(field, str(exc))

    def problem(self, field: str | None, message: str) -> Problem:
        index = self.columns[field] if field else None
        label = self.labels[index] if index is not None and index < len(self.labels) else field
        return Problem(message, source=self.source, line=self.line,
                       column=None if index is None else index + 1,
                       path=(label,) if label else ())

    def where(self) -> str:
        return f"{self.source}:{self.line}"


def flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Lower-cased field names -> values; nested relationship records become ``owner.name``.

    The ``attributes`` entry of API and tree records is left out; child relationship lists
    (``{"records": [...]}``) are kept as they are, under their name.
    """
    out: dict[str, Any] = {}
    for name, value in record.items():
        if name == "attributes":
            continue
        key = f"{prefix}{name}".lower()
        if isinstance(value, Mapping) and "records" not in value:
            out.update(flatten(value, f"{key}."))
        else:
            out[key] = value
    return out


class DictRow(Row):
    """A JSON record (tree export or API); ``locate(field, message)`` builds its problems."""

    __slots__ = ("fields", "label", "locate", "resolve", "sobject")

    def __init__(self, sobject: str, fields: Mapping[str, Any], label: str,
                 locate: Callable[[str | None, str], Problem],
                 resolve: Resolver = to18) -> None:
        self.sobject = sobject
        self.fields = fields
        self.label = label
        self.locate = locate
        self.resolve = resolve

    def present(self, field: str) -> bool:
        return field.lower() in self.fields

    def raw(self, field: str) -> Any:
        value = self.fields.get(field.lower())
        return None if value == "" else value

    def problem(self, field: str | None, message: str) -> Problem:
        return self.locate(field, message)

    def where(self) -> str:
        return self.label

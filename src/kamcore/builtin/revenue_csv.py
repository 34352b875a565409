"""The ``revenue-csv`` adapter: revenue facts from a CSV file, one row per account and quarter.

Columns (header names, any order, case-insensitive): ``account_id``, ``period`` (``2026-Q4``)
and ``booked`` are required; ``expansion``, ``churn``, ``wallet``, ``competitor_entered``
(``yes``/``no``, ``true``/``false``, ``1``/``0``) and ``currency`` are optional. Any other
column is refused, so a misspelt one is not silently dropped. Each row becomes a
:class:`~kamcore.model.RevenueFact` with id ``<account_id>.<period>``; importing the same file
again changes nothing. A bad row stops the import with the file, line and column.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInputError, Problem

if TYPE_CHECKING:
    from ..model import RevenueFact

REQUIRED = ("account_id", "period", "booked")
OPTIONAL = ("expansion", "churn", "wallet", "competitor_entered", "currency")
_NUMBERS = frozenset({"booked", "expansion", "churn", "wallet"})
_TRUTH = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


def read_revenue(path: Path) -> Iterator[RevenueFact]:
    """Stream the revenue facts of the CSV file at ``path``.

    :raises InvalidInputError: an unknown, missing or repeated column; a value that is not a
        number, a yes/no or a quarter; a fact the record refuses -- with file, line, column.
    """
    from pydantic import ValidationError

    from ..csvrows import stream_csv
    from ..model import RevenueFact

    source = str(path)
    rows = stream_csv(path, "revenue")
    _, names = next(rows)
    columns = _columns(source, names)
    for line, values in rows:
        fields: dict[str, Any] = {"source": path.name}
        for name, index in columns.items():
            text = values[index].strip()
            if text:
                fields[name] = _value(name, text, source, line, index)
        fields["id"] = f"{fields.get('account_id', '')}.{fields.get('period', '')}"
        try:
            yield RevenueFact.model_validate(fields)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = str(error["loc"][0]) if error["loc"] else None
            at = columns.get(field) if field else None
            raise InvalidInputError(f"invalid revenue row at {source}:{line}; nothing imported", [
                Problem(str(error["msg"]), source=source, line=line,
                        column=None if at is None else at + 1,
                        path=(field,) if field else ())]) from None


def _columns(source: str, names: list[str]) -> dict[str, int]:
    """Column name -> index; every unknown, repeated or missing column is reported."""
    columns: dict[str, int] = {}
    problems = []
    for index, raw in enumerate(names):
        name = raw.strip().lower()
        if name not in REQUIRED and name not in OPTIONAL:
            problems.append(Problem(f"unknown column; revenue-csv reads: "
                                    f"{', '.join(REQUIRED + OPTIONAL)}", source=source, line=1,
                                    column=index + 1, path=(raw.strip(),)))
        elif name in columns:
            problems.append(Problem("column appears twice", source=source, line=1,
                                    column=index + 1, path=(name,)))
        else:
            columns[name] = index
    problems.extend(Problem("required column is missing", source=source, line=1, path=(name,))
                    for name in REQUIRED if name not in columns)
    if problems:
        raise InvalidInputError(f"{source}: not a revenue CSV file; nothing imported", problems)
    return columns


def _value(name: str, text: str, source: str, line: int, index: int) -> Any:
    """The cell ``text`` of column ``name`` as the record's field value."""
    if name in _NUMBERS:
        try:
            return float(text.replace(",", "").replace("_", ""))
        except ValueError:
            message = f"{text!r} is not a number"
    elif name == "competitor_entered":
        if text.lower() in _TRUTH:
            return _TRUTH[text.lower()]
        message = f"{text!r} is not yes or no"
    else:
        return text
    raise InvalidInputError(f"invalid revenue row at {source}:{line}; nothing imported", [
        Problem(message, source=source, line=line, column=index + 1, path=(name,))])

"""An adapter: accounts from a CSV file with ``id``, ``name`` and ``industry`` columns."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from kamcore import Account, InvalidInputError, Problem

SYSTEM = "{{ cookiecutter.__entry_point }}"
REQUIRED = ("id", "name")


def read_accounts(path: Path) -> Iterator[Account]:
    """Yield one Account per row; a bad row raises with file, line and column."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        headers = [h.strip().lower() for h in reader.fieldnames or []]
        missing = [c for c in REQUIRED if c not in headers]
        if missing:
            raise InvalidInputError(f"{path}: missing columns {', '.join(missing)}",
                                    [Problem("header row", source=str(path), line=1)])
        for row in reader:
            values = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
            try:
                yield Account(id=f"{SYSTEM}-{values['id']}", name=values["name"],
                              industry=values.get("industry") or None,
                              external_ids={SYSTEM: values["id"]})
            except ValidationError as exc:
                field = str(exc.errors()[0]["loc"][0])
                column = headers.index(field) + 1 if field in headers else None
                raise InvalidInputError(f"{path}: bad row", [Problem(
                    exc.errors()[0]["msg"], source=str(path), line=reader.line_num,
                    column=column, path=(field,))]) from None

"""Writing a CSV table for spreadsheet programs, as every CSV exporter does.

:func:`render_table` writes a header row and the data rows (``\\r\\n`` line ends, as RFC 4180
says). Every text cell goes through :func:`kamcore.exporting.neutralise_formula`: a value a
spreadsheet could evaluate (OWASP's leading ``=``, ``+``, ``-``, ``@``, tab, carriage return,
also line feed, leading whitespace and the full-width signs) gets an apostrophe in front, so a
spreadsheet shows it as text instead of running it as a formula.

The text starts with a UTF-8 byte-order mark unless the export options say ``bom: False``
(``kam export --no-bom``): without it Excel reads the file in the machine's legacy code page and
garbles every non-ASCII character (the full-width equals sign, accents, the euro sign).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..exporting import neutralise_formula
from ..rendering import flat

#: The byte-order mark that tells spreadsheet programs the file is UTF-8.
BOM = "\ufeff"


def cell(value: Any) -> str:
    """A cell's text: None empty, nested values on one line, formulas neutralised."""
    if value is None:
        return ""
    return neutralise_formula(value if isinstance(value, str) else flat(value))


def render_table(headers: Sequence[str], rows: Iterable[Sequence[Any]],
                 options: Mapping[str, Any]) -> str:
    """The CSV text of ``headers`` and ``rows`` (see the module docstring for ``options``)."""
    out = io.StringIO()
    if options.get("bom", True):
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([cell(value) for value in row] for row in rows)
    return out.getvalue()

"""Built-in adapters: ``json`` reads back a kamcore JSON bundle written by ``kam export``;
``revenue-csv`` reads revenue facts (:mod:`kamcore.builtin.revenue_csv`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..plugin.contributions import Adapter
from ..plugin.markers import hookimpl

if TYPE_CHECKING:
    from ..model import Record


def _read_bundle(path: Path) -> Iterator[Record]:
    """The records of the bundle at ``path``: a JSON bundle read one record at a time
    (:func:`~kamcore.builtin.bundle.records_in_json`), a YAML one parsed whole."""
    from ..documents import check_characters, parse_document, read_input
    from ..jsonstream import is_object
    from .bundle import records_in_json, records_of

    source = str(path)
    text = read_input(path)
    if is_object(text):
        check_characters(text, source)
        yield from records_in_json(text, source)
    else:
        yield from records_of(parse_document(text, source))


@hookimpl
def kam_adapters() -> list[Adapter]:
    from .revenue_csv import read_revenue

    return [Adapter("json", "A kamcore JSON (or YAML) bundle written by `kam export`.",
                    _read_bundle),
            Adapter("revenue-csv", "Revenue facts per account and quarter (account_id, period, "
                    "booked, expansion, churn, ...) from a CSV file.", read_revenue)]

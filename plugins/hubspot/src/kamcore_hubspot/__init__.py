"""kamcore plugin ``hubspot``: the ``hubspot-csv`` adapter (companies, contacts and deals).

See :mod:`kamcore_hubspot.reading` for the files it reads and how they map to records.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kamcore import hookimpl
from kamcore.plugin.contributions import Adapter

if TYPE_CHECKING:
    from kamcore.model import Record

__all__ = ["kam_adapters"]


def read_csv(path: Path, *, encoding: str | None = None) -> Iterator[Record]:
    """Records from HubSpot CSV exports: a folder of companies/contacts/deals files, or one,
    in ``encoding`` (default: found per file)."""
    from .reading import HubSpotExport

    return HubSpotExport(path, encoding).records()


@hookimpl
def kam_adapters() -> list[Adapter]:
    """``hubspot-csv``."""
    return [Adapter("hubspot-csv", "HubSpot CSV exports of companies, contacts and deals: PATH "
                                   "is a folder holding them (or one such file).", read_csv,
                    options={"encoding": "the files' text encoding (default: detected)"})]

"""kamcore plugin ``hubspot``: companies, contacts and deals from HubSpot.

Adapters (``kam import ADAPTER PATH``):

* ``hubspot-csv`` -- the UI's CSV exports (English, German, French, Spanish labels):
  :mod:`kamcore_hubspot.reading`, :mod:`kamcore_hubspot.labels`.
* ``hubspot-json`` -- CRM API v3 JSON pages saved to files: :mod:`kamcore_hubspot.json_source`.
* ``hubspot-api`` -- live, through HubSpot's official client, with a private app's token from
  ``KAM_HUBSPOT_TOKEN``; option ``since``: :mod:`kamcore_hubspot.api_source`. ``kam sync pull
  hubspot`` runs it with the watermark as ``since``.

All map the records the same way (:class:`kamcore_hubspot.reading.RecordMapper`; API objects
through :mod:`kamcore_hubspot.objects`).
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


def read_json(path: Path) -> Iterator[Record]:
    """Records from HubSpot CRM API v3 JSON pages: one file, or a folder of them."""
    from .json_source import JsonPages

    return JsonPages(path).records()


def read_api(path: Path, *, since: str | None = None) -> Iterator[Record]:
    """Records read live from HubSpot as the connection file at ``path`` says; with
    ``since`` (ISO datetime) only those modified since then."""
    from .api_source import ApiObjects

    return ApiObjects(path, since).records()


@hookimpl
def kam_adapters() -> list[Adapter]:
    """``hubspot-csv``, ``hubspot-json`` and ``hubspot-api``."""
    return [Adapter("hubspot-csv", "HubSpot CSV exports of companies, contacts and deals: PATH "
                                   "is a folder holding them (or one such file).", read_csv,
                    options={"encoding": "the files' text encoding (default: detected)"}),
            Adapter("hubspot-json", "HubSpot CRM API v3 JSON (pages of companies, contacts and "
                                    "deals with associations): PATH is a file or a folder of "
                                    "them.", read_json),
            Adapter("hubspot-api", "Live from HubSpot's CRM API (token from KAM_HUBSPOT_TOKEN): "
                                   "PATH is a connection file (objects to read).", read_api,
                    options={"since": "read only records modified since this ISO datetime"},
                    sync="hubspot")]

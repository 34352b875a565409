"""Built-in adapter ``json``: reads back a kamcore JSON bundle written by ``kam export``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..plugin.contributions import Adapter
from ..plugin.markers import hookimpl

if TYPE_CHECKING:
    from ..model import Record


def _read_bundle(path: Path) -> Iterator[Record]:
    from ..documents import load_document
    from .bundle import records_of

    yield from records_of(load_document(path))


@hookimpl
def kam_adapters() -> list[Adapter]:
    return [Adapter("json", "A kamcore JSON (or YAML) bundle written by `kam export`.",
                    _read_bundle)]

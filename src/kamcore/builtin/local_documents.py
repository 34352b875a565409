"""Methodologies and rubrics from folders, without packaging: for enablement teams.

``KAMCORE_METHODOLOGY_PATH`` and ``KAMCORE_RUBRIC_PATH`` name folders (separated by the
platform's path separator, ``:`` on Unix); every ``*.yaml``, ``*.yml`` and ``*.json`` file
directly inside them is loaded as a methodology or rubric document.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..plugin.markers import hookimpl

_SUFFIXES = {".yaml", ".yml", ".json"}


def _documents_in(variable: str) -> list[Path]:
    found: list[Path] = []
    for folder in filter(None, os.environ.get(variable, "").split(os.pathsep)):
        path = Path(folder)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in _SUFFIXES))
    return found


@hookimpl
def kam_methodologies() -> list[Path]:
    return _documents_in("KAMCORE_METHODOLOGY_PATH")


@hookimpl
def kam_rubrics() -> list[Path]:
    return _documents_in("KAMCORE_RUBRIC_PATH")

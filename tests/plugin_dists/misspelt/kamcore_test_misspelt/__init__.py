"""kamcore test plugin ``misspelt``: a hookimpl whose name has a typo."""

from __future__ import annotations

from kamcore import hookimpl


@hookimpl
def kam_methodolgies():  # type: ignore[no-untyped-def]  # sic: the typo is the point
    return [{"name": "kt-misspelt", "version": "1", "title": "Never loaded",
             "steps": [{"key": "a", "title": "A"}], "sections": []}]

"""kamcore test plugin ``exiting_hook``: imports fine, but its hooks raise SystemExit and its
exporter ``kt-exit`` calls ``sys.exit(0)`` when it renders."""

from __future__ import annotations

import sys

from kamcore import hookimpl


@hookimpl
def kam_methodologies():  # type: ignore[no-untyped-def]
    sys.exit("exiting_hook plugin: kam_methodologies gives up")


@hookimpl
def kam_check_plan(plan):  # type: ignore[no-untyped-def]
    raise SystemExit(0)


@hookimpl
def kam_exporters():  # type: ignore[no-untyped-def]
    from kamcore import Exporter

    def render(context):  # type: ignore[no-untyped-def]
        sys.exit(0)

    return [Exporter("kt-exit", "Exits the process instead of rendering.", ".txt", render)]

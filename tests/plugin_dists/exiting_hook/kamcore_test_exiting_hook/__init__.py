"""kamcore test plugin ``exiting_hook``: imports fine, but its hooks raise SystemExit."""

from __future__ import annotations

import sys

from kamcore import hookimpl


@hookimpl
def kam_methodologies():  # type: ignore[no-untyped-def]
    sys.exit("exiting_hook plugin: kam_methodologies gives up")


@hookimpl
def kam_check_plan(plan):  # type: ignore[no-untyped-def]
    raise SystemExit(0)

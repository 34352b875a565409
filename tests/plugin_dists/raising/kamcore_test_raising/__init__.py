"""kamcore test plugin ``raising``: imports fine, but its hooks raise when called."""

from __future__ import annotations

from kamcore import hookimpl


@hookimpl
def kam_methodologies():  # type: ignore[no-untyped-def]
    raise RuntimeError("raising plugin: kam_methodologies exploded")


@hookimpl
def kam_check_plan(plan):  # type: ignore[no-untyped-def]
    raise RuntimeError(f"raising plugin: cannot check {plan.id}")

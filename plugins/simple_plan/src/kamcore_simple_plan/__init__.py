"""kamcore plugin ``simple_plan``: the five elements of a working account plan.

Contributes the ``simple_plan`` methodology (``simple_plan.yaml``) and the checks YAML cannot
express (:mod:`kamcore_simple_plan.checks`).
"""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING

from kamcore import hookimpl

if TYPE_CHECKING:
    from kamcore.methodology import Methodology
    from kamcore.model import Finding, Plan
    from kamcore.snapshot import AccountSnapshot

__all__ = ["kam_check_plan", "kam_methodologies"]


@hookimpl
def kam_methodologies() -> list[Traversable]:
    """The ``simple_plan`` methodology document."""
    return [files("kamcore_simple_plan") / "simple_plan.yaml"]


@hookimpl
def kam_check_plan(plan: Plan, methodology: Methodology, snapshot: AccountSnapshot,
                   as_of: date) -> list[Finding]:
    """simple_plan's findings for plans under ``simple_plan`` or a variant of it; else ``[]``."""
    from . import checks

    return checks.check_plan(plan, methodology, snapshot, as_of)

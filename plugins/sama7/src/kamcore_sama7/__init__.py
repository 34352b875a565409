"""kamcore plugin ``sama7``: SAMA's seven-step strategic account planning.

Contributes three methodologies: ``sama7`` (``sama7.yaml``), its house variant ``sama7-lite``
(``sama7-lite.yaml``) and ``sama7-programme`` (``sama7-programme.yaml``, the other seven-step
listing: account selection, understanding the business, joint value creation, stakeholder
alignment, plan development, execution and measurement, program governance); both variants only
use ``extends: sama7``. It also contributes the checks YAML cannot express
(:mod:`kamcore_sama7.checks`), which apply to all three.
"""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING

from kamcore import hookimpl

if TYPE_CHECKING:
    from kamcore.methodology import Methodology
    from kamcore.model import Account, Finding, Plan
    from kamcore.snapshot import AccountSnapshot

__all__ = ["kam_check_plan", "kam_methodologies"]


@hookimpl
def kam_methodologies() -> list[Traversable]:
    """The ``sama7`` methodology and its ``sama7-lite`` and ``sama7-programme`` variants."""
    package = files("kamcore_sama7")
    return [package / "sama7.yaml", package / "sama7-lite.yaml",
            package / "sama7-programme.yaml"]


@hookimpl
def kam_check_plan(plan: Plan, account: Account, methodology: Methodology,
                   snapshot: AccountSnapshot, as_of: date) -> list[Finding]:
    """sama7's findings for plans under ``sama7`` or a variant of it; else ``[]``."""
    from . import checks

    return checks.check_plan(plan, account, methodology, snapshot, as_of)

"""kamcore plugin ``medpicc``: MEDDPICC qualification of the opportunities inside a plan.

Contributes three methodologies: ``medpicc`` (eight elements, ``medpicc.yaml``), and ``meddic``
(six) and ``meddicc`` (seven), both ``extends: medpicc``. It also contributes a check that
scores every open opportunity of the account against its stage
(:mod:`kamcore_medpicc.checks`). The scoring itself is pure: :func:`qualify`.
"""

from __future__ import annotations

from importlib import import_module
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING

from kamcore import hookimpl

if TYPE_CHECKING:
    from kamcore.methodology import Methodology
    from kamcore.model import Finding, Plan
    from kamcore.snapshot import AccountSnapshot

    from .rules import QualificationRules, SettingsError
    from .scoring import Qualification, RedFlag, qualify

#: public names imported on first use, so loading the plugin (on every ``kam`` start) stays cheap
_LAZY = {"QualificationRules": "rules", "SettingsError": "rules", "Qualification": "scoring",
         "RedFlag": "scoring", "qualify": "scoring"}


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module 'kamcore_medpicc' has no attribute {name!r}")
    return getattr(import_module(f"kamcore_medpicc.{_LAZY[name]}"), name)

__all__ = [
    "Qualification",
    "QualificationRules",
    "RedFlag",
    "SettingsError",
    "kam_check_plan",
    "kam_methodologies",
    "qualify",
]


@hookimpl
def kam_methodologies() -> list[Traversable]:
    """The ``medpicc`` methodology and its ``meddic`` and ``meddicc`` variants."""
    package = files("kamcore_medpicc")
    return [package / "medpicc.yaml", package / "meddic.yaml", package / "meddicc.yaml"]


@hookimpl
def kam_check_plan(plan: Plan, methodology: Methodology,
                   snapshot: AccountSnapshot) -> list[Finding]:
    """medpicc's findings for plans under ``medpicc`` or a variant of it; else ``[]``."""
    from . import checks

    return checks.check_plan(plan, methodology, snapshot)

"""Old import paths of modules that moved, kept working through the deprecation policy.

Each old module is a stub whose attributes are looked up in the new module on first use, with
a :class:`DeprecationWarning` that names the new path (``docs/deprecation.md``: stage 1 since
0.2, removed in 1.0).
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from typing import Any


def forward(old: str, new: str) -> Callable[[str], Any]:
    """A module ``__getattr__`` for the stub ``old`` that forwards to module ``new``."""

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(f"module {old!r} has no attribute {name!r}")
        warnings.warn(
            f"{old} is deprecated since kamcore 0.2 and goes in 1.0: import {name} from {new}",
            DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(new), name)

    return __getattr__

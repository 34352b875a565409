"""Module attributes looked up on first use (PEP 562), for cheap imports and moved modules.

``kamcore`` and ``kamcore.plugin`` re-export their public names lazily so that importing them
-- and ``kam --help`` -- pulls in neither pydantic, SQLAlchemy nor any plugin until a name is
used. A module that moved keeps a stub at its old path that hands out the new module's names
with a :class:`DeprecationWarning` (``docs/deprecation.md``: stage 1 since 0.2, removed in 1.0).
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any


def exports(module: str, where: Mapping[str, str],
            namespace: dict[str, Any]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``module``, whose names in ``where`` (name -> the
    module defining it) are imported on first use and then kept in ``namespace`` (the module's
    globals)."""

    def __getattr__(name: str) -> Any:
        source = where.get(name)
        if source is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(source), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted([*namespace, *where])

    return __getattr__, __dir__


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

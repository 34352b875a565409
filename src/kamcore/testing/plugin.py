"""The pytest plugin registered as ``pytest11: kamcore``: makes the fixtures available."""

from __future__ import annotations

from .fixtures import (
    kam_account,
    kam_check,
    kam_methodology,
    kam_methodology_name,
    kam_plan,
    kam_plugin_host,
    kam_plugin_names,
    kam_registry,
    kam_strict_plugins,
    kam_workspace,
)

__all__ = [
    "kam_account",
    "kam_check",
    "kam_methodology",
    "kam_methodology_name",
    "kam_plan",
    "kam_plugin_host",
    "kam_plugin_names",
    "kam_registry",
    "kam_strict_plugins",
    "kam_workspace",
]

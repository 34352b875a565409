"""The plugins an operation works with: the ones given, else the process registry."""

from __future__ import annotations

from ..plugin.registry import Registry, get_registry


def installed(registry: Registry | None) -> Registry:
    """``registry``, or the process-wide one (plugins loaded on first use)."""
    return registry if registry is not None else get_registry()

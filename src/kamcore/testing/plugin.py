"""The pytest plugin registered as ``pytest11: kamcore``: makes the fixtures available."""

from __future__ import annotations

from .fixtures import kam_plugin_host, kam_plugin_names, kam_registry, kam_workspace

__all__ = ["kam_plugin_host", "kam_plugin_names", "kam_registry", "kam_workspace"]

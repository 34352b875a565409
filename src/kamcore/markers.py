"""Deprecated: moved to :mod:`kamcore.plugin.markers` (see ``docs/deprecation.md``)."""

from ._lazy import forward

__getattr__ = forward("kamcore.markers", "kamcore.plugin.markers")

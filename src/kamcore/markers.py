"""Deprecated: moved to :mod:`kamcore.plugin.markers` (see ``docs/deprecation.md``)."""

from ._moved import forward

__getattr__ = forward("kamcore.markers", "kamcore.plugin.markers")

"""Deprecated: moved to :mod:`kamcore.plugin.contributions` (see ``docs/deprecation.md``)."""

from ._lazy import forward

__getattr__ = forward("kamcore.contributions", "kamcore.plugin.contributions")

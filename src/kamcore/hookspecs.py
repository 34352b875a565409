"""Deprecated: moved to :mod:`kamcore.plugin.spec` (see ``docs/deprecation.md``)."""

from ._lazy import forward

__getattr__ = forward("kamcore.hookspecs", "kamcore.plugin.spec")

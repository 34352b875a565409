"""Deprecated: moved to :mod:`kamcore.plugin.registry` (see ``docs/deprecation.md``)."""

from ._lazy import forward

__getattr__ = forward("kamcore.registry", "kamcore.plugin.registry")

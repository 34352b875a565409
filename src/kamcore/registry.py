"""Deprecated: moved to :mod:`kamcore.plugin.registry` (see ``docs/deprecation.md``)."""

from ._moved import forward

__getattr__ = forward("kamcore.registry", "kamcore.plugin.registry")

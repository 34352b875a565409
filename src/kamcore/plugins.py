"""Deprecated: moved to :mod:`kamcore.plugin.host` (see ``docs/deprecation.md``)."""

from ._lazy import forward

__getattr__ = forward("kamcore.plugins", "kamcore.plugin.host")

"""Ids derived from names, for records created without one."""

from __future__ import annotations

import re


def slug(text: str, fallback: str) -> str:
    """``text`` in lower-case-dashes (``"Acme Corp."`` -> ``acme-corp``); ``fallback`` when
    nothing of it is left."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or fallback

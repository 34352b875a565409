"""Field values as Salesforce writes them: dates, datetimes, booleans and numbers.

Each parser takes the raw value (text from a CSV, or a JSON value from the API or a tree
export) and returns the Python value, or raises :class:`ValueError` with a readable message.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

TRUE = frozenset({"true", "yes", "y", "on", "1"})
FALSE = frozenset({"false", "no", "n", "off", "0"})


def parse_bool(raw: Any) -> bool:
    """Data Loader's booleans: true/false, yes/no, y/n, on/off, 1/0 (any case)."""
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(f"{raw!r} is not a boolean (use true/false, yes/no, y/n, on/off or 1/0)")


def parse_datetime(raw: Any) -> datetime:
    """An ISO 8601 datetime: ``2026-01-15T10:00:00.000Z``, ``...+0000``, ``...+00:00``."""
    text = str(raw).strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{raw!r} is not a date and time (use 2026-01-15T10:00:00.000Z)") \
            from None


def parse_date(raw: Any) -> date:
    """A date: ``YYYY-MM-DD``, or the date of an ISO datetime (as written, not converted)."""
    text = str(raw).strip()
    if len(text) == 10:
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    else:
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            pass
    raise ValueError(f"{raw!r} is not a date (use YYYY-MM-DD)")


def parse_number(raw: Any) -> float:
    """A number as Salesforce exports it (``125000``, ``125000.00``, ``-3.5``, ``1.2E6``)."""
    if isinstance(raw, bool):
        raise ValueError(f"{raw!r} is not a number")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        try:
            value = float(str(raw).strip())
        except ValueError:
            raise ValueError(f"{raw!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{raw!r} is not a finite number")
    return value

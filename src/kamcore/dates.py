"""Dates and moments read out of plain data (a plan section, export options, stored records)."""

from __future__ import annotations

from datetime import UTC, date, datetime


def as_date(value: object) -> date | None:
    """``value`` as a date: a date as it is, a datetime's day, an ISO ``YYYY-MM-DD`` string
    parsed; None for anything else (missing, not a date)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def as_utc(moment: datetime) -> datetime:
    """``moment``, read as UTC when it has no time zone (records saved by older versions), so
    moments with and without zones compare."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

"""Incremental pulls from a CRM: the modification stamps adapters report, and watermarks.

``kam sync pull SOURCE`` (:func:`kamcore.operations.sync_pull`) runs the adapter that pulls
from ``SOURCE`` (its :attr:`~kamcore.plugin.contributions.Adapter.sync`) with the option
``since`` set to the source's **watermark**, the highest modification stamp the last
successful pull saw. While it reads, the adapter calls :func:`modified` with the stamp of every
record it receives from the CRM (Salesforce's ``SystemModstamp``, HubSpot's ``updatedAt``);
:func:`tracking` collects the highest, which becomes the next watermark -- the CRM's clock,
never the local one. An adapter that reads several objects one after another also reports
the CRM's time when it began (:func:`began`, e.g. from its first response's ``Date``
header): the watermark never passes it, so a record changed *while* the pull ran, in an object
read before the change, is read by the next pull rather than skipped because a later object
had a later stamp.

Watermarks are kept as text (:func:`format_stamp`: UTC, milliseconds, ``Z``), in the
workspace setting ``sync.<source>.watermark`` (:func:`watermark_key`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

import attrs

from .errors import InvalidInputError


def watermark_key(source: str) -> str:
    """The workspace setting that holds ``source``'s watermark: ``sync.<source>.watermark``."""
    return f"sync.{source}.watermark"


def parse_stamp(text: str, what: str = "stamp") -> datetime:
    """An ISO datetime (``2026-12-01T09:00:05.000+0000``, ``...Z``; without a zone, UTC) as
    an aware datetime.

    :raises InvalidInputError: naming ``what`` and the text, when it is not one.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(f"{what} {text!r}: expected an ISO datetime such as "
                                "2026-01-15T09:30:00.000Z") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def format_stamp(moment: datetime) -> str:
    """``moment`` in UTC with milliseconds: ``2026-12-01T09:00:05.000Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@attrs.define
class Stamps:
    """The highest modification stamp reported so far (None: no record read) and the earliest
    time the CRM said it was when the adapter began reading (None: not reported)."""

    highest: datetime | None = None
    start: datetime | None = None

    def add(self, moment: datetime) -> None:
        """Count one record's stamp."""
        if self.highest is None or moment > self.highest:
            self.highest = moment

    def began(self, moment: datetime) -> None:
        """Count one report of the CRM's time (the earliest is kept)."""
        if self.start is None or moment < self.start:
            self.start = moment

    def watermark(self) -> datetime | None:
        """The highest stamp, but never past :attr:`start` (None: no record read)."""
        if self.highest is None or self.start is None:
            return self.highest
        return min(self.highest, self.start)


_STAMPS: ContextVar[Stamps | None] = ContextVar("kamcore_sync_stamps", default=None)


def modified(stamp: str | datetime | None, what: str = "modification stamp") -> None:
    """Report the modification stamp of one record read from the CRM (an adapter calls it for
    every record it receives). Outside :func:`tracking` nothing is kept; an empty stamp is
    ignored.

    :raises InvalidInputError: the stamp is not an ISO datetime (named by ``what``).
    """
    stamps = _STAMPS.get()
    if stamps is None or stamp is None or stamp == "":
        return
    moment = stamp if isinstance(stamp, datetime) else parse_stamp(stamp, what)
    stamps.add(moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment)


def began(moment: datetime) -> None:
    """Report the CRM's own time as the adapter begins reading (an aware datetime; reporting
    it again keeps the earliest); outside :func:`tracking` nothing is kept."""
    stamps = _STAMPS.get()
    if stamps is not None:
        stamps.began(moment)


@contextmanager
def tracking() -> Iterator[Stamps]:
    """Collect the stamps adapters report with :func:`modified` during the block."""
    stamps = Stamps()
    token = _STAMPS.set(stamps)
    try:
        yield stamps
    finally:
        _STAMPS.reset(token)

"""Review cadences: "every 1 month", "every 3 months", "every 1 year" and the dates they give."""

from __future__ import annotations

import calendar
import re
from datetime import date

import attrs

_EVERY = re.compile(r"^([1-9][0-9]*) (day|week|month|year)s?$")


@attrs.frozen
class Cadence:
    """How often a kind of review is due: ``count`` ``unit``\\s after the previous one."""

    kind: str
    count: int
    unit: str
    title: str | None = None

    @classmethod
    def parse(cls, kind: str, every: str, title: str | None = None) -> Cadence:
        """Parse ``"3 months"``; raise ValueError on anything else."""
        match = _EVERY.match(every.strip())
        if not match:
            raise ValueError(f"cannot read cadence {every!r}; write e.g. '1 month' or '2 weeks'")
        return cls(kind, int(match.group(1)), match.group(2), title)

    @property
    def every(self) -> str:
        """The cadence as written: ``"3 months"``."""
        return f"{self.count} {self.unit}{'s' if self.count != 1 else ''}"

    def next_due(self, last: date) -> date:
        """The date the next review is due after one held on ``last``."""
        if self.unit == "day":
            return date.fromordinal(last.toordinal() + self.count)
        if self.unit == "week":
            return date.fromordinal(last.toordinal() + 7 * self.count)
        months = self.count * (12 if self.unit == "year" else 1)
        month_index = last.month - 1 + months
        year, month = last.year + month_index // 12, month_index % 12 + 1
        day = min(last.day, calendar.monthrange(year, month)[1])
        return date(year, month, day)

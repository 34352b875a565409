"""Calendar quarters (``2026-Q4``): the periods revenue facts and programme metrics use."""

from __future__ import annotations

import re
from datetime import date

import attrs

from .errors import InvalidInputError

_QUARTER = re.compile(r"^([0-9]{4})-Q([1-4])$")


@attrs.frozen(order=True)
class Quarter:
    """A calendar quarter; ``Quarter(2026, 4)`` is ``2026-Q4`` (October to December)."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str, what: str = "period") -> Quarter:
        """``2026-Q4`` as a quarter; :class:`InvalidInputError` names ``what`` otherwise."""
        match = _QUARTER.match(text.strip())
        if not match:
            raise InvalidInputError(f"{what} {text!r} is not a quarter; write e.g. 2026-Q4")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter ``day`` falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    def shifted(self, quarters: int) -> Quarter:
        """The quarter ``quarters`` later (earlier when negative)."""
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)

    @property
    def first_day(self) -> date:
        """The quarter's first day."""
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        """The quarter's last day."""
        return date.fromordinal(self.shifted(1).first_day.toordinal() - 1)

    def trailing_year(self) -> tuple[Quarter, ...]:
        """This quarter and the three before it, oldest first."""
        return tuple(self.shifted(-back) for back in (3, 2, 1, 0))

    def contains(self, day: date) -> bool:
        """True when ``day`` falls in this quarter."""
        return self.first_day <= day <= self.last_day

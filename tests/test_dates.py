"""Calendar dates read out of plain data (plan items, export options)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kamcore.dates import as_date
from kamcore.shapes import due_date


@pytest.mark.parametrize(("value", "expected"), [
    (date(2027, 3, 31), date(2027, 3, 31)),
    (datetime(2027, 3, 31, 18, 30), date(2027, 3, 31)),
    ("2027-03-31", date(2027, 3, 31)),
    ("31/03/2027", None),
    (20270331, None),
    (None, None),
])
def test_as_date(value: object, expected: date | None) -> None:
    assert as_date(value) == expected


def test_a_due_datetime_is_its_day() -> None:
    assert due_date({"due": datetime(2027, 3, 31, 9)}) == date(2027, 3, 31)


def test_a_moment_without_a_zone_is_read_as_utc() -> None:
    from datetime import UTC, timedelta, timezone

    from kamcore.dates import as_utc

    assert as_utc(datetime(2027, 3, 31, 9)) == datetime(2027, 3, 31, 9, tzinfo=UTC)
    paris = datetime(2027, 3, 31, 11, tzinfo=timezone(timedelta(hours=2)))
    assert as_utc(paris) is paris and as_utc(paris) == as_utc(datetime(2027, 3, 31, 9))

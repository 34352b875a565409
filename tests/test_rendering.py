"""kamcore.rendering: the numbers, amounts, scores, signs and dates every exporter writes."""

from __future__ import annotations

import locale
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from kamcore.rendering import compact, full_number, score, score_with_band, signed, when

MINUS = "\u2212"
ENGLISH = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
#: Locales whose month abbreviations are not English, tried in order.
FOREIGN_LOCALES = ("de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "es_ES.UTF-8",
                   "nl_NL.UTF-8", "de_DE", "fr_FR")


def test_nothing_is_written_for_a_missing_value() -> None:
    assert [f(None) for f in (full_number, compact, score, signed, when)] == [""] * 5


def test_full_numbers_have_thousands_separators_and_two_decimals_when_needed() -> None:
    assert [full_number(v) for v in (1234567.0, 1234567, 2.5, 0, -1500, -1234.5)] == [
        "1,234,567", "1,234,567", "2.50", "0", f"{MINUS}1,500", f"{MINUS}1,234.50"]


def test_compact_numbers_shorten_thousands_millions_and_billions() -> None:
    assert [compact(v) for v in (0, 950, 1000, 1500, 500_000, 1_234_567, 2_000_000_000)] == [
        "0", "950", "1k", "1.5k", "500k", "1.2M", "2B"]
    assert [compact(v) for v in (-950, -2500)] == [f"{MINUS}950", f"{MINUS}2.5k"]


def test_scores_have_at_most_two_decimals() -> None:
    assert [score(v) for v in (3.5, 4.0, 4, 2.333, 2.666, 0.0)] == [
        "3.5", "4", "4", "2.33", "2.67", "0"]
    assert score(-1.25) == f"{MINUS}1.25"
    assert score_with_band(3.5, "healthy") == "3.5 (healthy)"
    assert score_with_band(4.0, None) == score_with_band(4.0, "") == "4"


def test_negatives_use_a_real_minus_sign_and_a_rounded_zero_has_none() -> None:
    for text in (full_number(-3), compact(-3_000_000), score(-0.5), signed(-2)):
        assert text.startswith(MINUS) and "-" not in text, text
    assert score(-0.001) == "0"
    assert full_number(-0.001) == "0.00"
    assert signed(-0.001) == "0"


def test_signed_values_show_their_sign() -> None:
    assert [signed(v) for v in (2, 0, -1)] == ["+2", "0", f"{MINUS}1"]
    assert [signed(v) for v in (0.25, -1.5, 3.0, 0.001)] == ["+0.25", f"{MINUS}1.5", "+3", "0"]


def test_dates_read_day_month_year() -> None:
    assert when(date(2026, 3, 5)) == "5 Mar 2026"
    assert when(datetime(2026, 12, 31, 23, 59)) == "31 Dec 2026"
    assert when(datetime(2026, 12, 31, 23, 59, tzinfo=UTC)) == "31 Dec 2026"
    assert when("2026-01-09") == "9 Jan 2026"
    assert when("next spring") == "next spring"
    assert [when(date(2026, month, 1)) for month in range(1, 13)] == [
        f"1 {name} 2026" for name in ENGLISH]


class _GermanDate(date):
    """A date whose ``strftime`` (and so ``format``) answers as under a German locale."""

    def strftime(self, fmt: str) -> str:
        return date.strftime(self, fmt.replace("%b", "M\u00e4r"))


def test_month_names_do_not_come_from_strftime() -> None:
    # %b (or strftime) would give "M\u00e4r"; the shared form is English on every machine
    assert when(_GermanDate(2026, 3, 5)) == "5 Mar 2026"


@pytest.fixture
def foreign_time_locale() -> Iterator[str]:
    """LC_TIME switched to the first installed locale with non-English month names."""
    saved = locale.setlocale(locale.LC_TIME)
    for name in FOREIGN_LOCALES:
        try:
            locale.setlocale(locale.LC_TIME, name)
        except locale.Error:
            continue
        if date(2026, 3, 1).strftime("%b") != "Mar":
            break
    else:
        locale.setlocale(locale.LC_TIME, saved)
        pytest.skip("no locale with non-English month names is installed")
    try:
        yield name
    finally:
        locale.setlocale(locale.LC_TIME, saved)


def test_month_names_are_english_under_a_foreign_locale(foreign_time_locale: str) -> None:
    assert date(2026, 10, 1).strftime("%b") != "Oct"  # the locale is really in effect
    assert [when(date(2026, month, 1)) for month in range(1, 13)] == [
        f"1 {name} 2026" for name in ENGLISH]

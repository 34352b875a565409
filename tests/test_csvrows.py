"""kamcore.csvrows.stream_csv: the CSV streaming the CRM adapters share."""

from __future__ import annotations

from pathlib import Path

import pytest

from kamcore.csvrows import METER_EVERY, stream_csv
from kamcore.errors import InvalidInputError, Problem
from kamcore.importing import metering


def _refusal(path: Path, **options: str) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as refused:
        list(stream_csv(path, **options))
    return refused.value


def _problem(path: Path, summary: str, **options: str) -> Problem:
    """The one problem of the refusal of ``path`` (its summary is ``<path>: <summary>``)."""
    error = _refusal(path, **options)
    assert error.summary == f"{path}: {summary}"
    [problem] = error.problems
    assert problem.source == str(path)
    return problem


def test_header_first_then_rows_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"Id,Name\r\n1,Acme\r\n\r\n2,Globex\r\n")
    assert list(stream_csv(path)) == [(1, ["Id", "Name"]), (2, ["1", "Acme"]),
                                      (4, ["2", "Globex"])]


def test_a_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("Id,Name\n1,Société\n", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert list(stream_csv(path)) == [(1, ["Id", "Name"]), (2, ["1", "Société"])]


def test_multi_line_quoted_fields_count_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b'Id,"Long\nname"\n1,"one\r\ntwo\nthree"\n2,x\r3,y\n')
    assert list(stream_csv(path)) == [
        (1, ["Id", "Long\nname"]), (3, ["1", "one\r\ntwo\nthree"]), (6, ["2", "x"]),
        (7, ["3", "y"])]


def test_bad_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"Id,Name\n1,Acme\n2,Soci\xe9t\xe9\n3,Initech\n")
    problem = _problem(path, "not UTF-8 text")
    assert problem.line == 3
    assert problem.message == "cannot decode byte b'\\xe9'; export the file as UTF-8"
    advice = "export it from the CRM as UTF-8"
    assert _problem(path, "not UTF-8 text", not_utf8=advice).message == advice


def test_a_sequence_cut_at_the_end_of_a_line_is_refused_on_that_line(tmp_path: Path) -> None:
    """Lines are decoded whole: a multi-byte character cut by the line's end is bad there (a
    line feed never belongs to a character), not on a later line."""
    path = tmp_path / "a.csv"
    path.write_bytes(b"Id,Name\n1,Soci\xc3\n2,\xc3\xa9\n")
    assert _problem(path, "not UTF-8 text").line == 2


def test_a_byte_order_mark_after_the_first_line_is_text(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xef\xbb\xbfId,Name\n1,\xef\xbb\xbfAcme\n")
    assert list(stream_csv(path)) == [(1, ["Id", "Name"]), (2, ["1", "\ufeffAcme"])]


def test_bad_utf8_far_into_a_big_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"Id,Name\n" + b"1,Acme\n" * 5000 + b"2,\xff\n")
    assert _refusal(path).problems[0].line == 5002


def test_ragged_quoting_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b'Id,Name\n1,Acme\n2,"Glo"bex\n')
    problem = _problem(path, "not a valid CSV file")
    assert problem.line == 3
    assert "expected" in problem.message  # csv: "',' expected after '\"'"


def test_an_unclosed_quote_names_the_row_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b'Id,Name\n1,Acme\n2,"Globex\n3,Initech\n')
    problem = _problem(path, "not a valid CSV file")
    assert problem.line == 3 and "unexpected end of data" in problem.message


def test_a_row_with_the_wrong_number_of_fields(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"Id,Name\n1,Acme\n2,Globex,extra\n")
    error = _refusal(path, row="Account")
    assert error.summary == f"invalid Account row at {path}:3; nothing imported"
    [problem] = error.problems
    assert (problem.source, problem.line) == (str(path), 3)
    assert problem.message == "expected 2 fields (as in the header), found 3"


def test_an_empty_file_has_no_header(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"")
    problem = _problem(path, "the file is empty")
    assert (problem.line, problem.message) == (1, "expected a header line")


def test_an_unreadable_file(tmp_path: Path) -> None:
    error = _refusal(tmp_path / "missing.csv")
    assert error.summary.startswith(f"{tmp_path / 'missing.csv'}: cannot read it (")
    assert error.problems == ()


def test_errors_of_the_caller_pass_through(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"Id,Name\n1,Acme\n")
    rows = stream_csv(path)
    next(rows)
    with pytest.raises(KeyError):
        rows.throw(KeyError("mine"))


def test_the_progress_meter_is_fed(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    rows = METER_EVERY * 2 + 10
    path.write_bytes(b"Id,Name\n" + b"".join(b"%d,Acme\n" % i for i in range(rows)))
    size = path.stat().st_size
    with metering() as meter:
        stream = stream_csv(path)
        next(stream)
        assert (meter.total, meter.done) == (size, 0)
        seen = [meter.done for _ in stream]
        assert len(seen) == rows
        assert 0 < seen[METER_EVERY] <= size  # reported after the first METER_EVERY rows
        assert seen[METER_EVERY] == seen[METER_EVERY * 2 - 1]  # and not again until the next
        assert (meter.total, meter.done) == (size, size)


"""kamcore.csvrows.stream_csv: the CSV streaming the CRM adapters share."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from kamcore.csvrows import METER_EVERY, stream_csv
from kamcore.errors import InvalidInputError, Problem
from kamcore.importing import metering, noting


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


def test_bad_bytes_in_a_given_encoding_are_refused_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"Id,Name\n1,Acme\n2,Soci\xe9t\xe9\n3,Initech\n")
    problem = _problem(path, "not UTF-8 text", encoding="utf-8")
    assert problem.line == 3
    assert problem.message == ("cannot decode byte b'\\xe9' as UTF-8; give the file's encoding "
                               "with --encoding (for example cp1252 for Windows-1252)")


def test_a_sequence_cut_at_the_end_of_a_line_is_refused_on_that_line(tmp_path: Path) -> None:
    """Lines are decoded whole: a multi-byte character cut by the line's end is bad there (a
    line feed never belongs to a character), not on a later line."""
    path = tmp_path / "a.csv"
    path.write_bytes(b"Id,Name\n1,Soci\xc3\n2,\xc3\xa9\n")
    assert _problem(path, "not UTF-8 text", encoding="utf-8").line == 2


# -- encodings -------------------------------------------------------------------------------


def _read_noting(path: Path, **options: str) -> tuple[list[tuple[int, list[str]]], list[str]]:
    with noting() as notes:
        rows = list(stream_csv(path, **options))
    return rows, notes


def test_utf8_without_a_mark_is_checked_and_said(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("Id,Name\n1,Société ®\n", encoding="utf-8")
    assert _read_noting(path) == ([(1, ["Id", "Name"]), (2, ["1", "Société ®"])],
                                  ["a.csv: read as UTF-8 (checked)"])


def test_windows_1252_is_detected(tmp_path: Path) -> None:
    """Older Data Loader versions write Windows-1252: curly quotes, the euro sign, º."""
    path = tmp_path / "a.csv"
    text = "Id,Name,Note\n1,Société Générale,“Nº 1” for €5m — déjà vu\n2,Müller AG,Straße\n"
    path.write_bytes(text.encode("cp1252"))
    rows, notes = _read_noting(path)
    assert rows == [(1, ["Id", "Name", "Note"]),
                    (2, ["1", "Société Générale", "“Nº 1” for €5m — déjà vu"]),
                    (3, ["2", "Müller AG", "Straße"])]
    assert notes == ["a.csv: read as Windows-1252 (detected)"]


def test_a_legacy_byte_far_into_the_file_is_still_detected(tmp_path: Path) -> None:
    """The whole file is checked as UTF-8 (in chunks): a first accented name after megabytes
    of ASCII is found, and the detector reads the part around it."""
    path = tmp_path / "a.csv"
    body = b"Id,Name\n" + b"1,Acme Corporation Limited\n" * 60_000
    path.write_bytes(body + "2,Société Générale\n".encode("cp1252"))
    assert path.stat().st_size > 1_500_000
    rows, notes = _read_noting(path)
    assert rows[-1] == (60_002, ["2", "Société Générale"])
    assert notes == ["a.csv: read as Windows-1252 (detected)"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_its_mark(tmp_path: Path, codec: str) -> None:
    """Excel's "Unicode text" and some exports: UTF-16 with a byte order mark; quoted fields
    over several lines keep their line numbers."""
    path = tmp_path / "a.csv"
    text = 'Id,Name\r\n1,"Société\r\nGénérale"\r\n2,東京\r\n'
    data = text.encode(codec)
    if codec != "utf-16":  # the plain codec writes its own mark
        data = (codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE) + data
    path.write_bytes(data)
    rows, notes = _read_noting(path)
    assert rows == [(1, ["Id", "Name"]), (2, ["1", "Société\r\nGénérale"]), (4, ["2", "東京"])]
    assert notes == ["a.csv: read as UTF-16 (byte order mark)"]


def test_cyrillic_in_windows_1251_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("Id,Name\n1,Москва Банк\n2,Газпром нефть\n".encode("cp1251"))
    rows, notes = _read_noting(path)
    assert rows[1:] == [(2, ["1", "Москва Банк"]), (3, ["2", "Газпром нефть"])]
    assert notes == ["a.csv: read as Windows-1251 (detected)"]


def test_a_given_encoding_wins_and_an_unknown_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"Id,Name\n1,\xbcssel\n")
    rows, notes = _read_noting(path, encoding="latin-1")
    assert rows[1] == (2, ["1", "¼ssel"])
    assert notes == ["a.csv: read as Latin-1 (ISO-8859-1) (given)"]
    with pytest.raises(InvalidInputError, match="unknown encoding 'klingon'"):
        list(stream_csv(path, encoding="klingon"))


def test_a_byte_order_mark_after_the_first_line_is_text(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xef\xbb\xbfId,Name\n1,\xef\xbb\xbfAcme\n")
    assert list(stream_csv(path)) == [(1, ["Id", "Name"]), (2, ["1", "\ufeffAcme"])]


def test_bad_utf8_far_into_a_big_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"Id,Name\n" + b"1,Acme\n" * 5000 + b"2,\xff\n")
    assert _refusal(path, encoding="utf-8").problems[0].line == 5002


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


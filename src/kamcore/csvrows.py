"""Streaming a CSV file row by row, for import adapters.

:func:`stream_csv` is what CSV-reading adapters share: it reads the file in its encoding
(given, or found by :func:`kamcore.encodings.file_encoding`, and reported to the import's
summary), without loading it whole, parses strictly, numbers every row by the line it starts on
(a quoted field may span lines), feeds the import's progress meter
(:func:`kamcore.importing.current_meter`) and turns everything that makes the file unreadable
into :class:`~kamcore.errors.InvalidInputError` with the file and line.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .encodings import Encoding, file_encoding
from .errors import InvalidInputError, Problem
from .importing import current_meter, note

__all__ = ["METER_EVERY", "read_header", "stream_csv"]

#: How many rows between two reports to the progress meter.
METER_EVERY = 1024

#: A carriage return not followed by a line feed also ends a line (as with ``newline=""``).
_LONE_CR = re.compile(r"(?<=\r)(?!\n)")


def _text_lines(binary: BinaryIO, encoding: Encoding) -> Iterator[str]:
    """The file's lines decoded, with their line endings (``\\n``, ``\\r\\n`` or a lone
    ``\\r``).

    In an encoding where a line feed byte is always a line feed (UTF-8, the single-byte
    ones), each line is decoded whole, so that a decoding error surfaces on the line that holds
    the bad bytes; UTF-16 is decoded as a stream.
    """
    if not encoding.line_safe:
        yield from io.TextIOWrapper(binary, encoding=encoding.codec, newline="")
        return
    codec = encoding.codec
    for raw in binary:
        text = raw.decode(codec)
        if codec == "utf-8-sig":  # the mark only starts the file
            codec = "utf-8"
        if "\r" in text[:-2]:
            yield from (part for part in _LONE_CR.split(text) if part)
        elif text:
            yield text


def read_header(path: Path, encoding: str | None = None) -> list[str] | None:
    """The first row of the CSV at ``path`` (None when it cannot be read as a CSV).

    :raises InvalidInputError: ``encoding`` names no encoding Python knows.
    """
    if encoding:
        file_encoding(path, encoding)
    try:
        with path.open("rb") as binary:
            lines = _text_lines(binary, file_encoding(path, encoding))
            return next(csv.reader(lines, strict=True), None)
    except (OSError, UnicodeDecodeError, csv.Error, InvalidInputError):
        return None


def stream_csv(path: Path, row: str = "CSV", *,
               encoding: str | None = None) -> Iterator[tuple[int, list[str]]]:
    """Stream ``path`` as ``(line, fields)`` pairs: the header first, then each data row.

    **Header.** The first pair is always the header, at line 1; an empty file raises
    :class:`~kamcore.errors.InvalidInputError` ("the file is empty") instead. The caller checks
    the header's names itself.

    **Rows.** Each later pair is one record and the line it starts on (1-based, counting the
    newlines inside quoted fields). Blank lines are skipped. A row whose number of fields differs
    from the header's raises ``invalid <row> row at <path>:<line>; nothing imported`` (``row``
    names the kind of record, e.g. ``Account``).

    **Text.** The file is read in ``encoding`` (a Python codec name) when given, else in the
    one :func:`~kamcore.encodings.file_encoding` finds (a byte order mark, valid UTF-8, or
    detected); a byte order mark is skipped. The encoding used is noted in the import's summary
    (:func:`kamcore.importing.note`). Lines end with ``\\n``, ``\\r\\n`` or ``\\r``. Parsing
    is strict (:func:`csv.reader` with ``strict=True``).

    **Errors.** Bytes the encoding cannot decode, malformed CSV (such as a stray quote) and
    operating system errors raise :class:`~kamcore.errors.InvalidInputError` with one
    :class:`~kamcore.errors.Problem` whose ``source`` is ``str(path)`` and whose ``line`` is the
    first line of the row being read (1 while reading the header); OS errors carry no problem.
    Undecodable bytes name the first offending byte (``b'\\xe9'``), the encoding, and how to
    give another. An unknown ``encoding`` is refused before anything is read. Errors raised by
    the caller while it handles a pair are not touched.

    **Progress.** When an import meter is current, the file's size is added to its total when
    reading starts, the bytes read are reported every :data:`METER_EVERY` rows, and all of the
    file counts as read once the last row has been handed out.

    The file stays open until the iterator is exhausted or closed.
    """
    source = str(path)
    meter = current_meter()
    line = 1
    read_as = Encoding("utf-8", "checked")
    try:
        read_as = file_encoding(path, encoding)
        note(read_as.describe(path))
        with path.open("rb") as binary:
            if meter is not None:
                meter.expect(os.fstat(binary.fileno()).st_size)
            reported = 0
            reader = csv.reader(_text_lines(binary, read_as), strict=True)
            names = next(reader, None)
            if names is None:
                raise InvalidInputError(f"{source}: the file is empty", [
                    Problem("expected a header line", source=source, line=1)])
            yield 1, names
            width = len(names)
            line = reader.line_num + 1
            count = 0
            for values in reader:
                start, line = line, reader.line_num + 1
                if not values:
                    continue
                if len(values) != width:
                    raise InvalidInputError(f"invalid {row} row at {source}:{start}; "
                                            "nothing imported", [
                        Problem(f"expected {width} fields (as in the header), found "
                                f"{len(values)}", source=source, line=start)])
                yield start, values
                count += 1
                if meter is not None and count % METER_EVERY == 0:
                    position = binary.tell()
                    meter.advance(position - reported)
                    reported = position
            if meter is not None:
                meter.advance(os.fstat(binary.fileno()).st_size - reported)
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start:exc.start + 1]
        raise InvalidInputError(f"{source}: not {read_as.label} text", [
            Problem(f"cannot decode byte {bad!r} as {read_as.label}; give the file's encoding "
                    "with --encoding (for example cp1252 for Windows-1252)", source=source,
                    line=line)]) from None
    except csv.Error as exc:
        raise InvalidInputError(f"{source}: not a valid CSV file", [
            Problem(str(exc), source=source, line=line)]) from None
    except OSError as exc:
        raise InvalidInputError(f"{source}: cannot read it ({exc})") from None

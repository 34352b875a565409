"""Streaming a UTF-8 CSV file row by row, for import adapters.

:func:`stream_csv` is what CSV-reading adapters share: it reads the file in binary (nothing is
loaded whole), skips a UTF-8 byte order mark, parses strictly, numbers every row by the line it
starts on (a quoted field may span lines), feeds the import's progress meter
(:func:`kamcore.importing.current_meter`) and turns everything that makes the file unreadable
into :class:`~kamcore.errors.InvalidInputError` with the file and line.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import InvalidInputError, Problem
from .importing import current_meter

__all__ = ["METER_EVERY", "stream_csv"]

#: How many rows between two reports to the progress meter.
METER_EVERY = 1024

#: A carriage return not followed by a line feed also ends a line (as with ``newline=""``).
_LONE_CR = re.compile(r"(?<=\r)(?!\n)")


def _text_lines(binary: Iterable[bytes]) -> Iterator[str]:
    """The file's lines decoded one by one, with their line endings (``\\n``, ``\\r\\n`` or a
    lone ``\\r``), so that a decoding error surfaces on the line that holds the bad bytes.

    Each line is decoded whole: a line feed byte never occurs inside a UTF-8 sequence, so no
    character spans two lines (the first line may start with a byte order mark).
    """
    encoding = "utf-8-sig"
    for raw in binary:
        text = raw.decode(encoding)
        encoding = "utf-8"
        if "\r" in text[:-2]:
            yield from (part for part in _LONE_CR.split(text) if part)
        elif text:
            yield text


def stream_csv(path: Path, row: str = "CSV",
               not_utf8: str = "cannot decode byte {byte}; export the file as UTF-8",
               ) -> Iterator[tuple[int, list[str]]]:
    """Stream ``path`` as ``(line, fields)`` pairs: the header first, then each data row.

    **Header.** The first pair is always the header, at line 1; an empty file raises
    :class:`~kamcore.errors.InvalidInputError` ("the file is empty") instead. The caller checks
    the header's names itself.

    **Rows.** Each later pair is one record and the line it starts on (1-based, counting the
    newlines inside quoted fields). Blank lines are skipped. A row whose number of fields differs
    from the header's raises ``invalid <row> row at <path>:<line>; nothing imported`` (``row``
    names the kind of record, e.g. ``Account``).

    **Text.** The file is read as UTF-8; a byte order mark is skipped. Lines end with ``\\n``,
    ``\\r\\n`` or ``\\r``. Parsing is strict (:func:`csv.reader` with ``strict=True``).

    **Errors.** Bytes that are not UTF-8, malformed CSV (such as a stray quote) and operating
    system errors raise :class:`~kamcore.errors.InvalidInputError` with one
    :class:`~kamcore.errors.Problem` whose ``source`` is ``str(path)`` and whose ``line`` is the
    first line of the row being read (1 while reading the header); OS errors carry no problem.
    ``not_utf8`` is that problem's message for undecodable bytes; ``{byte}`` in it is replaced
    with the first offending byte (``b'\\xe9'``). Errors raised by the caller while it handles a
    pair are not touched.

    **Progress.** When an import meter is current, the file's size is added to its total when
    reading starts, the bytes read are reported every :data:`METER_EVERY` rows, and all of the
    file counts as read once the last row has been handed out.

    The file stays open until the iterator is exhausted or closed.
    """
    source = str(path)
    meter = current_meter()
    line = 1
    try:
        with path.open("rb") as binary:
            if meter is not None:
                meter.expect(os.fstat(binary.fileno()).st_size)
            reported = 0
            reader = csv.reader(_text_lines(binary), strict=True)
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
        raise InvalidInputError(f"{source}: not UTF-8 text", [
            Problem(not_utf8.replace("{byte}", repr(bad)), source=source,
                    line=line)]) from None
    except csv.Error as exc:
        raise InvalidInputError(f"{source}: not a valid CSV file", [
            Problem(str(exc), source=source, line=line)]) from None
    except OSError as exc:
        raise InvalidInputError(f"{source}: cannot read it ({exc})") from None

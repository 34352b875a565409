"""Reading a large JSON object one value at a time, each located by file and line.

:func:`members` splits the text of a JSON object into its members, and the members that are
lists into their items, as spans of the text, decoding each item only to find where it ends
and keeping nothing of it; :func:`value_at` then decodes one span into a
:class:`~kamcore.documents.Document` of its own. A bundle of 100,000 records is so held as its
text, the spans and one record at a time -- not as a tree of every value with the position of
each, which a PyYAML parse builds (at about 60 times the file's size in memory).

The values are held to the limits of :mod:`kamcore.documents` (control characters are for the
caller to check on the whole text; nesting and duplicate keys are checked by
:func:`~kamcore.documents.decode_json`). A value's own line is known from its span; the line of
anything inside it is found only when a problem needs it, by parsing that span again with
:func:`~kamcore.documents.parse_document`.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import attrs

from .documents import (
    MAX_DEPTH,
    Document,
    PathKey,
    decode_json,
    line_column,
    parse_document,
    skip_blanks,
)
from .errors import InvalidInputError, Problem

_OBJECT = re.compile(r"[ \t\n\r]*\{")


def is_object(text: str) -> bool:
    """Whether ``text`` opens a JSON object (after blanks): what :func:`members` reads."""
    return _OBJECT.match(text) is not None


@attrs.frozen
class Span:
    """Where a value is written: its first and past-the-end offsets, its line and column."""

    start: int
    end: int
    line: int
    column: int


@attrs.frozen
class Member:
    """A member of the object: its value's span and, if the value is a list, its items'."""

    value: Span
    items: tuple[Span, ...] | None


class _Reader:
    """A walk over ``text``, keeping its place and the line there (counted as it goes)."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.decoder = json.JSONDecoder()
        self.at = 0
        self._counted = 0
        self._line = 1

    def refusal(self, index: int, message: str) -> InvalidInputError:
        line, column = line_column(self.text, index)
        return InvalidInputError(f"{self.source}: not valid JSON", [
            Problem(message, source=self.source, line=line, column=column)])

    def skip(self, expected: str = "") -> str:
        """Skip blanks and return the next character (``expected`` or one of those, if given)."""
        self.at = skip_blanks(self.text, self.at)
        found = self.text[self.at:self.at + 1]
        if expected and (not found or found not in expected):
            wanted = " or ".join(repr(c) for c in expected)
            raise self.refusal(self.at, f"expected {wanted}")
        return found

    def value(self) -> tuple[Any, Span]:
        """Decode the value at the current place and step past it."""
        start = self.at
        self._line += self.text.count("\n", self._counted, start)
        self._counted = start
        column = start - self.text.rfind("\n", 0, start)
        try:
            value, self.at = self.decoder.raw_decode(self.text, start)
        except json.JSONDecodeError as exc:
            raise self.refusal(exc.pos, exc.msg) from None
        except RecursionError:
            raise self.refusal(start, f"nested more than {MAX_DEPTH} levels deep") from None
        return value, Span(start, self.at, self._line, column)

    def items(self) -> tuple[Span, ...]:
        """The spans of the items of the list at the current place (its ``[``), stepping past
        its ``]``."""
        self.at += 1
        spans: list[Span] = []
        if self.skip() == "]":
            self.at += 1
            return ()
        while True:
            spans.append(self.value()[1])
            if self.skip(",]") == "]":
                self.at += 1
                return tuple(spans)
            self.at += 1
            self.skip()


def members(text: str, source: str) -> dict[str, Member]:
    """The members of the JSON object ``text`` (named ``source`` in errors), by key.

    :raises InvalidInputError: not a JSON object, a key given twice, not valid JSON, a value
        nesting too deep for the decoder (each with its line and column).
    """
    reader = _Reader(text, source)
    found: dict[str, Member] = {}
    reader.skip("{")
    reader.at += 1
    closing = reader.skip('}"')
    while closing != "}":
        key_at = reader.at
        key, _ = reader.value()
        reader.skip(":")
        reader.at += 1
        if reader.skip() == "[":
            line, column = line_column(text, reader.at)
            start = reader.at
            items = reader.items()
            member = Member(Span(start, reader.at, line, column), items)
        else:
            member = Member(reader.value()[1], None)
        if key in found:
            raise reader.refusal(key_at, f"duplicate key {key!r}")
        found[key] = member
        closing = reader.skip(",}")
        if closing == ",":
            reader.at += 1
            reader.skip('"')
    reader.at += 1
    if reader.skip():
        raise reader.refusal(reader.at, "extra data after the object")
    return found


def value_at(text: str, source: str, span: Span, path: PathKey) -> Document:
    """The value written at ``span`` of ``text`` (found at ``path`` of the whole document) as a
    document of its own: its positions are those of ``path`` alone until a problem needs more
    (:attr:`Document.detail`).

    :raises InvalidInputError: the value nests more than :data:`~kamcore.documents.MAX_DEPTH`
        levels, or an object in it gives a key twice -- located as :func:`parse_document`
        locates them.
    """
    decoded = decode_json(text, span.start)
    if decoded is None:
        return _parsed(text, source, span, path)  # raises at the line of the problem
    detail = functools.cache(lambda: _parsed(text, source, span, path).positions)
    return Document(decoded[0], source, {path: (span.line, span.column)}, detail)


def _parsed(text: str, source: str, span: Span, path: PathKey) -> Document:
    """The value at ``span`` (at ``path`` of the document) parsed by :func:`parse_document`,
    every position (and every problem raised) moved to its place in the whole file."""

    def moved(line: int, column: int) -> tuple[int, int]:
        return line + span.line - 1, column + span.column - 1 if line == 1 else column

    def problem_moved(problem: Problem) -> Problem:
        if problem.line is None or problem.column is None:
            return attrs.evolve(problem, path=(*path, *problem.path))
        line, column = moved(problem.line, problem.column)
        return attrs.evolve(problem, path=(*path, *problem.path), line=line, column=column)

    try:
        doc = parse_document(text[span.start:span.end], source)
    except InvalidInputError as exc:
        raise InvalidInputError(exc.summary, map(problem_moved, exc.problems)) from None
    positions = {(*path, *inner): moved(*where) for inner, where in doc.every_position().items()}
    return Document(doc.data, source, positions)

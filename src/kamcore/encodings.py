"""Which text encoding an input file is in: given, marked by a byte order mark, or detected.

CRM exports arrive in whatever the exporting tool wrote: UTF-8 with or without a byte order
mark, UTF-16 with one (Excel's "Unicode text"), and Windows-1252 from older Salesforce Data
Loader versions. :func:`file_encoding` decides, in this order:

1. the encoding the user gave (``kam import --encoding``), when given;
2. a byte order mark: UTF-8, UTF-16 (little or big endian);
3. UTF-8, when the whole file decodes as UTF-8 (checked in chunks: nothing is held whole);
4. else a legacy encoding found from the start of the file and the part around the first
   byte that is not UTF-8: Windows-1252 for Latin text, what charset-normalizer detects for
   other scripts (see :func:`_detect`).

The result says how it was decided, so that an import can report it.
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path
from typing import BinaryIO

import attrs

from .errors import InvalidInputError

#: How much of the file the detector reads (from the start, and around the first bad byte).
SAMPLE = 256 * 1024
_CHUNK = 1024 * 1024
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
#: Display names of the codecs people meet in CRM exports.
_LABELS = {"utf_8": "UTF-8", "utf_8_sig": "UTF-8 with a byte order mark",
           "utf_16": "UTF-16", "utf_16_le": "UTF-16", "utf_16_be": "UTF-16",
           "cp1250": "Windows-1250", "cp1251": "Windows-1251", "cp1252": "Windows-1252",
           "iso8859_1": "Latin-1 (ISO-8859-1)", "iso8859_15": "Latin-9 (ISO-8859-15)",
           "mac_roman": "Mac Roman"}


@attrs.frozen
class Encoding:
    """A file's encoding: the Python ``codec`` to read it with and ``how`` it was decided
    (``given``, ``byte order mark``, ``checked`` for valid UTF-8, ``detected``)."""

    codec: str
    how: str

    @property
    def label(self) -> str:
        """The encoding's common name (``Windows-1252``)."""
        name = codecs.lookup(self.codec).name.replace("-", "_")
        return _LABELS.get(name, self.codec)

    @property
    def line_safe(self) -> bool:
        """Whether a line feed byte always means a line feed (each line decodes alone)."""
        return codecs.lookup(self.codec).name not in ("utf-16", "utf-16-le", "utf-16-be")

    def describe(self, path: Path) -> str:
        """``Contact.csv: read as Windows-1252 (detected)``."""
        return f"{path.name}: read as {self.label} ({self.how})"


def file_encoding(path: Path, given: str | None = None) -> Encoding:
    """The encoding to read ``path`` with (see the module).

    :raises InvalidInputError: ``given`` names no encoding Python knows.
    """
    if given:
        try:
            codecs.lookup(given)
        except LookupError:
            raise InvalidInputError(
                f"unknown encoding {given!r}; give one such as utf-8, utf-16, cp1252 "
                "(Windows-1252) or latin-1") from None
        return Encoding(given, "given")
    with path.open("rb") as binary:
        head = binary.read(4)
        for bom, codec in _BOMS:
            if head.startswith(bom):
                return Encoding(codec, "byte order mark")
        binary.seek(0)
        bad_at = _first_non_utf8(binary)
        if bad_at is None:
            return Encoding("utf-8", "checked")
        binary.seek(0)
        sample = binary.read(SAMPLE)
        if bad_at > len(sample):
            binary.seek(max(0, bad_at - SAMPLE // 4))
            sample += binary.read(SAMPLE // 2)
    return Encoding(_detect(sample), "detected")


def _first_non_utf8(binary: BinaryIO) -> int | None:
    """The offset of the first byte that is not UTF-8 (None when all of it is)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    while chunk := binary.read(_CHUNK):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            return offset + exc.start
        offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return offset
    return None


def _detect(sample: bytes) -> str:
    """The legacy encoding of ``sample`` (the file is not UTF-8).

    Windows-1252 -- what Salesforce Data Loader and Excel write on Western Windows -- unless
    charset-normalizer finds the text to be in another script (Cyrillic, Greek, Asian ...),
    or it cannot be Windows-1252 (a byte that code page leaves undefined). On a few accented
    names a detector cannot tell the Latin code pages apart (it takes Société for Windows-1250
    or -1257 as readily), and a wrong guess there garbles every accent, so the Latin case is
    settled by what the exports are known to use; ``--encoding`` chooses any other.
    """
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_exclusion=["utf_8", "utf_16", "utf_32"]).best()
    if best is not None and _mostly_other_script(str(best)):
        return str(best.encoding)
    try:
        sample.decode("cp1252")
    except UnicodeDecodeError:
        return str(best.encoding) if best is not None else "latin-1"
    return "cp1252"


def _mostly_other_script(text: str) -> bool:
    """Whether most of the non-ASCII letters of ``text`` are not Latin letters."""
    letters = [char for char in text if ord(char) > 127 and char.isalpha()]
    others = sum(not unicodedata.name(char, "").startswith("LATIN") for char in letters)
    return others * 2 > len(letters) > 0

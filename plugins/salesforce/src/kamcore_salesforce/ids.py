"""Salesforce record Ids: 15-character (case-sensitive) and 18-character (case-safe) forms.

The 18-character form appends three checksum characters to the 15: for each 5-character
chunk, a bit per uppercase letter (bit *i* for position *i*), read as an index into
``ABCDEFGHIJKLMNOPQRSTUVWXYZ012345``. kamcore always keys records by the 18-character form, so
the same record given both ways is one record.
"""

from __future__ import annotations

import functools
from itertools import product

_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
#: ``bytes.translate`` table: an uppercase ASCII letter -> ``b"1"``, any other byte -> ``b"0"``
#: (so a chunk becomes its bits, position by position).
_BITS = bytes.maketrans(bytes(range(256)),
                        bytes(ord("1") if ord("A") <= b <= ord("Z") else ord("0")
                              for b in range(256)))
#: A chunk's bits (as ``_BITS`` writes them, 0 to 5 of them) -> its checksum character.
_CHUNK_CHAR = {
    bytes(bits): _SUFFIX_ALPHABET[sum(1 << i for i, bit in enumerate(bits) if bit == ord("1"))]
    for length in range(6) for bits in product(b"01", repeat=length)
}
#: How many Ids :func:`to18` remembers: the lookups of an import (``AccountId``,
#: ``ReportsToId``...) name the same few records again and again.
CACHED_IDS = 4096


def checksum(id15: str) -> str:
    """The three characters that turn a 15-character Id into its 18-character form.

    Only the first fifteen characters count (a shorter text gives the checksum of its chunks);
    a character that is not an uppercase ASCII letter is a 0 bit.
    """
    bits = id15[:15].encode("ascii", "replace").translate(_BITS)
    return _CHUNK_CHAR[bits[0:5]] + _CHUNK_CHAR[bits[5:10]] + _CHUNK_CHAR[bits[10:15]]


@functools.lru_cache(maxsize=CACHED_IDS)
def to18(value: str) -> str:
    """The 18-character form of a 15- or 18-character Salesforce Id (surrounding blanks are
    ignored; the checksum of an 18-character Id may be in any case and is returned in upper
    case). The last :data:`CACHED_IDS` answers are remembered; a refused value is not.

    :raises ValueError: not 15 or 18 letters and digits, or an 18-character Id whose last three
        characters are not the checksum of the first fifteen.
    """
    text = value.strip()
    length = len(text)
    if length not in (15, 18) or not (text.isascii() and text.isalnum()):
        raise ValueError(f"{value!r} is not a Salesforce Id (15 or 18 letters and digits)")
    expected = checksum(text)
    if length == 15:
        return text + expected
    suffix = text[15:]
    if suffix == expected:
        return text
    if suffix.upper() != expected:
        raise ValueError(f"{value!r} is not a Salesforce Id: its last three characters "
                         f"should be {expected!r} (the checksum of the first fifteen)")
    return text[:15] + expected

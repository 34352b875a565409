"""Salesforce record Ids: 15-character (case-sensitive) and 18-character (case-safe) forms.

The 18-character form appends three checksum characters to the 15: for each 5-character
chunk, a bit per uppercase letter (bit *i* for position *i*), read as an index into
``ABCDEFGHIJKLMNOPQRSTUVWXYZ012345``. kamcore always keys records by the 18-character form, so
the same record given both ways is one record.
"""

from __future__ import annotations

_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def _is_id_text(text: str) -> bool:
    return text.isascii() and text.isalnum()


def checksum(id15: str) -> str:
    """The three characters that turn a 15-character Id into its 18-character form."""
    out = []
    for start in (0, 5, 10):
        bits = 0
        for position, char in enumerate(id15[start:start + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << position
        out.append(_SUFFIX_ALPHABET[bits])
    return "".join(out)


def to18(value: str) -> str:
    """The 18-character form of a 15- or 18-character Salesforce Id.

    :raises ValueError: not 15 or 18 letters and digits, or an 18-character Id whose last three
        characters are not the checksum of the first fifteen.
    """
    text = value.strip()
    if _is_id_text(text) and len(text) == 15:
        return text + checksum(text)
    if _is_id_text(text) and len(text) == 18:
        expected = checksum(text[:15])
        if text[15:].upper() != expected:
            raise ValueError(f"{value!r} is not a Salesforce Id: its last three characters "
                             f"should be {expected!r} (the checksum of the first fifteen)")
        return text[:15] + expected
    raise ValueError(f"{value!r} is not a Salesforce Id (15 or 18 letters and digits)")

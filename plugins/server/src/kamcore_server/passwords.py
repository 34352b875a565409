"""Password hashes: argon2id through pwdlib (the recommended parameters of its version)."""

from __future__ import annotations

import functools

from pwdlib import PasswordHash


@functools.cache
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (what is stored)."""
    return _hasher().hash(password)


def verify(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored``; False for a hash this library cannot read."""
    try:
        return bool(_hasher().verify(password, stored))
    except Exception:  # an unknown or corrupt hash is a failed sign-in, not a server error
        return False

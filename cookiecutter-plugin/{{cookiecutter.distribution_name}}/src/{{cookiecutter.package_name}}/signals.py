"""Signals computed from an account snapshot."""

from __future__ import annotations

from kamcore import AccountSnapshot


def open_pipeline(snapshot: AccountSnapshot) -> float:
    """The account's open opportunity amounts, in millions."""
    return sum(o.amount or 0 for o in snapshot.opportunities if o.status == "open") / 1e6

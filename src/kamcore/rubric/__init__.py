"""Scoring rubrics as data: weighted criteria on scales, with bands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .loader import build_rubric, document_schema
from .model import Band, Criterion, Points, Rubric, Scale

if TYPE_CHECKING:
    from .scoring import parse_inputs, score_account


def __getattr__(name: str) -> Any:
    """Import :mod:`.scoring` (and the record models it needs) only when it is used.

    Loading rubrics, as ``kam plugins`` does, never builds the pydantic record models.
    """
    if name in ("parse_inputs", "score_account"):
        from . import scoring

        return getattr(scoring, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "Band",
    "Criterion",
    "Points",
    "Rubric",
    "Scale",
    "build_rubric",
    "document_schema",
    "parse_inputs",
    "score_account",
]

"""Scoring rubrics as data: weighted criteria on scales, with bands."""

from __future__ import annotations

from .loader import build_rubric, document_schema
from .model import Band, Criterion, Points, Rubric, Scale
from .scoring import parse_inputs, score_account

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

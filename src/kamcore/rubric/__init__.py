"""Scoring rubrics as data: weighted criteria on scales, with bands."""

from __future__ import annotations

from .loader import build_rubric, document_schema
from .model import Band, Criterion, Rubric, Scale

__all__ = ["Band", "Criterion", "Rubric", "Scale", "build_rubric", "document_schema"]

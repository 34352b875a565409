"""Methodologies as data: documents, derivation with ``extends`` and the runtime model."""

from __future__ import annotations

from .loader import build_methodology, document_schema, load_methodologies
from .model import Gate, Methodology, Section, Step

__all__ = [
    "Gate",
    "Methodology",
    "Section",
    "Step",
    "build_methodology",
    "document_schema",
    "load_methodologies",
]

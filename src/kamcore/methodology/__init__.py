"""Methodologies as data: documents, derivation with ``extends`` and the runtime model.

Names are imported on first use, so a module that needs only :mod:`.staleness` or the model
(the built-in plugins, loaded on every ``kam`` start) does not load the document loader and
jsonschema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import exports

_LAZY: dict[str, str] = {
    "Gate": "kamcore.methodology.model",
    "Methodology": "kamcore.methodology.model",
    "Section": "kamcore.methodology.model",
    "Step": "kamcore.methodology.model",
    "build_methodology": "kamcore.methodology.loader",
    "document_schema": "kamcore.methodology.loader",
    "load_methodologies": "kamcore.methodology.loader",
}

__getattr__, __dir__ = exports("kamcore.methodology", _LAZY, globals())

if TYPE_CHECKING:
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

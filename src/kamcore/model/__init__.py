"""The domain records (pydantic v2): validated, serialisable, each with a JSON Schema."""

from __future__ import annotations

from ._base import Record, RecordId, Shape
from .account import Account
from .finding import Finding, Severity
from .opportunity import Opportunity
from .plan import (
    SHAPES,
    Action,
    Measure,
    MethodologyRef,
    Objective,
    Plan,
    Risk,
    Signoff,
    WhitespaceCell,
)
from .revenue import RevenueFact
from .review import Review
from .scorecard import RubricRef, ScoreCard
from .stakeholder import Relationship, Stakeholder

#: Stored record types by their ``kind``.
RECORD_TYPES: dict[str, type[Record]] = {
    cls.kind: cls
    for cls in (Account, Stakeholder, Relationship, Opportunity, Plan, Review, ScoreCard,
                RevenueFact)
}

#: Everything ``kam schema`` can print, by name.
SCHEMA_TYPES: dict[str, type[Shape]] = {
    **RECORD_TYPES,
    **SHAPES,
    "finding": Finding,
}

__all__ = [
    "RECORD_TYPES",
    "SCHEMA_TYPES",
    "SHAPES",
    "Account",
    "Action",
    "Finding",
    "Measure",
    "MethodologyRef",
    "Objective",
    "Opportunity",
    "Plan",
    "Record",
    "RecordId",
    "Relationship",
    "RevenueFact",
    "Review",
    "Risk",
    "RubricRef",
    "ScoreCard",
    "Severity",
    "Shape",
    "Signoff",
    "Stakeholder",
    "WhitespaceCell",
]

"""Quarterly business reviews are scored: "QBRs without a scoring mechanism" is a listed
mistake. A methodology's QBR is one review kind of its cadence; recording it records a
``qbr-health`` score card (relationship depth, opportunity pipeline coverage, plan currency,
each 1-5), unless the methodology says otherwise.

Settings (in the methodology's ``settings``, both optional): ``qbr_review_kind`` names the
kind (default ``customer``); ``qbr_scored: false`` makes the score optional.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .methodology import Methodology

#: The rubric a QBR is scored with.
QBR_RUBRIC = "qbr-health"
DEFAULT_QBR_KIND = "customer"


def qbr_kind(methodology: Methodology) -> str:
    """The review kind that is the methodology's QBR: ``settings.qbr_review_kind``, else
    ``customer``."""
    kind = methodology.settings.get("qbr_review_kind")
    return kind if isinstance(kind, str) and kind else DEFAULT_QBR_KIND


def qbr_scored(methodology: Methodology) -> bool:
    """True unless ``settings.qbr_scored`` is ``false``."""
    return methodology.settings.get("qbr_scored") is not False

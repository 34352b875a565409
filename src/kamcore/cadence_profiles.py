"""Cadence profiles: named review rhythms a plan takes instead of its methodology's cadence.

``sam`` is the operational cadence for strategic (SAM) accounts: "Internal account review
weekly; customer check-in bi-weekly; QBR quarterly; annual strategic review; signal-triggered
response as needed". The QBR is the methodology's QBR kind (:func:`kamcore.qbr.qbr_kind`), the
annual review its ``annual`` (or ``refresh``) kind; the signal-triggered response is no
cadence: findings such as ``new-economic-buyer`` call for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import NotFoundError
from .qbr import qbr_kind

if TYPE_CHECKING:
    from .methodology import Methodology

#: Stand-ins resolved against the methodology: its QBR kind and its annual review kind.
QBR, ANNUAL = "<qbr>", "<annual>"
#: Review kinds that are a methodology's annual review, in order of preference.
ANNUAL_KINDS = ("annual", "refresh")

PROFILES: dict[str, tuple[tuple[str, str], ...]] = {
    "sam": (("internal", "1 week"), ("customer_checkin", "2 weeks"), (QBR, "3 months"),
            (ANNUAL, "1 year")),
}


def profile_cadence(name: str, methodology: Methodology) -> dict[str, str]:
    """The plan cadence (kind -> every) of profile ``name`` for a plan of ``methodology``.

    :raises NotFoundError: no such profile (the error lists the profiles).
    """
    if name not in PROFILES:
        raise NotFoundError("cadence profile", name, sorted(PROFILES))
    kinds = {cadence.kind for cadence in methodology.cadence}
    annual = next((kind for kind in ANNUAL_KINDS if kind in kinds), ANNUAL_KINDS[0])
    resolved = {QBR: qbr_kind(methodology), ANNUAL: annual}
    return {resolved.get(kind, kind): every for kind, every in PROFILES[name]}

"""A methodology's ``settings.staleness``: how the built-in staleness checks judge its plans.

The keys and their meaning are documented in :mod:`kamcore.builtin.staleness`, which runs the
checks; other parts of kamcore read them too (recording a review notes who holds the
:func:`economic_buyer_role`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from ..cadence import Cadence

if TYPE_CHECKING:
    from .model import Methodology

DEFAULT_CONTACT_DAYS = 90
#: "The next 90 days of concrete actions".
DEFAULT_HORIZON_DAYS = 90
DEFAULT_ECONOMIC_BUYER_ROLE = "economic_buyer"
#: The keys settings.staleness may hold.
KEYS = frozenset({"contact_days", "overdue_actions", "refresh", "economic_buyer_role",
                  "new_economic_buyer", "horizon_days"})


@attrs.frozen
class StalenessSettings:
    """The methodology's ``settings.staleness``, checked."""

    contact_days: int = DEFAULT_CONTACT_DAYS
    overdue_actions: bool = True
    refresh: str | None = None
    economic_buyer_role: str = DEFAULT_ECONOMIC_BUYER_ROLE
    new_economic_buyer: bool = True
    horizon_days: int = DEFAULT_HORIZON_DAYS

    @classmethod
    def of(cls, methodology: Methodology) -> StalenessSettings:
        """Read ``settings.staleness``; :class:`ValueError` names what is wrong."""
        raw = methodology.settings.get("staleness", {})
        where = f"{methodology.name}: settings.staleness"
        if raw is None:
            return cls()
        if not isinstance(raw, Mapping):
            raise ValueError(f"{where} must be a mapping, not {raw!r}")
        unknown = sorted(set(raw) - KEYS)
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)}; known: "
                             f"{', '.join(sorted(KEYS))}")
        days = raw.get("contact_days", DEFAULT_CONTACT_DAYS)
        horizon = raw.get("horizon_days", DEFAULT_HORIZON_DAYS)
        for key, value in (("contact_days", days), ("horizon_days", horizon)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{where}.{key} must be a whole number >= 0, not {value!r}")
        for flag in ("overdue_actions", "new_economic_buyer"):
            if not isinstance(raw.get(flag, True), bool):
                raise ValueError(f"{where}.{flag} must be true or false, not {raw[flag]!r}")
        refresh = raw.get("refresh")
        if refresh is not None:
            if not isinstance(refresh, str):
                raise ValueError(f"{where}.refresh must be a cadence such as '1 year', "
                                 f"not {refresh!r}")
            Cadence.parse("refresh", refresh)
        role = raw.get("economic_buyer_role", DEFAULT_ECONOMIC_BUYER_ROLE)
        if not isinstance(role, str) or not role:
            raise ValueError(f"{where}.economic_buyer_role must be a role name, not {role!r}")
        return cls(days, raw.get("overdue_actions", True), refresh, role,
                   raw.get("new_economic_buyer", True), horizon)


def economic_buyer_role(methodology: Methodology) -> str:
    """The role that marks the economic buyer (``economic_buyer`` unless the settings say
    otherwise, or are unusable)."""
    try:
        return StalenessSettings.of(methodology).economic_buyer_role
    except ValueError:
        return DEFAULT_ECONOMIC_BUYER_ROLE

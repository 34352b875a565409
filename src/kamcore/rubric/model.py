"""The runtime form of a rubric: criteria, scales and bands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ..errors import NotFoundError


@attrs.frozen
class Scale:
    """The range a criterion's value must lie in; ``step`` 1 means whole numbers."""

    min: float
    max: float
    step: float | None = None

    def problem(self, value: float) -> str | None:
        """Why ``value`` is off this scale, or None when it fits."""
        if not self.min <= value <= self.max:
            return f"{value:g} is off the scale {self.min:g}..{self.max:g}"
        if self.step is not None:
            steps = (value - self.min) / self.step
            if abs(steps - round(steps)) > 1e-9:
                return f"{value:g} is not a multiple of {self.step:g} from {self.min:g}"
        return None


@attrs.frozen
class Points:
    """Maps a raw signal value of at least ``min`` to ``value`` on the criterion's scale."""

    min: float
    value: float
    label: str = ""


@attrs.frozen
class Criterion:
    """A weighted criterion, entered by a person or computed by the named ``signal``.

    A computed criterion's raw signal value is turned into a scale value by ``points`` (the
    first entry whose ``min`` the raw value reaches, highest first); without ``points`` the raw
    value is used as it is and must lie on the scale. ``anchors`` say what values mean (value,
    meaning), highest first; they are shown wherever a person enters the criterion.
    """

    key: str
    title: str
    weight: float
    scale: Scale
    signal: str | None = None
    description: str = ""
    points: tuple[Points, ...] = ()
    target: str = ""
    anchors: tuple[tuple[float, str], ...] = ()

    def anchor_text(self) -> str:
        """The anchors as one line (``5 = Top 5 by revenue; 1 = Bottom quartile``), or ''."""
        return "; ".join(f"{value:g} = {meaning}" for value, meaning in self.anchors)

    def to_scale(self, raw: float) -> tuple[float, str]:
        """The scale value for a raw signal value, and the label of the points row used."""
        for row in self.points:
            if raw >= row.min - 1e-9:
                return row.value, row.label
        return raw, ""

    @property
    def computed(self) -> bool:
        """True when a signal computes the value."""
        return self.signal is not None


@attrs.frozen
class Band:
    """A band reached when the weighted total is at least ``min``; reaching a band that
    ``qualifies`` puts the account in the key-account programme (``kam segment``)."""

    name: str
    min: float
    description: str = ""
    qualifies: bool = False


@attrs.frozen
class Rubric:
    """A loaded, checked rubric. Bands are kept highest threshold first."""

    name: str
    version: str
    title: str
    description: str
    criteria: tuple[Criterion, ...]
    bands: tuple[Band, ...] = ()
    rescore_every: str | None = None
    source: str = ""
    document: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    def criterion(self, key: str) -> Criterion:
        """The criterion ``key``; :class:`NotFoundError` lists the criteria there are."""
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        raise NotFoundError(f"criterion of {self.name}", key, [c.key for c in self.criteria])

    def total_range(self) -> tuple[float, float]:
        """The lowest and highest weighted total the criteria's scales allow."""
        low = sum(c.weight * c.scale.min for c in self.criteria)
        high = sum(c.weight * c.scale.max for c in self.criteria)
        return low, high

    def band_for(self, total: float) -> Band | None:
        """The highest band whose threshold ``total`` reaches."""
        return next((band for band in self.bands if total >= band.min - 1e-9), None)

    @property
    def qualifying_bands(self) -> frozenset[str]:
        """Names of the bands that qualify an account for the programme (may be empty)."""
        return frozenset(band.name for band in self.bands if band.qualifies)

    def summary(self) -> dict[str, Any]:
        """A JSON-ready description for listings."""
        return {
            "name": self.name,
            "version": self.version,
            "title": self.title,
            "criteria": [
                {"key": c.key, "weight": c.weight, "signal": c.signal} for c in self.criteria
            ],
            "bands": [{"name": b.name, "min": b.min, "qualifies": b.qualifies}
                      for b in self.bands],
            "source": self.source,
        }

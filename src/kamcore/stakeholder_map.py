"""The stakeholder map as every exporter draws it: who is on it, where, and where lines run.

Exporters (the HTML report, the PPTX deck) share three steps and draw the result in their own
units (SVG pixels, slide inches):

:func:`map_people`
    One :class:`MapPerson` per person the account's records or the plan's stakeholder-map
    entries hold. An entry is matched to a record by ``stakeholder_id``, else by name (case
    folded); where both rate the person, the plan's assessment wins (it is what the plan says
    now). Entries naming nobody on record become people of their own, one per name.
:func:`map_layout`
    Each rated person's spot: support -2..+2 left to right, influence 5..1 top to bottom, people
    sharing a cell spread around its centre.
:func:`map_routes`
    Each relationship's line as a quadratic curve, bent so that it neither runs through another
    person's dot nor lies on another line (edges between the same two people fan out), and each
    name's place (below, above, right or left of its dot) where no line crosses it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from .rendering import person

if TYPE_CHECKING:
    from .model import Relationship, Stakeholder
    from .shapes import Item, StakeholderEntry

__all__ = ["MapPerson", "NamePlace", "Route", "map_layout", "map_people", "map_routes"]

Point = tuple[float, float]
#: A rectangle: left, top, right, bottom.
Box = tuple[float, float, float, float]

#: Spots of 1-4 people in one cell, as fractions of the cell's width and height.
_SPREAD: Mapping[int, Sequence[Point]] = {
    1: [(0, 0)], 2: [(-0.24, 0), (0.24, 0)],
    3: [(-0.25, -0.2), (0.25, -0.2), (0, 0.22)],
    4: [(-0.25, -0.23), (0.25, -0.23), (-0.25, 0.22), (0.25, 0.22)],
}
#: How many points a curve is judged and drawn by.
SAMPLES = 24


@attrs.frozen
class MapPerson:
    """A person on the map. ``key`` is the stakeholder id, or ``plan:NAME`` for someone only
    the plan assesses; ``in_plan`` says the plan's stakeholder map rates them."""

    key: str
    name: str
    title: str | None = None
    role: str | None = None
    influence: int | None = None
    support: int | None = None
    strength: int | None = None
    placeholder: bool = False
    in_plan: bool = False
    record: Stakeholder | None = None

    @property
    def rated(self) -> bool:
        """Whether the person has both an influence and a support to be placed by."""
        return self.influence is not None and self.support is not None


def map_people(stakeholders: Iterable[Stakeholder],
               entries: Iterable[Item[StakeholderEntry]] = ()) -> tuple[MapPerson, ...]:
    """Everyone the records or the plan's map entries hold, once each (see the module)."""
    people: dict[str, MapPerson] = {}
    by_name: dict[str, str] = {}
    for record in stakeholders:
        people[record.id] = MapPerson(
            record.id, person(record), record.title, ", ".join(sorted(record.roles)) or None,
            record.influence, record.support, record.relationship_strength,
            record.placeholder, record=record)
        by_name.setdefault(record.name.casefold(), record.id)
    assessed: set[str] = set()
    for entry in entries:
        rated = entry.model
        name = rated.name or rated.stakeholder_id or ""
        key = rated.stakeholder_id if rated.stakeholder_id in people else \
            by_name.get(name.casefold(), f"plan:{name}")
        if key in assessed:
            continue
        assessed.add(key)
        known = people.get(key)
        if known is None:
            by_name.setdefault(name.casefold(), key)
            people[key] = MapPerson(key, name, rated.title, rated.role, rated.influence,
                                    rated.support, in_plan=True)
            continue
        people[key] = attrs.evolve(
            known, role=rated.role or known.role, in_plan=True,
            influence=rated.influence if rated.influence is not None else known.influence,
            support=rated.support if rated.support is not None else known.support)
    return tuple(people.values())


def map_layout(people: Sequence[MapPerson], left: float, top: float, cell_width: float,
               cell_height: float) -> dict[str, Point]:
    """The centre of each rated person's dot, in the caller's units: the grid's top-left
    corner is ``(left, top)``, each of its 5 x 5 cells ``cell_width`` by ``cell_height``."""
    buckets: dict[tuple[int, int], list[MapPerson]] = defaultdict(list)
    for someone in people:
        if someone.influence is not None and someone.support is not None:
            buckets[(someone.support, someone.influence)].append(someone)
    spots: dict[str, Point] = {}
    for (support, influence), members in sorted(buckets.items()):
        cx = left + (support + 2.5) * cell_width
        cy = top + (5 - influence + 0.5) * cell_height
        count = len(members)
        spread = _SPREAD.get(count) or [
            ((i % 3 - 1) * 0.3, (i // 3 - (math.ceil(count / 3) - 1) / 2) * 0.62
             / math.ceil(count / 3)) for i in range(count)]
        for (dx, dy), someone in zip(spread, members, strict=True):
            spots[someone.key] = (cx + dx * cell_width, cy + dy * cell_height)
    return spots


@attrs.frozen
class Route:
    """A relationship's line: a quadratic curve from ``start`` through the pull of
    ``control`` to ``end`` (a straight line when ``control`` is the midpoint)."""

    relationship: Relationship
    start: Point
    control: Point
    end: Point

    def points(self, count: int = SAMPLES) -> list[Point]:
        """``count + 1`` points along the curve, start to end (for formats without curves)."""
        return [_bezier(self.start, self.control, self.end, i / count)
                for i in range(count + 1)]

    def svg_path(self) -> str:
        """The curve as an SVG path."""
        (sx, sy), (cx, cy), (ex, ey) = self.start, self.control, self.end
        return f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}"


@attrs.frozen
class NamePlace:
    """Where a person's name goes: the centre of its box and which side of the dot."""

    x: float
    y: float
    side: str


def _bezier(a: Point, c: Point, b: Point, t: float) -> Point:
    u = 1 - t
    return (u * u * a[0] + 2 * u * t * c[0] + t * t * b[0],
            u * u * a[1] + 2 * u * t * c[1] + t * t * b[1])


def _inside(point: Point, box: Box) -> bool:
    x, y = point
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _name_box(spot: Point, radius: float, size: Point, side: str,
              ) -> tuple[NamePlace, Box]:
    (x, y), (w, h) = spot, size
    gap = radius + h * 0.15
    centre = {"below": (x, y + gap + h / 2), "above": (x, y - gap - h / 2),
              "right": (x + radius + w / 2 + h * 0.2, y),
              "left": (x - radius - w / 2 - h * 0.2, y)}[side]
    box = (centre[0] - w / 2, centre[1] - h / 2, centre[0] + w / 2, centre[1] + h / 2)
    return NamePlace(centre[0], centre[1], side), box


def map_routes(spots: Mapping[str, Point], radii: Mapping[str, float],
               relationships: Iterable[Relationship], name_sizes: Mapping[str, Point],
               gap: float, keep_clear: Sequence[Box] = (), bounds: Box | None = None,
               ) -> tuple[list[Route], dict[str, NamePlace]]:
    """Lines for the ``relationships`` between placed people and places for their names.

    ``radii`` are the dots' radii, ``name_sizes`` each name's box (width, height) and ``gap``
    the clearance lines keep from dots and from each other, all in the caller's units. Lines
    are placed one by one, each taking the least bend (in steps of ``2 * gap``, either side)
    that keeps it off other dots, off lines already placed and off the names as first placed
    (below the dots); then each name takes the first side of its dot (below, above, right,
    left) that no line crosses and no other dot, name or ``keep_clear`` box (``(left, top,
    right, bottom)``, such as captions printed on the grid) covers and that stays inside
    ``bounds`` (the drawing's box, when given), else the least covered one.
    """
    names = {key: _name_box(spot, radii[key], name_sizes[key], "below")[1]
             for key, spot in spots.items() if key in name_sizes}
    placed: list[Route] = []
    tracks: list[list[Point]] = []
    reach = max(radii.values(), default=0.0) + gap
    dots = _Grid(reach)
    for key, spot in spots.items():
        dots.add(spot, key)
    lines = _Grid(gap)
    for rel in relationships:
        if rel.source_id not in spots or rel.target_id not in spots:
            continue
        best: tuple[float, Route, list[Point]] | None = None
        for step in (0, 1, -1, 2, -2, 3, -3, 4, -4):
            bend = step * 2 * gap
            route = _route(rel, spots, radii, bend, gap)
            track = route.points()
            cost = _cost(track, rel, radii, names, dots, lines, gap) + abs(bend) / gap * 0.1
            if best is None or cost < best[0]:
                best = (cost, route, track)
            if cost < 1:
                break
        assert best is not None
        placed.append(best[1])
        for point in best[2][2:-2]:
            lines.add(point, len(tracks))
        tracks.append(best[2])
    places: dict[str, NamePlace] = {}
    boxes: list[Box] = list(keep_clear)
    extents = [_extent(track) for track in tracks]
    for key, spot in spots.items():
        if key not in name_sizes:
            continue
        choice: tuple[float, NamePlace, Box] | None = None
        for rank, side in enumerate(("below", "above", "right", "left")):
            place, box = _name_box(spot, radii[key], name_sizes[key], side)
            covered = 10 * sum(1 for track, extent in zip(tracks, extents, strict=True)
                               if _meet(extent, box) for p in track if _inside(p, box))
            covered += sum(20 for other, at in spots.items() if other != key and _inside(
                at, (box[0] - radii[other], box[1] - radii[other], box[2] + radii[other],
                     box[3] + radii[other])))
            covered += sum(15 for b in boxes if b[0] < box[2] and box[0] < b[2]
                           and b[1] < box[3] and box[1] < b[3])
            if bounds is not None and not (bounds[0] <= box[0] and box[2] <= bounds[2]
                                           and bounds[1] <= box[1] and box[3] <= bounds[3]):
                covered += 1000  # cut off at the drawing's edge
            cost = covered + rank * 0.5
            if choice is None or cost < choice[0]:
                choice = (cost, place, box)
        assert choice is not None
        places[key] = choice[1]
        boxes.append(choice[2])
    return placed, places


def _route(rel: Relationship, spots: Mapping[str, Point], radii: Mapping[str, float],
           bend: float, gap: float) -> Route:
    """The line of ``rel`` bent ``bend`` to one side (the same side for both directions of a
    pair, so that lanes between two people never cross), trimmed at both dots."""
    (x1, y1), (x2, y2) = spots[rel.source_id], spots[rel.target_id]
    flip = 1.0 if rel.source_id < rel.target_id else -1.0
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    nx, ny = -(y2 - y1) / length * flip, (x2 - x1) / length * flip
    control = ((x1 + x2) / 2 + nx * bend * 2, (y1 + y2) / 2 + ny * bend * 2)
    start = _towards((x1, y1), control, radii[rel.source_id] + gap * 0.3)
    end = _towards((x2, y2), control, radii[rel.target_id] + gap * 0.8)
    return Route(rel, start, control, end)


def _towards(point: Point, target: Point, distance: float) -> Point:
    dx, dy = target[0] - point[0], target[1] - point[1]
    length = math.hypot(dx, dy) or 1.0
    return (point[0] + dx / length * distance, point[1] + dy / length * distance)


def _extent(points: Sequence[Point]) -> Box:
    """The box around ``points``."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _meet(one: Box, other: Box) -> bool:
    """Whether two boxes overlap."""
    return one[0] <= other[2] and other[0] <= one[2] and one[1] <= other[3] and other[1] <= one[3]


class _Grid:
    """Points filed by square cells of side ``size``, to find those near a point quickly."""

    def __init__(self, size: float) -> None:
        self.size = size or 1.0
        self.cells: dict[tuple[int, int], list[tuple[Point, object]]] = defaultdict(list)

    def _cell(self, point: Point) -> tuple[int, int]:
        return math.floor(point[0] / self.size), math.floor(point[1] / self.size)

    def add(self, point: Point, tag: object) -> None:
        self.cells[self._cell(point)].append((point, tag))

    def near(self, point: Point) -> Iterator[tuple[Point, object]]:
        """Everything filed within ``size`` of ``point`` (and a little more)."""
        cx, cy = self._cell(point)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                yield from self.cells.get((cx + dx, cy + dy), ())


def _cost(track: Sequence[Point], rel: Relationship, radii: Mapping[str, float],
          names: Mapping[str, Box], dots: _Grid, lines: _Grid, gap: float) -> float:
    """How badly a line would sit: through dots (100 each), along another line (3 or more of
    its points close to that line: 50 each), across names (5 each)."""
    hit: set[object] = set()
    for point in track:
        for (x, y), key in dots.near(point):
            if key not in hit and key not in (rel.source_id, rel.target_id) and \
                    math.hypot(point[0] - x, point[1] - y) < radii[str(key)] + gap:
                hit.add(key)
    close: dict[object, int] = defaultdict(int)
    for point in track[2:-2]:
        for index in {index for (x, y), index in lines.near(point)
                      if math.hypot(point[0] - x, point[1] - y) < gap}:
            close[index] += 1
    extent = _extent(track)
    crossed = sum(1 for key, box in names.items() if key not in (rel.source_id, rel.target_id)
                  and _meet(extent, box) and any(_inside(p, box) for p in track))
    return 100.0 * len(hit) + 50.0 * sum(1 for n in close.values() if n >= 3) + 5.0 * crossed

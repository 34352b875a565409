"""The ``csv-plan`` exporter: every section of the plan as one long CSV table.

One row per value: ``plan``, ``section`` (its title), ``item`` (the list item a value belongs
to, named as :class:`kamcore.plan_words.PlanWords` names it: ``Growth bet 'Service share'``;
empty for a section's own fields), ``field`` (its schema title, nested fields joined with
:data:`kamcore.plan_words.SEPARATOR`) and ``value`` (a list of plain values on one line).
Sections come in the methodology's order (:func:`kamcore.shapes.iter_sections`); an empty
section gets one row with no field, so every section is listed. Cells are written by
:func:`kamcore.builtin.csv_table.render_table` (formulas neutralised, a byte-order mark unless
``bom: False``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..plan_words import SEPARATOR, PathPart, PlanWords
from ..plugin.contributions import ExportContext
from ..shapes import iter_sections
from .csv_table import render_table

COLUMNS = ("plan", "section", "item", "field", "value")


def _leaves(value: Any, path: tuple[PathPart, ...]) -> Iterator[tuple[tuple[PathPart, ...], Any]]:
    """Each plain value (or list of plain values) under ``value`` with its path."""
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _leaves(inner, (*path, str(key)))
    elif isinstance(value, list) and any(isinstance(v, (Mapping, list)) for v in value):
        for index, inner in enumerate(value):
            yield from _leaves(inner, (*path, index))
    else:
        yield path, value


def plan_rows(context: ExportContext) -> Iterator[list[Any]]:
    """The rows of the table (see the module docstring)."""
    plan = context.plan
    words = PlanWords.of(plan, context.methodology, context.snapshot.stakeholders)
    for key, title, data in iter_sections(plan, context.methodology):
        if data in (None, "", [], {}):
            yield [plan.id, title, "", "", ""]
            continue
        for path, value in _leaves(data, ("sections", key)):
            places = words.places(path)
            if places and not places[0][1]:  # the section's own title is in its column
                places = places[1:]
            last_item = max((n for n, (_word, item) in enumerate(places) if item), default=-1)
            yield [plan.id, title, SEPARATOR.join(w for w, _ in places[:last_item + 1]),
                   SEPARATOR.join(w for w, _ in places[last_item + 1:]), value]


def render_csv_plan(context: ExportContext) -> str:
    """The long table of every section."""
    return render_table(COLUMNS, plan_rows(context), context.options)

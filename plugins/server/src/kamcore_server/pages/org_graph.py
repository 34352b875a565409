"""The account page's org chart as graph data for Cytoscape.js (``static/kam-map.js`` draws it).

:func:`org_graph` turns an account's people and relationships into Cytoscape elements: one node
per stakeholder, one edge per relationship. The encodings are those of the HTML report's map
(:mod:`kamcore.builtin.html`): the fill is the person's support (same colours, grey when
unrated), the size their relationship strength (the same radius), and a placeholder is a hollow
dashed circle. The org chart's vertical runs by reporting line, so influence is written on the
node and a high influence (4 or 5, above the report's threshold line) gets a dark ring. A
*coverage gap* (:mod:`kamcore.coverage`: a relevant person without an active relationship) is
flagged for a halo.

A reporting line runs from the manager down to the person reporting (so a breadth-first layout
from the people without a manager draws the tree); every other edge runs as recorded. The page
puts the result, as JSON, in a ``data-graph`` attribute: no inline script.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from kamcore.coverage import is_active, is_relevant
from kamcore.model import Relationship, Stakeholder
from kamcore.stakeholder_map import map_people

#: Influence from which a person counts as highly influential (the report's threshold line).
HIGH_INFLUENCE = 4


def org_graph(people: Sequence[Stakeholder], relationships: Sequence[Relationship],
              today: date) -> dict[str, list[dict[str, Any]]]:
    """``{"nodes": [...], "edges": [...]}`` in Cytoscape's element format (see the module).

    Node data: ``id`` (the stakeholder id), ``label`` (name, title and influence on separate
    lines), ``colour``, ``size`` (the dot's diameter), ``summary`` (the report's tooltip line,
    plus the gap when there is one); classes ``placeholder``, ``gap``, ``high``. Edge data:
    ``id`` (the relationship id), ``source``, ``target``, ``type``, ``summary``; class: the
    type. Relationships naming someone who is not among ``people`` are left out.
    """
    from kamcore.builtin.html import (
        EDGE_LABELS,
        SUPPORT_COLOURS,
        UNRATED_COLOUR,
        dot_radius,
        person_summary,
    )

    records = {p.id: p for p in people}
    nodes = []
    for someone in map_people(people):
        record = records[someone.key]
        gap = is_relevant(record) and not is_active(record, today)
        influence = f"influence {someone.influence}" if someone.influence is not None \
            else "influence not rated"
        summary = person_summary(someone) + (
            " \u00b7 coverage gap: no active relationship" if gap else "")
        classes = [name for name, on in (
            ("placeholder", someone.placeholder), ("gap", gap),
            ("high", (someone.influence or 0) >= HIGH_INFLUENCE)) if on]
        nodes.append({"data": {
            "id": someone.key,
            "label": "\n".join(part for part in (someone.name, someone.title, influence) if part),
            "colour": SUPPORT_COLOURS.get(someone.support, UNRATED_COLOUR)
            if someone.support is not None else UNRATED_COLOUR,
            "size": round(2 * dot_radius(someone), 1), "summary": summary,
        }, "classes": " ".join(classes)})
    edges = []
    for line in relationships:
        if line.source_id not in records or line.target_id not in records:
            continue
        source, target = (line.target_id, line.source_id) if line.type == "reports_to" \
            else (line.source_id, line.target_id)
        summary = (f"{records[line.source_id].name} {EDGE_LABELS[line.type]} "
                   f"{records[line.target_id].name}")
        edges.append({"data": {"id": f"rel:{line.id}", "source": source, "target": target,
                               "type": line.type, "summary": summary},
                      "classes": line.type})
    return {"nodes": nodes, "edges": edges}

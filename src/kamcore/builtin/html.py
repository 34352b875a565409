"""The ``html`` exporter: one self-contained, safe-to-open review report per plan.

The report is a single HTML file with inline CSS and no script: no external asset, no network
(a Content-Security-Policy forbids both), readable on screen and in print. It shows the plan
at a glance (key figures, findings), the stakeholder map as inline SVG (support left to right,
influence bottom to top, colour by support, size by relationship strength, placeholders as
hollow dashed circles, reports-to / dotted-line / influence / conflict / informal edges), the
whitespace heatmap, objectives, actions, risks, score cards and reviews, the opportunities,
and the whole plan step by step. With the review pack options of :mod:`kamcore.reviewpack`
(``kam export --review-pack``) it also shows what changed since the last review and the
reviews due next.

Templates are Jinja2 with autoescaping on for every template (``templates/*.j2``): everything
taken from the data is escaped, including inside SVG text and attributes. Geometry is computed
here and values are formatted with :mod:`kamcore.rendering` (as in every exporter), so the
templates only place values. Jinja2 is imported inside functions so that loading the plugin
(and ``kam --help``) stays cheap.

:func:`render_portfolio` writes the index page of ``kam export --all --format html``.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from ..plan_words import PlanWords
from ..plugin.contributions import ExportContext
from ..rendering import (
    compact,
    counted,
    flat,
    full_number,
    label,
    person,
    score,
    signed,
    unnumbered,
    when,
)
from ..shapes import PlanItems, find_items, iter_sections
from ..snapshot import cards_by_rubric
from ..stakeholder_map import MapPerson, map_layout, map_people, map_routes

if TYPE_CHECKING:
    from jinja2 import Environment

    from ..model import ScoreCard, Stakeholder

WHITESPACE_STATES: tuple[str, ...] = ("owned", "pipeline", "potential", "blocked",
                                      "competitor", "n.a.")
STATE_LABELS = {"owned": "Owned", "pipeline": "Pipeline", "potential": "Potential",
                "blocked": "Blocked", "competitor": "Competitor", "n.a.": "n/a"}
STATE_CSS = {"owned": "ws-owned", "pipeline": "ws-pipeline", "potential": "ws-potential",
             "blocked": "ws-blocked", "competitor": "ws-competitor", "n.a.": "ws-na"}
#: Diverging, colour-blind-safe palette (ColorBrewer RdBu) for support -2..+2.
SUPPORT_COLOURS = {-2: "#b2182b", -1: "#ef8a62", 0: "#8c939d", 1: "#67a9cf", 2: "#2166ac"}
SUPPORT_LABELS = {-2: "Opposes", -1: "Sceptical", 0: "Neutral", 1: "Supports", 2: "Sponsors"}
UNRATED_COLOUR = "#c3c8cf"
EDGE_TYPES = ("reports_to", "dotted_line", "influences", "conflicts", "informal")
EDGE_LABELS = {"reports_to": "reports to", "dotted_line": "has a dotted line to",
               "influences": "influences",
               "conflicts": "conflicts with", "informal": "informal link"}
STATUS_LABELS = {"open": "Open", "in_progress": "In progress", "done": "Done",
                 "blocked": "Blocked", "cancelled": "Cancelled"}


# -- the stakeholder map ---------------------------------------------------------------------


def _short(name: str, limit: int) -> str:
    """A name shortened for a crowded chart: first name and last initial, then truncated."""
    text = " ".join(name.split())
    if len(text) <= limit:
        return text
    parts = [p for p in text.split(" ") if not p.endswith(".")] or text.split(" ")
    if len(parts) > 1:
        text = f"{parts[0]} {parts[-1][:1]}."
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


@attrs.frozen
class MapNode:
    key: str
    x: float
    y: float
    r: float
    fill: str
    label: str
    tooltip: str
    assessed_in_plan: bool
    placeholder: bool
    label_x: float
    label_y: float


@attrs.frozen
class MapEdge:
    type: str
    path: str
    tooltip: str


@attrs.frozen
class StakeholderMap:
    """Everything the SVG template places, in SVG user units."""

    width: int
    height: int
    left: int
    top: int
    col_width: int
    row_height: int
    cells: tuple[tuple[float, float, str], ...]
    columns: tuple[tuple[float, str, str], ...]
    rows: tuple[tuple[float, str], ...]
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]
    unrated: tuple[str, ...]
    edge_counts: Mapping[str, int]

    @property
    def plot_width(self) -> int:
        return self.col_width * 5

    @property
    def plot_height(self) -> int:
        return self.row_height * 5

    @property
    def threshold_y(self) -> float:
        """The line between influence 3 and 4 (above it: high influence)."""
        return self.top + 2 * self.row_height


def stakeholder_map(context: ExportContext, items: PlanItems) -> StakeholderMap:
    """Place everyone the records or the plan's map hold (:mod:`kamcore.stakeholder_map`)."""
    left, top, col_width, row_height = 104, 12, 150, 88
    width, height = left + 5 * col_width + 24, top + 5 * row_height + 64
    snapshot = context.snapshot
    people = map_people(snapshot.stakeholders, items.people)
    cells: list[tuple[float, float, str]] = []
    for col in range(5):
        for row in range(5):
            support, high = col - 2, row < 2
            tone = ("neg" if support < 0 else "pos" if support > 0 else "mid") + (
                "-high" if high else "")
            cells.append((left + col * col_width, top + row * row_height, tone))
    columns = tuple((left + (col + 0.5) * col_width, signed(col - 2),
                     SUPPORT_LABELS[col - 2]) for col in range(5))
    rows = tuple((top + (5 - level + 0.5) * row_height, str(level)) for level in range(5, 0, -1))

    rated = [someone for someone in people if someone.rated]
    spots = map_layout(rated, left, top, col_width, row_height)
    per_cell = Counter((someone.support, someone.influence) for someone in rated)
    radii = {p.key: dot_radius(p) for p in rated}
    labels = {p.key: _short(p.name, 13 if per_cell[(p.support, p.influence)] > 1 else 24)
              for p in rated}
    sizes = {key: (6.8 * len(text) + 6, 15.0) for key, text in labels.items()}
    corners = [(left + 4.0, top + 4.0, left + 214.0, top + 22.0),  # the quadrant captions
               (left + 5 * col_width - 234.0, top + 4.0, left + 5 * col_width - 4.0, top + 22.0)]
    routes, places = map_routes(spots, radii, snapshot.relationships, sizes, gap=6.0,
                                keep_clear=corners, bounds=(0, 0, width, height))
    nodes = tuple(MapNode(
        p.key, round(spots[p.key][0], 1), round(spots[p.key][1], 1), radii[p.key],
        SUPPORT_COLOURS[p.support or 0], labels[p.key], person_summary(p),
        p.record is None, p.placeholder, round(places[p.key].x, 1),
        round(places[p.key].y + 4, 1)) for p in rated)

    names = {p.key: p.name for p in people}
    counts: dict[str, int] = dict.fromkeys(EDGE_TYPES, 0)
    for rel in snapshot.relationships:
        counts[rel.type] = counts.get(rel.type, 0) + 1
    edges = tuple(MapEdge(
        route.relationship.type, route.svg_path(),
        f"{names.get(route.relationship.source_id, route.relationship.source_id)} "
        f"{EDGE_LABELS[route.relationship.type]} "
        f"{names.get(route.relationship.target_id, route.relationship.target_id)}"
        + (f" \u2014 {route.relationship.note}" if route.relationship.note else ""))
        for route in routes)
    return StakeholderMap(width, height, left, top, col_width, row_height, tuple(cells),
                          columns, rows, nodes, edges,
                          tuple(p.name for p in people if not p.rated), counts)


def dot_radius(someone: MapPerson) -> float:
    """The radius of a person's dot in SVG pixels: larger the stronger our relationship (an
    unknown strength counts as 2), and a placeholder's hollow circle never smaller than 12."""
    strength = someone.strength if someone.strength is not None else 2
    return max(7.0 + 1.4 * strength, 12.0 if someone.placeholder else 0.0)


def person_summary(someone: MapPerson) -> str:
    """One line about a person on the map (their tooltip): name, title, unit, role, influence,
    support, our owner, and whether they are a placeholder or assessed in the plan."""
    record = someone.record
    return " \u00b7 ".join(part for part in (
        someone.name, someone.title, record.business_unit if record else None, someone.role,
        f"influence {someone.influence}" if someone.influence is not None else None,
        f"support {signed(someone.support)}" if someone.support is not None else None,
        f"our owner {record.seller_owner}" if record and record.seller_owner else None,
        "placeholder: the person is not known yet" if someone.placeholder else None,
        "assessed in the plan" if someone.in_plan else None) if part)


# -- whitespace ------------------------------------------------------------------------------


@attrs.frozen
class HeatCell:
    state: str
    state_label: str
    css: str
    value: str
    value_full: str
    note: str


@attrs.frozen
class Heatmap:
    business_units: tuple[str, ...]
    product_lines: tuple[str, ...]
    grid: Mapping[tuple[str, str], tuple[HeatCell, ...]]
    totals: tuple[tuple[str, str, str, str, int], ...]
    row_totals: Mapping[str, str]

    def cells(self, business_unit: str, product_line: str) -> tuple[HeatCell, ...]:
        return self.grid.get((business_unit, product_line), ())


def heatmap(context: ExportContext, items: PlanItems) -> Heatmap | None:
    """Business unit x product line, each cell by state with its value; None without cells."""
    if not items.whitespace:
        return None
    units = list(dict.fromkeys(c.model.business_unit for c in items.whitespace))
    units += sorted(u for u in context.snapshot.account.business_units if u not in units)
    lines = list(dict.fromkeys(c.model.product_line for c in items.whitespace))
    grid: dict[tuple[str, str], list[HeatCell]] = defaultdict(list)
    open_value: dict[str, float] = defaultdict(float)
    for cell in items.whitespace:
        shape = cell.model
        grid[(shape.business_unit, shape.product_line)].append(HeatCell(
            shape.state, STATE_LABELS[shape.state], STATE_CSS[shape.state], compact(shape.value),
            full_number(shape.value), shape.note or ""))
        if shape.state in ("pipeline", "potential") and shape.value:
            open_value[shape.business_unit] += shape.value
    totals = []
    for state in WHITESPACE_STATES:
        found = [c for c in items.whitespace if c.model.state == state]
        if found:
            value = sum(c.model.value or 0 for c in found)
            totals.append((STATE_LABELS[state], STATE_CSS[state], compact(value) if value else "",
                           full_number(value), len(found)))
    return Heatmap(tuple(units), tuple(lines), {k: tuple(v) for k, v in grid.items()},
                   tuple(totals), {u: compact(v) for u, v in open_value.items()})


# -- score cards -----------------------------------------------------------------------------


@attrs.frozen
class Criterion:
    label: str
    value: str
    percent: float
    entered: bool


@attrs.frozen
class CardView:
    rubric: str
    version: str
    total: str
    band: str
    scored_at: str
    criteria: tuple[Criterion, ...]
    explanation: tuple[str, ...]
    previous: str
    delta: str
    delta_tone: str
    history: int


def _card_view(history: Sequence[ScoreCard]) -> CardView:
    """The latest card of one rubric's ``history`` (oldest first), against the one before."""
    card, previous = history[-1], history[-2] if len(history) > 1 else None
    top = max([5.0, *card.values.values()])
    criteria = tuple(Criterion(label(key), score(value),
                               round(max(0.0, min(1.0, value / top)) * 100, 1),
                               key in card.inputs) for key, value in card.values.items())
    delta, tone = "", ""
    if previous is not None:
        change = card.total - previous.total
        delta = signed(round(change, 2)) if abs(change) >= 0.005 else "\u00b10"
        tone = "up" if change > 0.005 else "down" if change < -0.005 else "flat"
    return CardView(card.rubric.name, card.rubric.version, score(card.total), card.band or "",
                    when(card.scored_at), criteria, tuple(card.explanation),
                    score(previous.total) if previous else "", delta, tone, len(history))


# -- the whole report ------------------------------------------------------------------------


def _step_views(context: ExportContext) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The methodology's steps with their sections, and sections outside any step."""
    plan, methodology = context.plan, context.methodology
    sections = {key: {"key": key, "title": title, "data": data,
                      "filled": data not in (None, [], {}, ""),
                      "description": (methodology.section(key).description
                                      if methodology is not None and
                                      key in {s.key for s in methodology.sections} else "")}
                for key, title, data in iter_sections(plan, methodology)}
    if methodology is None:
        return [], list(sections.values())
    keys = [step.key for step in methodology.steps]
    current = keys.index(plan.step) if plan.step in keys else -1
    steps: list[dict[str, Any]] = []
    shown: set[str] = set()
    for index, step in enumerate(methodology.steps):
        state = "current" if index == current else "done" if index < current else "todo"
        step_sections = [sections[key] for key in step.sections if key in sections]
        shown.update(step.sections)
        steps.append({"number": index + 1, "key": step.key, "title": unnumbered(step.title),
                      "purpose": step.purpose, "state": state, "sections": step_sections,
                      "gate": step.gate.message if step.gate else ""})
    return steps, [s for key, s in sections.items() if key not in shown]


def _objective_titles(items: PlanItems) -> dict[str, str]:
    return {str(o.model.id): o.model.title for o in items.objectives}


def _action_rows(items: PlanItems, as_of: date) -> list[dict[str, Any]]:
    objectives = _objective_titles(items)
    rows = []
    for item in items.actions:
        action = item.model
        closed = action.status in ("done", "cancelled")
        overdue = bool(action.due and action.due < as_of and not closed)
        objective = action.objective or ""
        rows.append({
            "title": action.title, "owner": action.owner or "",
            "customer_owner": action.customer_owner or "", "due": when(action.due),
            "due_iso": action.due.isoformat() if action.due else "",
            "status": action.status, "status_label": STATUS_LABELS[action.status],
            "overdue": overdue, "closed": closed,
            "objective": (f"{objective}: {objectives[objective]}" if objective in objectives
                          else objective),
            "section": item.section,
        })
    rows.sort(key=lambda r: (r["closed"], r["due_iso"] or "9999", r["title"]))
    return rows


def _objective_rows(items: PlanItems) -> list[dict[str, Any]]:
    actions_by_objective: dict[str, int] = defaultdict(int)
    for action in items.actions:
        if action.model.objective:
            actions_by_objective[action.model.objective] += 1
    rows = []
    for item in items.objectives:
        objective = item.model
        signoff = objective.customer_signoff
        rows.append({
            "id": objective.id, "title": objective.title,
            "description": objective.description or "", "measure": objective.measure or "",
            "target": objective.target or "", "due": when(objective.due),
            "signoff": (f"{signoff.name}{', ' + signoff.title if signoff.title else ''}, "
                        f"{when(signoff.date)}" if signoff else ""),
            "actions": actions_by_objective.get(str(objective.id), 0),
        })
    return rows


def _risk_rows(items: PlanItems) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for item in items.risks:
        risk = item.model
        exposure = risk.likelihood * risk.impact
        rows.append({"title": risk.title, "category": risk.category or "",
                     "likelihood": risk.likelihood, "impact": risk.impact, "exposure": exposure,
                     "level": "high" if exposure >= 15 else "medium" if exposure >= 8 else "low",
                     "mitigation": risk.mitigation or "", "owner": risk.owner or ""})
    rows.sort(key=lambda r: -int(r["exposure"]))
    return rows


def _stakeholder_rows(stakeholders: Sequence[Stakeholder], as_of: date) -> list[dict[str, Any]]:
    rows = []
    for s in sorted(stakeholders, key=lambda s: (-(s.influence or 0), s.name.casefold())):
        days = (as_of - s.last_contact).days if s.last_contact else None
        rows.append({
            "name": person(s), "placeholder": s.placeholder, "title": s.title or "",
            "business_unit": s.business_unit or "",
            "roles": ", ".join(label(r) for r in sorted(s.roles)),
            "influence": s.influence, "support": signed(s.support),
            "support_colour": SUPPORT_COLOURS.get(s.support, UNRATED_COLOUR)
            if s.support is not None else UNRATED_COLOUR,
            "strength": s.relationship_strength, "owner": s.seller_owner or "",
            "last_contact": when(s.last_contact),
            "stale": not s.placeholder and days is not None and days > 90,
            "days": days,
        })
    return rows


def _review_pack(options: Mapping[str, Any]) -> dict[str, Any] | None:
    """The review-pack part of the options (see :mod:`kamcore.reviewpack`), made safe to
    place: plain strings, dates formatted; None when the options hold none of it."""
    changes = options.get("changes_since_review")
    if not options.get("review_pack") and not isinstance(changes, list):
        return None
    last = options.get("last_review")
    due = options.get("due")
    summary = options.get("summary")
    return {
        "summary": [part.strip() for part in str(summary).split("\n\n") if part.strip()]
        if summary else [],
        "since": str(options.get("changes_since") or ""),
        "has_changes": isinstance(changes, list),
        "changes": [str(text) for text in changes] if isinstance(changes, list) else [],
        "last": {
            "kind": label(last.get("kind") or ""), "date": when(str(last.get("date") or "")),
            "number": str(last.get("number") or ""),
            "revision": str(last.get("plan_revision") or ""),
            "decisions": [str(d) for d in last.get("decisions") or []],
        } if isinstance(last, Mapping) else None,
        "has_due": isinstance(due, list),
        "due": [{
            "title": str(d.get("title") or d.get("kind") or ""),
            "every": str(d.get("every") or ""),
            "last": when(str(d["last"])) if d.get("last") else "never",
            "due": when(str(d.get("due") or "")), "overdue": bool(d.get("overdue")),
            "days": str(d.get("days_overdue") or ""),
        } for d in due if isinstance(d, Mapping)] if isinstance(due, list) else [],
    }


@attrs.frozen
class PlanSummary:
    """One plan's line on the portfolio page."""

    plan_id: str
    account: str
    account_id: str
    tier: str
    owner: str
    methodology: str
    period: str
    step: str
    step_number: int
    step_count: int
    stakeholders: int
    open_actions: int
    overdue_actions: int
    pipeline: float
    whitespace_open: float
    errors: int
    warnings: int
    infos: int
    score: str
    band: str
    score_rubric: str
    revision: int


def plan_summary(context: ExportContext, items: PlanItems | None = None) -> PlanSummary:
    """The figures the portfolio page shows for one plan."""
    items = items if items is not None else find_items(context.plan, context.methodology)
    plan, snapshot, methodology = context.plan, context.snapshot, context.methodology
    as_of = context.as_of
    step_title, number, count = plan.step, 0, 0
    if methodology is not None:
        keys = [s.key for s in methodology.steps]
        count = len(keys)
        if plan.step in keys:
            number = keys.index(plan.step) + 1
            step_title = unnumbered(methodology.steps[number - 1].title)
    card = next((cards[-1] for cards in cards_by_rubric(snapshot.score_cards,
                                                          plan_id=plan.id).values()), None)
    severities = [f.severity for f in context.findings]
    return PlanSummary(
        plan_id=plan.id, account=snapshot.account.name, account_id=snapshot.account.id,
        tier=snapshot.account.tier or "", owner=snapshot.account.owner or "",
        methodology=methodology.title if methodology else f"{plan.methodology.name} "
                                                          f"(not installed)",
        period=plan.period or "", step=step_title, step_number=number, step_count=count,
        stakeholders=len(snapshot.stakeholders), open_actions=len(items.open_actions()),
        overdue_actions=len(items.overdue_actions(as_of)),
        pipeline=sum(o.amount or 0 for o in snapshot.opportunities if o.status == "open"),
        whitespace_open=items.whitespace_value("pipeline", "potential"),
        errors=severities.count("error"), warnings=severities.count("warning"),
        infos=severities.count("info"), score=score(card.total) if card else "",
        band=(card.band or "") if card else "", score_rubric=card.rubric.name if card else "",
        revision=plan.revision,
    )


def _metric_rows(context: ExportContext) -> tuple[str, list[dict[str, str]]]:
    """The account's programme metrics in the quarter of ``as_of`` (:mod:`kamcore.metrics`):
    the quarter, and per metric with data its value, the quarter before, trend and target."""
    from ..metrics import account_metrics

    quarter, values = account_metrics(context.snapshot, context.methodology, context.as_of)
    return str(quarter), [
        {"title": v.metric.title, "value": v.metric.format(v.value),
         "previous": v.metric.format(v.previous), "trend": v.trend,
         "target": v.metric.target.text if v.metric.target else "", "status": v.status}
        for v in values]


def report_data(context: ExportContext) -> dict[str, Any]:
    """The values the report template places (exposed for tests and other HTML writers)."""
    plan, snapshot, methodology = context.plan, context.snapshot, context.methodology
    as_of = context.as_of
    items = find_items(plan, methodology)
    summary = plan_summary(context, items)
    steps, loose_sections = _step_views(context)
    findings = sorted(context.findings, key=lambda f: f.sort_key())
    words = PlanWords.of(plan, methodology, snapshot.stakeholders)
    cards = [_card_view(history) for history in
             cards_by_rubric(snapshot.score_cards, plan_id=plan.id).values()]
    reviews = sorted(snapshot.reviews_of(plan.id), key=lambda r: r.date, reverse=True)
    names = {s.id: person(s) for s in snapshot.stakeholders}
    people = map_people(snapshot.stakeholders, items.people)
    open_opps = [o for o in snapshot.opportunities if o.status == "open"]
    kpis = [
        {"label": "Stakeholders", "value": str(len(people)),
         "hint": f"{sum(1 for p in people if (p.support or 0) > 0)} supportive, "
                 f"{sum(1 for p in people if (p.support or 0) < 0)} opposed",
         "tone": ""},
        {"label": "Open pipeline", "value": compact(summary.pipeline) or "0",
         "hint": counted(len(open_opps), "open opportunity", "open opportunities"),
         "tone": ""},
        {"label": "Whitespace to win", "value": compact(summary.whitespace_open) or "0",
         "hint": "pipeline + potential cells", "tone": ""},
        {"label": "Open actions", "value": str(summary.open_actions),
         "hint": f"{summary.overdue_actions} overdue" if summary.overdue_actions
         else "none overdue", "tone": "bad" if summary.overdue_actions else ""},
        {"label": "Findings", "value": str(len(findings)),
         "hint": f"{summary.errors} errors, {summary.warnings} warnings, {summary.infos} info",
         "tone": "bad" if summary.errors else "warn" if summary.warnings else "good"},
    ]
    quarter, metrics = _metric_rows(context)
    return {
        "as_of": when(as_of),
        "quarter": quarter,
        "metrics": metrics,
        "pack": _review_pack(context.options),
        "plan": plan,
        "account": snapshot.account,
        "account_revenue": compact(snapshot.account.annual_revenue),
        "business_units": ", ".join(sorted(snapshot.account.business_units)),
        "methodology": methodology,
        "methodology_label": (f"{methodology.title} ({plan.methodology.name} "
                              f"{plan.methodology.version})" if methodology else
                              f"{plan.methodology.name} {plan.methodology.version} "
                              f"(not installed)"),
        "updated": when(plan.updated_at),
        "summary": summary,
        "kpis": kpis,
        "steps": steps,
        "loose_sections": loose_sections,
        "findings": findings,
        "finding_places": [words.where(f) for f in findings],
        "map": stakeholder_map(context, items),
        "map_count": len(people),
        "support_legend": [(signed(k), SUPPORT_LABELS[k], v) for k, v in
                           sorted(SUPPORT_COLOURS.items(), reverse=True)],
        "stakeholders": _stakeholder_rows(snapshot.stakeholders, as_of),
        "relationships": [{"source": names.get(r.source_id, r.source_id),
                           "type": EDGE_LABELS[r.type], "kind": r.type,
                           "target": names.get(r.target_id, r.target_id), "note": r.note or ""}
                          for r in snapshot.relationships],
        "heatmap": heatmap(context, items),
        "state_legend": [(STATE_LABELS[s], STATE_CSS[s]) for s in WHITESPACE_STATES],
        "objectives": _objective_rows(items),
        "actions": _action_rows(items, as_of),
        "risks": _risk_rows(items),
        "cards": cards,
        "reviews": [{"date": when(r.date), "kind": label(r.review_kind),
                     "attendees": ", ".join(r.attendees), "revision": r.plan_revision,
                     "decisions": list(r.decisions), "notes": r.notes or "",
                     "cards": [f"{c.rubric.name} {score(c.total)}"
                               + (f" ({c.band})" if c.band else "") for c in r.score_cards]}
                    for r in reviews],
        "opportunities": [{"name": o.name, "stage": o.stage or "", "status": o.status,
                           "amount": compact(o.amount), "amount_full": full_number(o.amount),
                           "currency": o.currency or "", "close": when(o.close_date),
                           "probability": score(o.probability), "product_line":
                           o.product_line or "", "business_unit": o.business_unit or ""}
                          for o in sorted(snapshot.opportunities,
                                          key=lambda o: (o.status != "open",
                                                         o.close_date or date.max))],
    }


# -- rendering -------------------------------------------------------------------------------


def _is_table(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    columns: list[str] = []
    for row in rows:
        columns.extend(str(k) for k in row if str(k) not in columns)
    return columns


def _is_scalar_list(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(v, (Mapping, list)) for v in value)


@functools.cache
def environment() -> Environment:
    """The Jinja2 environment: package templates, autoescaping everywhere, strict undefined."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("kamcore.builtin", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(compact=compact, full_number=full_number, score=score, label=label,
                       flat=flat, when=when, signed=signed)
    env.tests.update(table=_is_table, scalar_list=_is_scalar_list,
                     mapping=lambda v: isinstance(v, Mapping))
    env.globals.update(columns=_columns)
    return env


def render_html(context: ExportContext) -> str:
    """The plan's report as one self-contained HTML document."""
    return environment().get_template("report.html.j2").render(**report_data(context))


def render_portfolio(entries: Sequence[tuple[PlanSummary, str]], *,
                     as_of: date | None = None, title: str = "Account portfolio") -> str:
    """The index page: one row per plan (``(summary, relative link)``), with totals."""
    from urllib.parse import quote

    rows = [{"s": summary, "href": quote(href)} for summary, href in
            sorted(entries, key=lambda e: (e[0].account.casefold(), e[0].plan_id))]
    summaries = [summary for summary, _ in entries]
    totals = {
        "plans": len(summaries),
        "accounts": len({s.account_id for s in summaries}),
        "pipeline": compact(sum(s.pipeline for s in summaries)) or "0",
        "whitespace": compact(sum(s.whitespace_open for s in summaries)) or "0",
        "open_actions": sum(s.open_actions for s in summaries),
        "overdue": sum(s.overdue_actions for s in summaries),
        "errors": sum(s.errors for s in summaries),
        "warnings": sum(s.warnings for s in summaries),
        "with_errors": sum(1 for s in summaries if s.errors),
    }
    return environment().get_template("index.html.j2").render(
        title=title, as_of=when(as_of or date.today()), rows=rows, totals=totals)


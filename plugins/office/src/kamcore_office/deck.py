"""The ``pptx`` exporter: a review deck for the plan (python-pptx, 16:9).

Slides, in order: the title; Summary (key facts, key figures, top findings); Stakeholder map
(support left to right, influence bottom to top, colour by support, size by relationship
strength, reports-to and influence arrows, conflict and informal lines); Whitespace (the
business unit x product line grid by state, with values); Objectives and actions; Risks (when
the plan has any); Scores (the latest card of each rubric, with the change since the card
before); Changes since the last review (when the plan was reviewed: the review's decisions,
its score cards against today's, actions that came due and objectives signed off since); What
changed in the plan (with the review-pack options of ``kam export --review-pack``: every change
since the last review, in words); Findings (when there are any). Long tables continue on
further slides.

All text from the data is plain text in the slide XML (python-pptx escapes it); control
characters XML cannot hold are dropped.
"""

from __future__ import annotations

import io
import math
from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from kamcore.plan_words import PlanWords
from kamcore.plugin.contributions import ExportContext
from kamcore.rendering import compact, counted, label, score, signed, step_title, when
from kamcore.shapes import PlanItems, find_items
from kamcore.snapshot import cards_by_rubric
from kamcore.stakeholder_map import map_layout, map_people, map_routes

from .facts import (
    STATE_COLOURS,
    STATE_LABELS,
    SUPPORT_COLOURS,
    SUPPORT_LABELS,
    clean,
    review_changes,
)

if TYPE_CHECKING:
    from pptx.slide import Slide

INK, MUTED, ACCENT, NAVY = "1B2330", "5A6473", "1F5FA8", "15253D"
LINE, ZEBRA = "E2E6EC", "F6F8FA"
EDGE_STYLES = {  # colour, width (pt), dash, arrow
    "reports_to": ("3B4656", 1.5, None, True),
    "dotted_line": ("3B4656", 2.0, "round_dot", True),
    "influences": ("6D3FC0", 1.5, "dash", True),
    "conflicts": ("B2182B", 1.75, "round_dot", False),
    "informal": ("9AA3AE", 1.5, "round_dot", False),
}
EDGE_LABELS = {"reports_to": "reports to", "dotted_line": "dotted line to",
               "influences": "influences",
               "conflicts": "conflicts with", "informal": "informal link"}
CELL_TINTS = {"neg": ("FBE6E3", "FDF3F1"), "mid": ("EDF0F4", "F7F8FA"),
              "pos": ("E1ECF8", "F1F6FB")}

SLIDE_TITLES = {
    "summary": "Summary", "map": "Stakeholder map", "whitespace": "Whitespace",
    "objectives": "Objectives and actions", "risks": "Risks", "scores": "Scores",
    "changes": "Changes since the last review", "plan_changes": "What changed in the plan",
    "findings": "Findings",
}


def _rgb(value: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(value)  # type: ignore[no-untyped-call]


class Deck:
    """A 16:9 presentation with the kamcore look: titles, tables, text and footers."""

    def __init__(self, context: ExportContext) -> None:
        from pptx import Presentation
        from pptx.util import Inches

        self.context = context
        self.prs: Any = Presentation()
        self.prs.slide_width = Inches(13.333)
        self.prs.slide_height = Inches(7.5)
        plan = context.plan
        self.footer = clean(f"{context.snapshot.account.name} \u00b7 {plan.id} revision "
                            f"{plan.revision} \u00b7 as of {when(context.as_of)}")

    # -- building blocks ---------------------------------------------------------------------

    def slide(self, title: str, *, frame: bool = True) -> Slide:
        """A slide with a styled title (a real title placeholder), accent rule and footer."""
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Inches, Pt

        slide: Slide = self.prs.slides.add_slide(self.prs.slide_layouts[5])
        heading = slide.shapes.title
        assert heading is not None  # the "Title Only" layout has a title
        heading.left, heading.top = Inches(0.6), Inches(0.3)
        heading.width, heading.height = Inches(12.1), Inches(0.8)
        text_frame = heading.text_frame
        text_frame.text = clean(title)
        text_frame.word_wrap = True
        paragraph = text_frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size = Pt(fitted_size(title, 28, 12.1, 1))
            run.font.bold = True
            run.font.color.rgb = _rgb(NAVY)
        if not frame:
            return slide
        self.box(slide, 0.6, 1.08, 1.1, 0.06, ACCENT)
        number = len(self.prs.slides)
        self.text(slide, 0.6, 7.0, 10.5, 0.3, [self.footer], size=10, colour=MUTED)
        self.text(slide, 11.7, 7.0, 1.0, 0.3, [str(number)], size=10, colour=MUTED,
                  align="right")
        return slide

    def box(self, slide: Slide, x: float, y: float, w: float, h: float, fill: str, *,
            outline: str | None = None, shape: str = "rectangle") -> Any:
        from pptx.enum.shapes import MSO_SHAPE
        from pptx.util import Inches, Pt

        kind = {"rectangle": MSO_SHAPE.RECTANGLE, "rounded": MSO_SHAPE.ROUNDED_RECTANGLE,
                "oval": MSO_SHAPE.OVAL}[shape]
        item = slide.shapes.add_shape(kind, Inches(x), Inches(y), Inches(w), Inches(h))
        item.fill.solid()
        item.fill.fore_color.rgb = _rgb(fill)
        if outline is None:
            item.line.fill.background()
        else:
            item.line.color.rgb = _rgb(outline)
            item.line.width = Pt(1.25)
        item.shadow.inherit = False
        return item

    def text(self, slide: Slide, x: float, y: float, w: float, h: float,
             lines: Sequence[str | tuple[str, dict[str, Any]]], *, size: float = 14,
             colour: str = INK, bold: bool = False, align: str = "left",
             anchor: str = "top") -> Any:
        """A text box; each line a paragraph, optionally ``(text, {size, bold, colour})``."""
        from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
        from pptx.util import Inches, Pt

        box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
        frame = box.text_frame
        frame.word_wrap = True
        frame.margin_left = frame.margin_right = Inches(0.04)
        frame.margin_top = frame.margin_bottom = Inches(0.02)
        frame.vertical_anchor = {"top": MSO_ANCHOR.TOP, "middle": MSO_ANCHOR.MIDDLE,
                                 "bottom": MSO_ANCHOR.BOTTOM}[anchor]
        for index, line in enumerate(lines):
            content, style = (line, {}) if isinstance(line, str) else line
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.alignment = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER,
                                   "right": PP_ALIGN.RIGHT}[align]
            run = paragraph.add_run()
            run.text = clean(content)
            run.font.size = Pt(style.get("size", size))
            run.font.bold = style.get("bold", bold)
            run.font.color.rgb = _rgb(style.get("colour", colour))
            if style.get("space"):
                paragraph.space_before = Pt(style["space"])
        return box

    def table(self, slide: Slide, x: float, y: float, widths: Sequence[float],
              headers: Sequence[str], rows: Sequence[Sequence[Any]], *, size: float = 11,
              fills: Sequence[Sequence[tuple[str, str] | None]] | None = None,
              row_height: float = 0.36) -> float:
        """A table with a dark header and zebra rows; returns its height in inches."""
        from pptx.util import Inches

        height = row_height * (len(rows) + 1)
        shape = slide.shapes.add_table(len(rows) + 1, len(headers), Inches(x), Inches(y),
                                       Inches(sum(widths)), Inches(height))
        grid = shape.table
        for index, width in enumerate(widths):
            grid.columns[index].width = Inches(width)
        for index in range(len(rows) + 1):
            grid.rows[index].height = Inches(row_height)
        for column, header in enumerate(headers):
            self._cell(grid.cell(0, column), header, size=size - 1, bold=True,
                       colour="FFFFFF", fill=NAVY)
        for r, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                special = fills[r - 1][column] if fills else None
                fill, ink = special if special else (ZEBRA if r % 2 == 0 else "FFFFFF", INK)
                self._cell(grid.cell(r, column), value, size=size, colour=ink, fill=fill,
                           bold=bool(special))
        return height

    @staticmethod
    def _cell(cell: Any, value: Any, *, size: float, colour: str, fill: str,
              bold: bool = False) -> None:
        from pptx.util import Inches, Pt

        cell.fill.solid()
        cell.fill.fore_color.rgb = _rgb(fill)
        cell.margin_left = cell.margin_right = Inches(0.06)
        cell.margin_top = cell.margin_bottom = Inches(0.03)
        frame = cell.text_frame
        frame.word_wrap = True
        lines = clean("" if value is None else value).split("\n")
        for index, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            run = paragraph.add_run()
            run.text = line
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.color.rgb = _rgb(colour)

    def paged(self, title: str, widths: Sequence[float], headers: Sequence[str],
              rows: Sequence[Sequence[Any]], per_slide: int, *, y: float = 1.4,
              size: float = 11, continued: str | None = None) -> None:
        """A table over as many slides as it needs (titled ``continued``, by default
        "<title> (continued)", after the first)."""
        pages = max(1, math.ceil(len(rows) / per_slide))
        for page in range(pages):
            slide = self.slide(title if page == 0 else continued or f"{title} (continued)")
            chunk = rows[page * per_slide:(page + 1) * per_slide]
            self.table(slide, 0.6, y, widths, headers, chunk, size=size)

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


def fitted_size(text: str, largest: float, width: float, lines: int,
                smallest: float = 16) -> float:
    """The largest font size (points, at most ``largest``, at least ``smallest``) at which
    ``text`` fits ``lines`` lines of ``width`` inches (an average character is taken as 0.55
    of the size wide, a word never split)."""
    size = largest
    while size > smallest:
        per_line = width * 72 / (0.55 * size)
        used, count = 0.0, 1
        for word in text.split():
            need = len(word) + (1 if used else 0)
            if used + need > per_line and used:
                count, used = count + 1, len(word)
            else:
                used += need
        if count <= lines:
            break
        size -= 1
    return size


def _truncate(text: str | None, limit: int) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


# -- slides -----------------------------------------------------------------------------------


def _title_slide(deck: Deck) -> None:
    context = deck.context
    plan, account, methodology = context.plan, context.snapshot.account, context.methodology
    from pptx.util import Inches, Pt

    slide = deck.slide(f"Account plan review: {account.name}", frame=False)
    band = deck.box(slide, 0, 0, 13.333, 7.5, NAVY)
    tree = slide.shapes._spTree
    tree.remove(band._element)
    tree.insert(2, band._element)  # behind everything
    deck.box(slide, 0.6, 3.05, 1.4, 0.07, "6FA8E8")
    title = slide.shapes.title
    assert title is not None
    title.top, title.height = Inches(1.5), Inches(1.4)
    for run in title.text_frame.paragraphs[0].runs:
        run.font.color.rgb = _rgb("FFFFFF")
        run.font.size = Pt(fitted_size(title.text_frame.text, 36, 12.0, 2, smallest=20))
    lines: list[str | tuple[str, dict[str, Any]]] = [
        (methodology.title if methodology else f"{plan.methodology.name} (not installed)",
         {"size": 20, "bold": True, "colour": "FFFFFF"}),
        (f"{plan.methodology.name} {plan.methodology.version}"
         + (f" \u00b7 period {plan.period}" if plan.period else ""), {"colour": "DBE4F0"}),
        (f"Current step: {step_title(context)}", {"colour": "DBE4F0"}),
        (f"Plan {plan.id}, revision {plan.revision} \u00b7 as of {when(context.as_of)}",
         {"colour": "B9C7DA", "size": 14}),
    ]
    deck.text(slide, 0.6, 3.3, 12.0, 2.4, lines, size=16)


def _summary_slide(deck: Deck, items: PlanItems) -> None:
    context = deck.context
    snapshot, account = context.snapshot, context.snapshot.account
    today = context.as_of
    slide = deck.slide(SLIDE_TITLES["summary"])
    facts = [("Industry", account.industry), ("Tier", label(account.tier or "")),
             ("Account manager", account.owner),
             ("Annual revenue", compact(account.annual_revenue)),
             ("Business units", ", ".join(sorted(account.business_units))),
             ("Period", context.plan.period), ("Current step", step_title(context))]
    lines: list[str | tuple[str, dict[str, Any]]] = []
    for name, value in facts:
        if value:
            lines.append((name.upper(), {"size": 10, "colour": MUTED, "bold": True,
                                         "space": 6}))
            lines.append((_truncate(str(value), 70), {"size": 15}))
    deck.text(slide, 0.6, 1.4, 4.6, 4.0, lines)

    open_pipeline = sum(o.amount or 0 for o in snapshot.opportunities if o.status == "open")
    severities = [f.severity for f in context.findings]
    overdue = len(items.overdue_actions(today))
    people = map_people(snapshot.stakeholders, items.people)
    open_count = sum(1 for o in snapshot.opportunities if o.status == "open")
    tiles = [
        ("Stakeholders", str(len(people)),
         f"{sum(1 for p in people if (p.support or 0) > 0)} supportive", ACCENT),
        ("Open pipeline", compact(open_pipeline) or "0",
         counted(open_count, "opportunity", "opportunities"), ACCENT),
        ("Whitespace to win", compact(items.whitespace_value("pipeline", "potential")) or "0",
         "pipeline + potential", ACCENT),
        ("Open actions", str(len(items.open_actions())), f"{overdue} overdue",
         "A61B1B" if overdue else ACCENT),
        ("Errors", str(severities.count("error")), "from the checks",
         "A61B1B" if "error" in severities else "17673A"),
        ("Warnings", str(severities.count("warning")), "from the checks",
         "B26B00" if "warning" in severities else "17673A"),
    ]
    for index, (name, value, hint, colour) in enumerate(tiles):
        x, y = 5.6 + (index % 3) * 2.4, 1.4 + (index // 3) * 1.55
        deck.box(slide, x, y, 2.2, 1.35, "FFFFFF", outline=LINE, shape="rectangle")
        deck.box(slide, x, y, 2.2, 0.07, colour)
        deck.text(slide, x + 0.12, y + 0.15, 2.0, 1.15, [
            (name.upper(), {"size": 10, "colour": MUTED, "bold": True}),
            (value, {"size": 28, "bold": True, "colour": colour if colour != ACCENT else INK}),
            (hint, {"size": 11, "colour": MUTED})])
    findings = sorted(context.findings, key=lambda f: f.sort_key())
    lines = [("TOP FINDINGS", {"size": 10, "colour": MUTED, "bold": True})]
    room, shown = 7, 0  # lines of 11-point text the box holds below its heading
    for finding in findings:
        text = f"{finding.severity.upper()}  {_truncate(finding.message, 140)}"
        need = math.ceil(len(text) / 88)  # about 88 characters a line at 11 points
        if need > room - (1 if shown < len(findings) - 1 else 0):
            break
        room -= need
        shown += 1
        lines.append((text, {"size": 11, "colour": "A61B1B" if finding.severity == "error"
                             else INK}))
    if not findings:
        lines.append(("No findings.", {"size": 11, "colour": MUTED}))
    elif shown < len(findings):
        lines.append((f"and {len(findings) - shown} more on the Findings slide",
                      {"size": 11, "colour": MUTED}))
    deck.text(slide, 5.6, 4.65, 7.1, 2.2, lines)


def _map_slide(deck: Deck, items: PlanItems) -> None:
    from pptx.enum.dml import MSO_LINE_DASH_STYLE
    from pptx.util import Pt

    context = deck.context
    snapshot = context.snapshot
    slide = deck.slide(SLIDE_TITLES["map"])
    left, top, col_w, row_h = 1.35, 1.4, 1.55, 0.98
    for col in range(5):
        for row in range(5):
            support = col - 2
            tone = "neg" if support < 0 else "pos" if support > 0 else "mid"
            deck.box(slide, left + col * col_w, top + row * row_h, col_w - 0.03, row_h - 0.03,
                     CELL_TINTS[tone][0 if row < 2 else 1])
        deck.text(slide, left + col * col_w, top + 5 * row_h + 0.05, col_w, 0.3,
                  [f"{SUPPORT_LABELS[col - 2]} ({signed(col - 2)})"], size=10, colour=MUTED,
                  align="center")
    for row in range(5):
        deck.text(slide, left - 0.45, top + row * row_h + row_h / 2 - 0.15, 0.35, 0.3,
                  [str(5 - row)], size=12, bold=True, colour=MUTED, align="right")
    deck.text(slide, left, top + 5 * row_h + 0.32, 5 * col_w, 0.3, ["Support for us \u2192"],
              size=12, bold=True, align="center")
    axis = deck.text(slide, left - 0.85 - 2.0, top + 2.5 * row_h - 0.15, 4.0, 0.3,
                     ["Influence on the decision \u2192"], size=12, bold=True, align="center")
    axis.rotation = 270.0

    people = map_people(snapshot.stakeholders, items.people)
    rated = [someone for someone in people if someone.rated]
    unrated = [someone.name for someone in people if not someone.rated]
    spots = map_layout(rated, left, top, col_w, row_h)
    per_cell = Counter((someone.support, someone.influence) for someone in rated)
    radii = {p.key: 0.08 + 0.025 * (p.strength if p.strength is not None else 2) for p in rated}
    names = {p.key: _truncate(p.name, 16 if per_cell[(p.support, p.influence)] > 1 else 26)
             for p in rated}
    sizes = {key: (min(2.0, 0.085 * len(text) + 0.2), 0.22) for key, text in names.items()}
    routes, places = map_routes(spots, radii, snapshot.relationships, sizes, gap=0.07,
                                bounds=(left - 0.3, top - 0.05, 9.65, top + 5 * row_h))
    for route in routes:
        rel = route.relationship
        _draw_line(slide, route.points(), rel.type,
                   f"{rel.type}: {rel.source_id} -> {rel.target_id}")
    for someone in rated:
        x, y = spots[someone.key]
        radius = radii[someone.key]
        colour = SUPPORT_COLOURS[someone.support or 0]
        hollow = someone.placeholder
        oval = deck.box(slide, x - radius, y - radius, 2 * radius, 2 * radius,
                        "FFFFFF" if hollow else colour,
                        outline=colour if hollow else INK if someone.record is None
                        else "FFFFFF", shape="oval")
        if hollow or someone.record is None:  # a placeholder, or known to the plan only
            oval.line.dash_style = MSO_LINE_DASH_STYLE.DASH
            oval.line.width = Pt(2 if hollow else 1.25)
        oval.name = clean(f"stakeholder: {someone.name}")[:200]
        place, (w, h) = places[someone.key], sizes[someone.key]
        deck.text(slide, place.x - w / 2, place.y - h / 2, w, h, [names[someone.key]],
                  size=9, align="center", anchor="middle")
    if not rated:
        deck.text(slide, left, top + 2 * row_h, 5 * col_w, row_h,
                  ["No one on the map yet: rate each stakeholder's influence and support, "
                   "on the record or in the plan's stakeholder map."],
                  size=13, colour=MUTED, align="center", anchor="middle")
    _map_legend(deck, slide, any(p.placeholder for p in rated),
                any(p.record is None for p in rated), unrated)


def _draw_line(slide: Slide, points: Sequence[tuple[float, float]], kind: str,
               name: str) -> None:
    """A map line called ``name`` through ``points`` (inches) in the style of relationship
    ``kind``."""
    from pptx.enum.dml import MSO_LINE_DASH_STYLE
    from pptx.oxml.ns import qn
    from pptx.util import Emu, Inches, Pt

    colour, width, dash, arrow = EDGE_STYLES[kind]
    builder = slide.shapes.build_freeform(Inches(points[0][0]), Inches(points[0][1]), scale=1.0)
    builder.add_line_segments([(Inches(x), Inches(y)) for x, y in points[1:]], close=False)
    line = builder.convert_to_shape(Emu(0), Emu(0))
    line.fill.background()
    line.shadow.inherit = False
    line.line.color.rgb = _rgb(colour)
    line.line.width = Pt(width)
    if dash:
        line.line.dash_style = {"dash": MSO_LINE_DASH_STYLE.DASH,
                                "round_dot": MSO_LINE_DASH_STYLE.ROUND_DOT}[dash]
    if arrow:
        ln = line.line._get_or_add_ln()
        ln.append(ln.makeelement(qn("a:tailEnd"), {"type": "triangle", "w": "med",
                                                   "len": "med"}))
    line.name = clean(name)[:200]


def _map_legend(deck: Deck, slide: Slide, placeholders: bool, plan_only: bool,
                unrated: Sequence[str]) -> None:
    """The map's key: support colours, each line type drawn as the map draws it, notes."""
    x, y = 9.75, 1.4
    legend: list[str | tuple[str, dict[str, Any]]] = [
        ("SUPPORT", {"size": 10, "bold": True, "colour": MUTED})]
    legend += [(f"\u25cf  {SUPPORT_LABELS[k]} ({signed(k)})",
                {"colour": SUPPORT_COLOURS[k], "size": 12})
               for k in sorted(SUPPORT_COLOURS, reverse=True)]
    deck.text(slide, x, y, 3.0, 1.6, legend)
    y += 1.7
    deck.text(slide, x, y, 3.0, 0.25, ["LINES"], size=10, bold=True, colour=MUTED)
    for index, kind in enumerate(EDGE_STYLES):
        row = y + 0.3 + index * 0.28
        _draw_line(slide, [(x + 0.05, row + 0.14), (x + 0.6, row + 0.14)], kind,
                   f"legend: {kind}")
        deck.text(slide, x + 0.7, row, 2.3, 0.28, [EDGE_LABELS[kind]], size=11,
                  colour=EDGE_STYLES[kind][0], anchor="middle")
    notes: list[str | tuple[str, dict[str, Any]]] = [
        ("Circle size: relationship strength", {"size": 10, "colour": MUTED})]
    if placeholders:
        notes.append(("Hollow dashed circle: placeholder, role holder not known yet",
                      {"size": 10, "colour": MUTED}))
    if plan_only:
        notes.append(("Dashed outline: assessed in the plan only, no stakeholder record",
                      {"size": 10, "colour": MUTED}))
    if unrated:
        notes.append(("NOT RATED YET", {"size": 10, "bold": True, "colour": MUTED,
                                        "space": 8}))
        notes.append((_truncate(", ".join(unrated), 200), {"size": 11}))
    deck.text(slide, x, y + 0.45 + len(EDGE_STYLES) * 0.28, 3.0, 1.6, notes)


def _whitespace_slide(deck: Deck, items: PlanItems) -> None:
    slide = deck.slide(SLIDE_TITLES["whitespace"])
    cells = [c.model for c in items.whitespace]
    if not cells:
        deck.text(slide, 0.6, 1.5, 12, 0.5, ["No whitespace cells in this plan yet."],
                  colour=MUTED)
        return
    units = list(dict.fromkeys(c.business_unit for c in cells))
    units += sorted(u for u in deck.context.snapshot.account.business_units if u not in units)
    lines = list(dict.fromkeys(c.product_line for c in cells))[:8]
    units = units[:10]
    grid = {(c.business_unit, c.product_line): c for c in cells}
    rows: list[list[Any]] = []
    fills: list[list[tuple[str, str] | None]] = []
    for unit in units:
        row: list[Any] = [unit]
        fill_row: list[tuple[str, str] | None] = [None]
        for line in lines:
            cell = grid.get((unit, line))
            if cell is None:
                row.append("not assessed")
                fill_row.append(("F7F8FA", "8A93A0"))
            else:
                row.append(STATE_LABELS[cell.state] + (f"\n{compact(cell.value)}"
                                                       if cell.value else ""))
                fill_row.append(STATE_COLOURS[cell.state])
        rows.append(row)
        fills.append(fill_row)
    width = min(4.75, 9.5 / max(1, len(lines)))  # the grid spans the slide
    height = min(0.75, 4.6 / max(1, len(units) + 1))
    deck.table(slide, 0.6, 1.4, [12.1 - width * len(lines)] + [width] * len(lines),
               ["Business unit", *lines], rows, fills=fills, size=12, row_height=height)
    totals = []
    for state in STATE_LABELS:
        found = [c for c in cells if c.state == state]
        if found:
            value = sum(c.value or 0 for c in found)
            totals.append(f"{STATE_LABELS[state]}: {counted(len(found), 'cell')}"
                          + (f", {compact(value)}" if value else ""))
    deck.text(slide, 0.6, 6.45, 12.1, 0.4, ["  \u00b7  ".join(totals)], size=12, colour=MUTED)


def _objective_rows(items: PlanItems) -> list[list[Any]]:
    rows = []
    for item in items.objectives:
        o = item.model
        signoff = o.customer_signoff
        rows.append([_truncate(o.title, 90),
                     _truncate(" / ".join(v for v in (o.measure, o.target) if v), 80),
                     when(o.due),
                     f"{signoff.name}, {when(signoff.date)}" if signoff else "not signed off"])
    return rows


def _action_rows(items: PlanItems, today: date) -> list[list[Any]]:
    ordered = sorted(items.actions, key=lambda a: (
        a.model.status in ("done", "cancelled"), a.model.due or date.max, a.model.title))
    rows = []
    for item in ordered:
        a = item.model
        late = a.due is not None and a.due < today and a.status not in ("done", "cancelled")
        rows.append([_truncate(a.title, 90), a.owner or "", a.customer_owner or "",
                     when(a.due) + (" (overdue)" if late else ""), label(a.status)])
    return rows


def _objectives_slides(deck: Deck, items: PlanItems) -> None:
    today = deck.context.as_of
    objectives, actions = _objective_rows(items), _action_rows(items, today)
    slide = deck.slide(SLIDE_TITLES["objectives"])
    y = 1.4
    objective_widths = [5.4, 3.7, 1.3, 1.7]
    action_widths = [5.4, 2.0, 2.0, 1.7, 1.0]
    if not objectives and not actions:
        deck.text(slide, 0.6, y, 12, 0.5, ["No objectives or actions in this plan yet."],
                  colour=MUTED)
        return
    if objectives:
        y += deck.table(slide, 0.6, y, objective_widths,
                        ["Objective", "Measure / target", "Due", "Customer sign-off"],
                        objectives[:4], size=11) + 0.3
    room = max(2, int((6.8 - y) / 0.36) - 1)
    if actions:
        deck.table(slide, 0.6, y, action_widths,
                   ["Action", "Owner", "Customer owner", "Due", "Status"], actions[:room],
                   size=11)
    if len(objectives) > 4:
        deck.paged("Objectives (continued)", objective_widths,
                   ["Objective", "Measure / target", "Due", "Customer sign-off"],
                   objectives[4:], 13, continued="Objectives (continued)")
    if len(actions) > room:
        deck.paged("Actions (continued)", action_widths,
                   ["Action", "Owner", "Customer owner", "Due", "Status"], actions[room:], 13,
                   continued="Actions (continued)")


def _risks_slides(deck: Deck, items: PlanItems) -> None:
    risks = sorted((r.model for r in items.risks), key=lambda r: -(r.likelihood * r.impact))
    rows: list[list[Any]] = [
        [_truncate(r.title, 80), r.likelihood, r.impact, r.likelihood * r.impact,
         _truncate(r.mitigation, 110), r.owner or ""] for r in risks]
    deck.paged(SLIDE_TITLES["risks"], [4.0, 1.1, 1.0, 1.1, 3.8, 1.1],
               ["Risk", "Likelihood", "Impact", "Exposure", "Mitigation", "Owner"], rows, 12)


def _scores_slide(deck: Deck) -> None:
    context = deck.context
    slide = deck.slide(SLIDE_TITLES["scores"])
    cards = cards_by_rubric(context.snapshot.score_cards, plan_id=context.plan.id)
    if not cards:
        deck.text(slide, 0.6, 1.5, 12, 0.5, ["No score cards for this account yet."],
                  colour=MUTED)
        return
    shown = list(cards.items())[:3]
    gap = 0.2
    w = (12.1 - gap * (len(shown) - 1)) / len(shown)  # the cards share the slide's width
    for index, (name, history) in enumerate(shown):
        card = history[-1]
        previous = history[-2] if len(history) > 1 else None
        x, y = 0.6 + index * (w + gap), 1.4
        deck.box(slide, x, y, w, 5.35, "FFFFFF", outline=LINE)
        head: list[str | tuple[str, dict[str, Any]]] = [
            (label(name), {"size": 16, "bold": True}),
            (f"version {card.rubric.version} \u00b7 scored {when(card.scored_at)}",
             {"size": 10, "colour": MUTED}),
            (score(card.total), {"size": 36, "bold": True, "colour": NAVY}),
        ]
        if card.band:
            head.append((label(card.band), {"size": 13, "bold": True, "colour": ACCENT}))
        if previous is not None:
            delta = card.total - previous.total
            head.append((f"{signed(round(delta, 2))} since {score(previous.total)} "
                         f"({when(previous.scored_at)})",
                         {"size": 11, "colour": "17673A" if delta > 0 else
                          "A61B1B" if delta < 0 else MUTED}))
        deck.text(slide, x + 0.2, y + 0.15, w - 0.4, 2.2, head)
        top = max(5.0, *card.values.values()) if card.values else 5.0
        name_w = min(3.5, (w - 0.4) * 0.45)
        bar_x, bar_w = x + 0.25 + name_w, w - name_w - 0.95
        for row, (criterion, value) in enumerate(list(card.values.items())[:8]):
            cy = y + 2.55 + row * 0.34
            deck.text(slide, x + 0.2, cy - 0.05, name_w, 0.3,
                      [_truncate(label(criterion), int(name_w * 13))], size=10)
            deck.box(slide, bar_x, cy + 0.06, bar_w, 0.12, "EDF0F4")
            share = max(0.0, min(1.0, value / top))
            if share > 0:
                deck.box(slide, bar_x, cy + 0.06, bar_w * share, 0.12, ACCENT)
            deck.text(slide, bar_x + bar_w + 0.03, cy - 0.05, 0.45, 0.3, [score(value)],
                      size=10, align="right")


def _changes_slide(deck: Deck, items: PlanItems) -> None:
    changes = review_changes(deck.context, items)
    if changes is None:
        return
    review = changes.review
    slide = deck.slide(SLIDE_TITLES["changes"])
    heading = {"size": 10, "bold": True, "colour": MUTED, "space": 8}
    left: list[str | tuple[str, dict[str, Any]]] = [
        (f"{label(review.review_kind)} review on {when(review.date)}",
         {"size": 16, "bold": True}),
        (f"Reviewed plan revision {review.plan_revision}; now revision "
         f"{deck.context.plan.revision} ({counted(changes.revisions_since, 'change')} since)",
         {"size": 12, "colour": MUTED}),
    ]
    if review.attendees:
        left.append((_truncate("Attendees: " + ", ".join(review.attendees), 200),
                     {"size": 12, "colour": MUTED}))
    left.append(("DECISIONS TAKEN", heading))
    left += [(f"\u2022 {_truncate(d, 160)}", {"size": 13}) for d in review.decisions[:8]] or [
        ("No decision was recorded.", {"size": 12, "colour": MUTED})]
    if review.notes:
        left.append(("NOTES", heading))
        left.append((_truncate(review.notes, 300), {"size": 12}))
    deck.text(slide, 0.6, 1.4, 6.0, 5.4, left)

    right: list[str | tuple[str, dict[str, Any]]] = [("SCORES THEN AND NOW",
                                                      {**heading, "space": 0})]
    for change in changes.scores:
        right.append((change.describe(), {"size": 13, "bold": True}))
        right += [(f"   {_truncate(line, 90)}", {"size": 11, "colour": MUTED})
                  for line in change.criteria[:5]]
    if not changes.scores:
        right.append(("No score cards at the review or since.", {"size": 12,
                                                                 "colour": MUTED}))
    right.append(("CAME DUE SINCE THE REVIEW", heading))
    right += [(f"\u2022 {_truncate(title, 70)} \u2014 due {due}, {status.lower()}",
               {"size": 12}) for title, due, status in changes.came_due[:6]] or [
        ("No action came due.", {"size": 12, "colour": MUTED})]
    if changes.signed_off:
        right.append(("SIGNED OFF BY THE CUSTOMER SINCE", heading))
        right += [(f"\u2022 {_truncate(title, 80)} ({on})", {"size": 12})
                  for title, on in changes.signed_off[:4]]
    deck.text(slide, 6.9, 1.4, 5.8, 5.4, right)


def _plan_changes_slides(deck: Deck) -> None:
    """With the review-pack options (``kam export --review-pack``, see
    :mod:`kamcore.reviewpack`): every change to the plan since the last review, in words."""
    changes = deck.context.options.get("changes_since_review")
    if not isinstance(changes, list):
        return
    since = deck.context.options.get("changes_since")
    lines = [str(text) for text in changes]
    per_slide = 14
    pages = max(1, math.ceil(len(lines) / per_slide))
    for page in range(pages):
        title = SLIDE_TITLES["plan_changes"] + (" (continued)" if page else "")
        slide = deck.slide(title)
        body: list[str | tuple[str, dict[str, Any]]] = []
        if since and page == 0:
            body.append((f"Since {since}", {"size": 12, "colour": MUTED}))
        chunk = lines[page * per_slide:(page + 1) * per_slide]
        body += [(f"\u2022 {_truncate(text, 160)}", {"size": 13, "space": 3}) for text in chunk]
        if not lines:
            body.append(("No changes.", {"size": 13, "colour": MUTED}))
        deck.text(slide, 0.6, 1.4, 12.1, 5.5, body)


def _findings_slides(deck: Deck) -> None:
    findings = sorted(deck.context.findings, key=lambda f: f.sort_key())
    if not findings:
        return
    context = deck.context
    words = PlanWords.of(context.plan, context.methodology, context.snapshot.stakeholders)
    deck.paged(SLIDE_TITLES["findings"], [1.1, 7.6, 3.4],
               ["Severity", "Finding", "Where"],
               [[f.severity, _truncate(f.message, 180), _truncate(words.where(f), 80)]
                for f in findings], 12, size=10)


def render_pptx(context: ExportContext) -> bytes:
    """The review deck's bytes."""
    items = find_items(context.plan, context.methodology)
    deck = Deck(context)
    _title_slide(deck)
    _summary_slide(deck, items)
    _map_slide(deck, items)
    _whitespace_slide(deck, items)
    _objectives_slides(deck, items)
    if items.risks:
        _risks_slides(deck, items)
    _scores_slide(deck)
    _changes_slide(deck, items)
    _plan_changes_slides(deck)
    _findings_slides(deck)
    properties = deck.prs.core_properties
    properties.title = clean(f"Account plan review: {context.snapshot.account.name}")[:200]
    properties.author = "kamcore"
    if context.plan.updated_at is not None:
        properties.created = properties.modified = context.plan.updated_at.replace(tzinfo=None)
    return deck.bytes()

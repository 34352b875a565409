"""The ``pptx`` review deck: it opens with python-pptx and has the expected slides."""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING, Any

import attrs
from kamcore_office.deck import EDGE_STYLES, render_pptx
from pptx import Presentation

from kamcore.testing import HOSTILE_ACTION_TITLE, HOSTILE_NAME

if TYPE_CHECKING:
    from pptx.presentation import Presentation as Deck
    from pptx.slide import Slide

    from conftest import OfficeContext
    from kamcore.plugin.contributions import ExportContext


def _deck(data: bytes) -> Deck:
    return Presentation(io.BytesIO(data))


def _titles(deck: Deck) -> list[str]:
    return [slide.shapes.title.text for slide in deck.slides]


def _texts(slide: Slide) -> list[str]:
    """Every piece of text on a slide, tables included."""
    found = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            found.append(shape.text_frame.text)
        if shape.has_table:
            found.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return found


def _slide(deck: Deck, title: str) -> Slide:
    return next(s for s in deck.slides if s.shapes.title.text == title)


def test_the_deck_has_the_expected_slides(office_context: OfficeContext) -> None:
    deck = _deck(render_pptx(office_context()))
    assert _titles(deck) == [
        "Account plan review: Acme Industrial", "Summary", "Stakeholder map", "Whitespace",
        "Objectives and actions", "Risks", "Scores", "Changes since the last review",
        "Findings"]
    assert deck.slide_width / deck.slide_height > 1.7  # 16:9
    assert deck.core_properties.title == "Account plan review: Acme Industrial"


def test_without_a_review_there_is_no_changes_slide(office_context: OfficeContext) -> None:
    titles = _titles(_deck(render_pptx(office_context(reviewed=False))))
    assert "Changes since the last review" not in titles
    assert titles[-2:] == ["Scores", "Findings"]


def test_summary(office_context: OfficeContext) -> None:
    texts = "\n".join(_texts(_slide(_deck(render_pptx(office_context())), "Summary")))
    for expected in ("Manufacturing", "FY2027/28", "Plan (step 2 of 3)", "650k",
                     "1 overdue", "500k"):
        assert expected in texts, expected
    assert "2. Plan" not in texts  # the step title's own number gives way to "step 2 of 3"


def test_stakeholder_map_draws_people_and_relationships(office_context: OfficeContext) -> None:
    slide = _slide(_deck(render_pptx(office_context())), "Stakeholder map")
    people = [s for s in slide.shapes if s.name.startswith("stakeholder: ")]
    assert sorted(s.name for s in people) == sorted(
        f"stakeholder: {n}" for n in ("Chris Finance", HOSTILE_NAME, "Rita Operations",
                                      "=cmd|' /C calc'!A0", "Eva Engineering"))
    lines = [s for s in slide.shapes if s.name.split(":")[0] in EDGE_STYLES]
    assert sorted(s.name.split(":")[0] for s in lines) == ["conflicts", "influences",
                                                           "informal", "reports_to"]
    reports = next(s for s in lines if s.name.startswith("reports_to"))
    assert b"tailEnd" in reports.line._get_or_add_ln().xml.encode()  # an arrow
    texts = _texts(slide)
    assert HOSTILE_NAME in texts and "Nia Newcomer" in "\n".join(texts)  # listed, not drawn
    assert "Opposes (\u22122)" in texts and "Sponsors (+2)" in texts  # a real minus sign
    # colour by support: the opponent is dark red, the sponsor dark blue
    fills = {s.name: str(s.fill.fore_color.rgb) for s in people}
    assert fills[f"stakeholder: {HOSTILE_NAME}"] == "B2182B"
    assert fills["stakeholder: Rita Operations"] == "2166AC"


def test_stakeholder_map_draws_placeholders_hollow_and_dotted_lines_dotted(
        office_context: OfficeContext) -> None:
    from pptx.enum.dml import MSO_LINE_DASH_STYLE

    slide = _slide(_deck(render_pptx(office_context(placeholder=True))), "Stakeholder map")
    cto = next(s for s in slide.shapes if s.name == "stakeholder: CTO: unknown")
    assert str(cto.fill.fore_color.rgb) == "FFFFFF"  # hollow, outlined in its support colour
    assert cto.line.dash_style == MSO_LINE_DASH_STYLE.DASH
    dotted = next(s for s in slide.shapes if s.name.startswith("dotted_line:"))
    assert dotted.line.dash_style == MSO_LINE_DASH_STYLE.ROUND_DOT
    assert b"tailEnd" in dotted.line._get_or_add_ln().xml.encode()  # a reporting line: arrow
    legend = "\n".join(_texts(slide))
    assert "Hollow dashed circle: placeholder, role holder not known yet" in legend


def test_whitespace_grid(office_context: OfficeContext) -> None:
    slide = _slide(_deck(render_pptx(office_context())), "Whitespace")
    table = next(s for s in slide.shapes if s.has_table).table
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Business unit", "Platform", "Analytics"]
    assert rows[1] == ["Plants", "Owned\n500k", "Potential\n250k"]
    assert rows[2] == ["Service", "Competitor", "Pipeline\n400k"]
    assert str(table.cell(1, 1).fill.fore_color.rgb) == "1F7A45"


def test_objectives_and_actions(office_context: OfficeContext) -> None:
    slide = _slide(_deck(render_pptx(office_context())), "Objectives and actions")
    texts = _texts(slide)
    assert "Cut order-to-cash time by 30%" in texts and "not signed off" in texts
    assert HOSTILE_ACTION_TITLE in texts and HOSTILE_NAME in texts  # plain text in XML
    assert "1 May 2026 (overdue)" in texts
    assert "Kick-off workshop" in texts  # the control character was dropped


def test_many_actions_continue_on_further_slides(office_context: OfficeContext) -> None:
    deck = _deck(render_pptx(office_context(actions=40)))
    titles = _titles(deck)
    assert titles.count("Actions (continued)") >= 2
    shown = [t for s in deck.slides for t in _texts(s) if t.startswith("Follow-up ")]
    assert sorted(shown, key=lambda t: int(t.split()[1])) == [
        f"Follow-up {n}" for n in range(37)]


def test_scores_show_the_latest_card_and_the_change(office_context: OfficeContext) -> None:
    texts = "\n".join(_texts(_slide(_deck(render_pptx(office_context())), "Scores")))
    assert "Health" in texts and "3.5" in texts and "Healthy" in texts
    assert "+1 since 2.5 (10 Jan 2026)" in texts


def test_changes_since_the_last_review(office_context: OfficeContext) -> None:
    slide = _slide(_deck(render_pptx(office_context())), "Changes since the last review")
    texts = "\n".join(_texts(slide))
    assert "Customer review on 1 Feb 2026" in texts
    assert "Reviewed plan revision 1; now revision 2 (1 change since)" in texts
    assert "\u2022 Escalate the Service renewal to the CRO" in texts
    assert "\u2022 " + HOSTILE_ACTION_TITLE in texts
    assert "health: 2.5 (watch) \u2192 3.5 (healthy), +1" in texts
    assert "Access: 2 \u2192 4" in texts and "Coverage" not in texts  # only what changed
    assert "Kick-off workshop \u2014 due 15 Feb 2026, done" in texts  # came due since
    assert "Cut order-to-cash time by 30% (1 Mar 2026)" in texts  # signed off since


def test_text_is_escaped_in_the_slide_xml(office_context: OfficeContext) -> None:
    with zipfile.ZipFile(io.BytesIO(render_pptx(office_context()))) as package:
        xml = b"".join(package.read(n) for n in package.namelist()
                       if n.startswith("ppt/slides/slide"))
    assert b"<script>" not in xml
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in xml


def test_review_pack_options_add_the_plan_changes(office_context: OfficeContext) -> None:
    """The option keys of kamcore.reviewpack (``kam export --review-pack``)."""
    import attrs

    context = office_context()
    changes = [f"action x{n}: added" for n in range(20)]
    options = {**context.options, "review_pack": True, "changes_since_review": changes,
               "changes_since": "review:1 (customer review on 2026-02-01, plan revision 1)"}
    deck = _deck(render_pptx(attrs.evolve(context, options=options)))
    titles = _titles(deck)
    assert titles[titles.index("Changes since the last review") + 1:][:2] == [
        "What changed in the plan", "What changed in the plan (continued)"]
    texts = "\n".join(t for s in deck.slides for t in _texts(s))
    assert "Since review:1 (customer review on 2026-02-01, plan revision 1)" in texts
    assert all(f"\u2022 action x{n}: added" in texts for n in range(20))
    assert "What changed in the plan" not in _titles(_deck(render_pptx(context)))


def _fresh(context: ExportContext, sections: dict[str, Any], **account: Any) -> ExportContext:
    """``context`` as for a new plan of a new account: no stakeholder records, no relationship,
    only ``sections``."""
    snapshot = attrs.evolve(context.snapshot, stakeholders=(), relationships=(),
                            account=context.snapshot.account.model_copy(update=account))
    return attrs.evolve(context, plan=context.plan.model_copy(update={"sections": sections}),
                        snapshot=snapshot, findings=())


def test_the_map_shows_the_plans_own_entries_and_counts_them(
        office_context: OfficeContext) -> None:
    """Issue 25, point 3: a new plan with two map entries showed an empty grid and 0."""
    context = _fresh(office_context(), {"notes": {"stakeholder_map": [
        {"name": "Cora Coach", "role": "coach", "influence": 2, "support": 1},
        {"name": "Ben Blocker", "role": "blocker", "influence": 4, "support": -1}]}})
    deck = _deck(render_pptx(context))
    slide = _slide(deck, "Stakeholder map")
    drawn = sorted(s.name for s in slide.shapes if s.name.startswith("stakeholder: "))
    assert drawn == ["stakeholder: Ben Blocker", "stakeholder: Cora Coach"]
    blocker = next(s for s in slide.shapes if s.name == "stakeholder: Ben Blocker")
    assert str(blocker.fill.fore_color.rgb) == "EF8A62"  # support -1
    summary = "\n".join(_texts(_slide(deck, "Summary")))
    assert "STAKEHOLDERS\n2\n1 supportive" in summary


def test_an_empty_map_says_so(office_context: OfficeContext) -> None:
    slide = _slide(_deck(render_pptx(_fresh(office_context(), {}))), "Stakeholder map")
    assert not [s for s in slide.shapes if s.name.startswith("stakeholder: ")]
    assert any(t.startswith("No one on the map yet") for t in _texts(slide))


def test_the_legend_draws_each_line_as_the_map_does(office_context: OfficeContext) -> None:
    slide = _slide(_deck(render_pptx(office_context())), "Stakeholder map")
    for kind, (colour, _width, dash, arrow) in EDGE_STYLES.items():
        sample = next(s for s in slide.shapes if s.name == f"legend: {kind}")
        drawn = next((s for s in slide.shapes if s.name.startswith(f"{kind}:")), None)
        assert str(sample.line.color.rgb) == colour
        assert (sample.line.dash_style is None) == (dash is None), kind
        if drawn is not None:
            assert sample.line.dash_style == drawn.line.dash_style, kind
        assert (b"tailEnd" in sample.line._get_or_add_ln().xml.encode()) == arrow, kind


def test_plurals_and_layouts_adapt(office_context: OfficeContext) -> None:
    """Issue 25, point 5: "1 opportunities", a lone score card in a third of the slide, the
    whitespace grid in half of it."""
    from pptx.util import Inches

    deck = _deck(render_pptx(office_context()))
    summary = "\n".join(_texts(_slide(deck, "Summary")))
    assert "1 opportunity\n" in summary + "\n" and "opportunities" not in summary
    scores = _slide(deck, "Scores")
    card = max((s for s in scores.shapes if s.shape_type == 1), key=lambda s: s.width)
    assert card.width > Inches(11)  # one card: the slide's width
    grid = next(s for s in _slide(deck, "Whitespace").shapes if s.has_table)
    assert grid.width > Inches(11.5)


def test_a_long_account_name_shrinks_the_title_to_fit(office_context: OfficeContext) -> None:
    from kamcore_office.deck import fitted_size

    name = "Consolidated Northern Hemisphere Industrial Holdings and Subsidiaries Group plc"
    deck = _deck(render_pptx(_fresh(office_context(), {}, name=name)))
    title = deck.slides[0].shapes.title
    size = title.text_frame.paragraphs[0].runs[0].font.size.pt
    assert size < 36 and size == fitted_size(title.text_frame.text, 36, 12.0, 2, smallest=20)
    assert fitted_size("Summary", 28, 12.1, 1) == 28
    assert fitted_size("x " * 200, 28, 12.1, 1) == 16  # never below the floor


def test_top_findings_stop_before_the_footer(office_context: OfficeContext) -> None:
    """Issue 25, point 5: a findings block ran into the footer."""
    from kamcore.model import Finding

    long = "a finding that goes on and on about what is missing from the plan " * 3
    findings = tuple(Finding(severity="warning", code="long", message=f"{n} {long}")
                     for n in range(8))
    slide = _slide(_deck(render_pptx(attrs.evolve(office_context(), findings=findings))),
                   "Summary")
    box = next(s for s in slide.shapes if s.has_text_frame
               and s.text_frame.text.startswith("TOP FINDINGS"))
    lines = box.text_frame.text.split("\n")
    shown = [line for line in lines if line.startswith("WARNING")]
    assert 1 <= len(shown) < 8 and lines[-1] == f"and {8 - len(shown)} more on the Findings slide"
    assert sum(-(-len(line) // 88) for line in lines[1:]) <= 8  # fits the box above the footer

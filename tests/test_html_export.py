"""The ``html`` and ``csv`` exporters and ``kam export --all``.

The report is checked three ways: its structure (what it shows, computed from the data), its
safety (hostile names and formulas come out inert, nothing is loaded from outside, no script),
and for real in headless Chromium (Debian's ``chromium``, installed by
``.ci/setup.d/10-chromium.sh``): the SVG map is in the rendered DOM, a screenshot is a real
picture, and the console logged nothing. Without Chromium those tests skip, except in CI
(``CI`` set), where a missing browser fails.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from markupsafe import escape

from kamcore.builtin.html import render_html, render_portfolio, report_data
from kamcore.documents import Document
from kamcore.events import HookEvents
from kamcore.methodology import Methodology, build_methodology
from kamcore.model import (
    Finding,
    MethodologyRef,
    Plan,
    Relationship,
    Review,
    RubricRef,
    ScoreCard,
    Stakeholder,
)
from kamcore.planning import check_plan
from kamcore.plugin.contributions import ExportContext
from kamcore.plugin.host import make_plugin_host
from kamcore.shapes import find_items
from kamcore.store import Workspace
from kamcore.testing import (
    HOSTILE_ACTION_TITLE,
    HOSTILE_NAME,
    ExporterContract,
    chromium,
    sample_account,
    sample_opportunity,
    sample_stakeholder,
)

TODAY = date.today()
HOSTILE_NOTE = '<img src=x onerror="alert(2)">'
HOSTILE_KEY = '<b onmouseover="alert(3)">key</b>'

#: A methodology whose sections hold every shape the report knows, one of them nested.
REPORT_METHODOLOGY = """\
name: kt-report
version: "1.0"
title: Report test methodology
description: Three steps that exercise every part of the HTML report.
steps:
  - key: understand
    title: "1. Understand the account"
    purpose: Objectives agreed with the customer and where we stand.
    sections: [objectives, whitespace]
  - key: plan
    title: "2. Plan the work"
    purpose: What we do about it, and what could go wrong.
    sections: [value_plan, risks]
  - key: review
    title: "3. Review"
    sections: [notes]
sections:
  - key: objectives
    title: Joint objectives
    schema: {type: array, items: {$ref: "urn:kamcore:shape:objective"}}
  - key: whitespace
    title: Whitespace
    schema: {type: array, items: {$ref: "urn:kamcore:shape:whitespace_cell"}}
  - key: value_plan
    title: Value plan
    schema:
      type: object
      properties:
        initiatives: {type: array, items: {$ref: "urn:kamcore:shape:action"}}
  - key: risks
    title: Risks
    schema: {type: array, items: {$ref: "urn:kamcore:shape:risk"}}
  - key: notes
    title: Notes
    schema: {type: object}
"""


def report_methodology() -> Methodology:
    return build_methodology(Document(yaml.safe_load(REPORT_METHODOLOGY), "<kt-report>"))


def _sections() -> dict[str, Any]:
    past, soon = TODAY - timedelta(days=20), TODAY + timedelta(days=40)
    return {
        "objectives": [
            {"id": "o1", "title": "Cut order-to-cash time by 30%", "measure": "days to cash",
             "target": "30% fewer days", "due": "2027-12-31",
             "customer_signoff": {"name": "Chris Finance", "title": "CFO",
                                  "date": "2026-02-01"}},
            {"id": "o2", "title": "One maintenance process for all plants",
             "measure": "plants on the process"},
        ],
        "whitespace": [
            {"business_unit": "Plants", "product_line": "Platform", "state": "owned",
             "value": 500000},
            {"business_unit": "Plants", "product_line": "Analytics", "state": "potential",
             "value": 250000},
            {"business_unit": "Service", "product_line": "Platform", "state": "competitor",
             "note": HOSTILE_NOTE},
            {"business_unit": "Service", "product_line": "Analytics", "state": "pipeline",
             "value": 400000},
            {"business_unit": "Digital", "product_line": "Platform", "state": "blocked",
             "note": "Security review first"},
            {"business_unit": "Digital", "product_line": "Services", "state": "n.a."},
        ],
        "value_plan": {"initiatives": [
            {"id": "a1", "title": HOSTILE_ACTION_TITLE, "owner": HOSTILE_NAME,
             "due": past.isoformat(), "status": "open", "objective": "o1"},
            {"id": "a2", "title": "Analytics pilot in two plants", "owner": "Jo Seller",
             "customer_owner": "Rita Ops", "due": soon.isoformat(), "status": "in_progress",
             "objective": "o2"},
            {"id": "a3", "title": "Kick-off workshop", "owner": "Jo Seller",
             "due": past.isoformat(), "status": "done"},
        ]},
        "risks": [
            {"title": "Competitor undercuts the Service renewal", "category": "competitor",
             "likelihood": 4, "impact": 4, "mitigation": "Show results to the Service VP",
             "owner": "Jo Seller"},
            {"title": "Budget freeze", "likelihood": 2, "impact": 3},
        ],
        "notes": {"summary": "Strong sponsor in operations; procurement resists.",
                  HOSTILE_KEY: "a key with markup"},
    }


def seed_report_plan(workspace: Workspace) -> Plan:
    """The account ``acme`` with rated (and one unrated) stakeholders, every relationship
    type, two score cards, a review and a plan in step 2 of ``kt-report``."""
    workspace.save(sample_account(business_units=frozenset({"Plants", "Service", "Digital"})),
                   base_revision=0)
    people = [
        sample_stakeholder(),
        sample_stakeholder(id="acme.hostile", name=HOSTILE_NAME, title="Head of Procurement",
                           seniority="director", roles=frozenset({"blocker"}), influence=4,
                           support=-2, relationship_strength=1),
        sample_stakeholder(id="acme.coo", name="Rita Operations", title="COO", influence=5,
                           support=2, relationship_strength=5, roles=frozenset({"champion"})),
        sample_stakeholder(id="acme.it", name="Ian Technology", title="IT Director",
                           seniority="director", influence=3, support=0,
                           relationship_strength=2, roles=frozenset({"technical_buyer"})),
        sample_stakeholder(id="acme.eng", name="Eva Engineering", title="Plant engineer",
                           seniority="manager", influence=2, support=1,
                           relationship_strength=4, roles=frozenset({"coach"}),
                           last_contact=TODAY - timedelta(days=200)),
        sample_stakeholder(id="acme.new", name="Nia Newcomer", title="Head of Service",
                           influence=None, support=None, relationship_strength=None,
                           roles=frozenset()),
    ]
    for person in people:
        workspace.save(person, base_revision=0)
    links = [("acme.it", "reports_to", "acme.coo"), ("acme.eng", "reports_to", "acme.it"),
             ("acme.hostile", "influences", "acme.cfo"), ("acme.hostile", "conflicts", "acme.coo"),
             ("acme.eng", "informal", "acme.coo")]
    for index, (source, kind, target) in enumerate(links, start=1):
        workspace.save(Relationship(id=f"acme.rel{index}", account_id="acme", source_id=source,
                                    target_id=target, type=kind), base_revision=0)
    workspace.save(sample_opportunity(), base_revision=0)
    plan = workspace.save(Plan(
        id="acme-report", account_id="acme", period="FY2027",
        methodology=MethodologyRef(name="kt-report", version="1.0"), step="plan",
        sections=_sections()), base_revision=0)
    old = ScoreCard(id="acme.health.1", account_id="acme", rubric=RubricRef(name="health",
                    version="1"), inputs={"access": 2}, values={"access": 2, "coverage": 3},
                    total=2.5, band="watch", explanation=["access: entered"],
                    scored_at=datetime(2026, 1, 10, tzinfo=UTC))
    new = old.model_copy(update={"id": "acme.health.2", "values": {"access": 4, "coverage": 4},
                                 "total": 4.0, "band": "healthy",
                                 "scored_at": datetime(2026, 4, 10, tzinfo=UTC)})
    workspace.save(old, base_revision=0)
    workspace.save(new, base_revision=0)
    workspace.save(Review(id="acme-report.r1", plan_id=plan.id, account_id="acme",
                          review_kind="customer", date=date(2026, 2, 1),
                          attendees=["Jo Seller", HOSTILE_NAME], plan_revision=1,
                          score_cards=[old], decisions=[f"Escalate {HOSTILE_NAME} to the CRO",
                                                        HOSTILE_ACTION_TITLE]),
                   base_revision=0)
    return plan


@pytest.fixture
def report_context(tmp_path: Path) -> Iterator[ExportContext]:
    host = make_plugin_host(entry_points=False, strict=False)
    workspace = Workspace.open(tmp_path / "report.db", create=True, listener=HookEvents(host))
    methodology = report_methodology()
    plan = seed_report_plan(workspace)
    snapshot = workspace.snapshot("acme")
    findings = check_plan(plan, methodology, snapshot, host, TODAY)
    findings.append(Finding(severity="warning", code="hostile-finding",
                            message=f"stakeholder {HOSTILE_NAME} blocks", path="sections.x"))
    yield ExportContext(plan=plan, snapshot=snapshot, methodology=methodology,
                        findings=tuple(findings), options={"as_of": TODAY})
    workspace.close()


@pytest.fixture
def report(report_context: ExportContext) -> str:
    return render_html(report_context)


# -- contracts ---------------------------------------------------------------------------------


class TestHtmlExporter(ExporterContract):
    @pytest.fixture
    def exporter_name(self) -> str:
        return "html"


class TestCsvExporter(ExporterContract):
    renders_markup = False  # CSV cells are data; formulas are what must be made inert

    @pytest.fixture
    def exporter_name(self) -> str:
        return "csv"

    def test_formula_is_neutralised(self, rendered: str | bytes) -> None:
        assert isinstance(rendered, str)
        rows = list(csv.reader(io.StringIO(rendered)))
        assert rows[1][3] == "'" + HOSTILE_ACTION_TITLE
        assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


# -- what the report shows ---------------------------------------------------------------------


def test_plan_items_are_found_in_any_section(report_context: ExportContext) -> None:
    for methodology in (report_context.methodology, None):  # schema hints, or keys alone
        items = find_items(report_context.plan, methodology)
        assert [i.location for i in items.actions] == [
            f"sections.value_plan.initiatives[{n}]" for n in range(3)]
        assert {i.model.id for i in items.objectives} == {"o1", "o2"}
        assert len(items.whitespace) == 6 and len(items.risks) == 2
        assert [a.model.id for a in items.overdue_actions(TODAY)] == ["a1"]
        assert items.whitespace_value("pipeline", "potential") == 650000


def test_report_data_summarises_the_plan(report_context: ExportContext) -> None:
    data = report_data(report_context)
    assert [s["state"] for s in data["steps"]] == ["done", "current", "todo"]
    assert data["steps"][0]["title"] == "Understand the account"  # number stripped
    summary = data["summary"]
    assert (summary.open_actions, summary.overdue_actions) == (2, 1)
    assert summary.step_number == 2 and summary.step_count == 3
    assert summary.score == "4" and summary.band == "healthy"
    stakeholder_map = data["map"]
    assert len(stakeholder_map.nodes) == 5  # every rated stakeholder; the unrated one listed
    assert stakeholder_map.unrated == ("Nia Newcomer",)
    assert {e.type for e in stakeholder_map.edges} == {"reports_to", "influences",
                                                       "conflicts", "informal"}
    heat = data["heatmap"]
    assert heat.business_units == ("Plants", "Service", "Digital")
    assert heat.product_lines == ("Platform", "Analytics", "Services")
    assert heat.cells("Service", "Analytics")[0].value == "400k"
    card = data["cards"][0]
    assert (card.total, card.previous, card.delta, card.delta_tone) == ("4", "2.5", "+1.5", "up")


def test_report_shows_every_part(report: str) -> None:
    for anchor in ("findings", "stakeholders", "whitespace", "objectives", "risks", "scores",
                   "opportunities", "plan"):
        assert f'id="{anchor}"' in report
    assert report.count('<g class="stakeholder">') == 5
    assert report.count('class="edge reports_to"') == 2
    assert 'marker-end="url(#arrow-influences)"' in report
    assert 'class="ws ws-owned"' in report and ">500k<" in report
    assert "not assessed" in report  # Digital x Analytics has no cell
    assert "overdue" in report and "Chris Finance, CFO, 1 Feb 2026" in report
    assert "not signed off" in report
    assert "+1.5 since 2.5" in report
    assert "Analytics pilot in two plants" in report and "Rita Ops" in report
    assert "Competitor undercuts the Service renewal" in report and "16 · high" in report
    assert "Platform renewal" in report  # the opportunity
    assert "2. Plan the work" in report and "current step" in report
    assert "Strong sponsor in operations" in report


def test_hostile_text_is_inert_everywhere_in_the_report(report: str) -> None:
    for raw in (HOSTILE_NAME, HOSTILE_NOTE, HOSTILE_KEY, "<script", "<img", "<b "):
        assert raw not in report, raw  # (their text is there, escaped: see below)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    # inside SVG text and attributes too
    svg = report[report.index("<svg"):report.index("</svg>")]
    assert ">&lt;script&gt;alert(1)&lt;/script&gt;</text>" in svg or "&lt;script&gt;" in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \u00b7 Head of Procurement" in svg
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in report
    assert HOSTILE_ACTION_TITLE.replace('"', "&#34;") in report  # shown as text


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)


def test_report_is_self_contained_and_script_free(report: str) -> None:
    parsed = _Elements()
    parsed.feed(report)
    assert not set(parsed.tags) & {"script", "iframe", "object", "embed", "img", "link",
                                   "base", "form", "input", "audio", "video", "source"}
    assert not [a for a in parsed.attributes if a[1].startswith("on")]
    for tag, name, value in parsed.attributes:
        if name in ("href", "src", "xlink:href", "action"):
            assert value.startswith("#"), (tag, name, value)
    assert not re.search(r"url\((?!#arrow-)", report)
    assert "@import" not in report
    assert "default-src 'none'" in report  # the CSP forbids any fetch and any script


def test_review_pack_options_add_what_changed(report_context: ExportContext) -> None:
    """The option keys of :mod:`kamcore.reviewpack` (``kam export --review-pack``)."""
    import attrs

    options = {
        "review_pack": True, "as_of": TODAY.isoformat(),
        "last_review": {"id": "r1", "number": 1, "kind": "customer", "date": "2026-02-01",
                        "plan_revision": 1, "attendees": [], "decisions": [HOSTILE_NAME]},
        "changes_since": "review:1 (customer review on 2026-02-01, plan revision 1)",
        "changes_since_review": ["action a2: open -> in progress", f"owner {HOSTILE_NAME}"],
        "due": [{"kind": "customer", "title": "Quarterly business review", "every": "3 months",
                 "last": "2026-02-01", "due": "2026-05-01", "overdue": True,
                 "days_overdue": 12}],
    }
    text = render_html(attrs.evolve(report_context, options=options))
    assert 'id="changes"' in text and "Review pack" in text
    assert "action a2: open -&gt; in progress" in text
    assert "owner &lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script" not in text
    assert "Quarterly business review" in text and "overdue 12 days" in text
    assert "changes since review:1 (customer review on 2026-02-01" in text
    plain = render_html(report_context)
    assert 'id="changes"' not in plain and "Review pack" not in plain


def test_report_without_methodology_or_data(kam_workspace: Workspace, kam_registry) -> None:
    from kamcore.exporting import export_context

    kam_workspace.save(sample_account(), base_revision=0)
    plan = kam_workspace.save(Plan(id="bare", account_id="acme", step="start",
                                   methodology=MethodologyRef(name="gone", version="1")),
                              base_revision=0)
    text = render_html(export_context(kam_workspace, kam_registry, plan))
    assert "gone 1 (not installed)" in text
    assert "No stakeholder has been rated" in text and "No whitespace cells" in text
    assert "The plan has no sections yet." in text


def test_renders_the_example_of_every_installed_methodology(tmp_path: Path) -> None:
    """sama7, medpicc and simple_plan keep their actions, objectives and whitespace in
    differently named sections: the report and the CSV find them all the same."""
    from kamcore.builtin.csv_actions import render_csv
    from kamcore.exporting import export_context
    from kamcore.planning import set_section
    from kamcore.plugin.registry import Registry
    from kamcore.testing import sample_plan

    host = make_plugin_host(allowlist=frozenset({"sama7", "medpicc", "simple_plan"}),
                            strict=False)
    registry = Registry(host)
    if not registry.methodologies:
        pytest.skip("no methodology plugin is installed")
    with Workspace.open(tmp_path / "examples.db", create=True,
                        listener=HookEvents(host)) as workspace:
        workspace.save(sample_account(), base_revision=0)
        workspace.save(sample_stakeholder(), base_revision=0)
        for methodology in registry.methodologies.values():
            example = sample_plan(methodology, id=f"acme-{methodology.name}", sections={})
            plan = workspace.save(example, base_revision=0)
            for key, data in methodology.document.get("example", {}).get("sections",
                                                                         {}).items():
                plan = set_section(workspace, methodology, plan, key, data)
            context = export_context(workspace, registry, plan)
            items = find_items(plan, methodology)
            text = render_html(context)
            assert methodology.title in text
            for action in items.actions:
                assert str(escape(action.model.title)) in text
            rows = list(csv.DictReader(io.StringIO(render_csv(context))))
            assert [r["title"] for r in rows] == [a.model.title for a in items.actions]
            if methodology.derives_from("sama7"):
                assert len(items.objectives) == 2 and len(items.actions) == 2
                assert len(items.whitespace) == 2
            if methodology.name == "simple_plan":
                assert len(items.risks) == 1 and len(items.people) == 3


def test_markdown_keeps_the_report_plan_inert(report_context: ExportContext) -> None:
    from kamcore.builtin.markdown import render_markdown

    text = render_markdown(report_context)
    assert "<script>" not in text and "<img" not in text
    assert "=HYPERLINK(" not in text and "\\=HYPERLINK\\(" in text


def test_csv_lists_every_action_inert(report_context: ExportContext) -> None:
    from kamcore.builtin.csv_actions import render_csv

    rows = list(csv.DictReader(io.StringIO(render_csv(report_context))))
    assert [r["id"] for r in rows] == ["a1", "a2", "a3"]
    assert rows[0]["title"] == "'" + HOSTILE_ACTION_TITLE
    assert rows[0]["owner"] == HOSTILE_NAME  # text in a data format: no formula, nothing to run
    assert rows[0]["section"] == "value_plan" and rows[1]["status"] == "in_progress"


def test_portfolio_page_escapes_and_links(report_context: ExportContext) -> None:
    from kamcore.builtin.html import plan_summary

    summary = plan_summary(report_context)
    page = render_portfolio([(summary, "acme report.html")], as_of=TODAY)
    assert 'href="acme%20report.html"' in page
    assert "Acme Industrial" in page and "1 overdue" in page
    assert "<script" not in page


# -- kam export --all ----------------------------------------------------------------------------


@pytest.fixture
def report_workspace(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A workspace with the report plan and a second plan, and the env that installs
    ``kt-report`` (through ``KAMCORE_METHODOLOGY_PATH``)."""
    folder = tmp_path / "methodologies"
    folder.mkdir()
    (folder / "kt-report.yaml").write_text(REPORT_METHODOLOGY, encoding="utf-8")
    path = tmp_path / "ws.db"
    host = make_plugin_host(entry_points=False, strict=False)
    with Workspace.open(path, create=True, listener=HookEvents(host)) as workspace:
        seed_report_plan(workspace)
        workspace.save(sample_account(id="beta", name="Beta & Sons <Ltd>", external_ids={}),
                       base_revision=0)
        workspace.save(Stakeholder(id="beta.ceo", account_id="beta", name="Bo Beta",
                                   influence=5, support=1), base_revision=0)
        workspace.save(Plan(id="beta:plan", account_id="beta", step="understand",
                            methodology=MethodologyRef(name="kt-report", version="1.0")),
                       base_revision=0)
    return path, {"KAMCORE_METHODOLOGY_PATH": str(folder)}


def test_export_all_writes_a_report_per_plan_and_an_index(kam_run, report_workspace,
                                                          tmp_path: Path) -> None:
    db, env = report_workspace
    out = tmp_path / "reports" / "q3"
    result = kam_run("-w", str(db), "export", "--all", "--format", "html", "-o", str(out),
                     env=env)
    assert result.code == 0, result
    assert "wrote 2 plans" in result.err
    assert sorted(p.name for p in out.iterdir()) == ["acme-report.html", "beta_plan.html",
                                                     "index.html"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="acme-report.html"' in index and 'href="beta_plan.html"' in index
    assert "Beta &amp; Sons &lt;Ltd&gt;" in index
    assert "Report test methodology" in index
    report = (out / "acme-report.html").read_text(encoding="utf-8")
    assert "Joint objectives" in report and "&lt;script&gt;" in report
    # the single-plan form still works, to stdout and to a file
    one = kam_run("-w", str(db), "export", "acme-report", "-f", "html", env=env)
    assert one.code == 0 and one.out.startswith("<!DOCTYPE html>")
    assert kam_run("-w", str(db), "export", "acme-report", "-f", "csv", "-o",
                   str(tmp_path / "a.csv"), env=env).code == 0
    assert (tmp_path / "a.csv").read_text(encoding="utf-8").count("\n") == 4


def test_export_all_other_formats_write_no_index(kam_run, report_workspace,
                                                 tmp_path: Path) -> None:
    db, env = report_workspace
    out = tmp_path / "json"
    assert kam_run("-w", str(db), "export", "--all", "-f", "json", "-o", str(out),
                   env=env).code == 0
    assert sorted(p.name for p in out.iterdir()) == ["acme-report.json", "beta_plan.json"]


def test_export_all_refuses_a_plan_without_its_account(kam_run, report_workspace,
                                                       tmp_path: Path) -> None:
    db, env = report_workspace
    with Workspace.open(db) as workspace:
        workspace.save(Plan(id="lost", account_id="ghost", step="understand",
                            methodology=MethodologyRef(name="kt-report", version="1.0")),
                       base_revision=0)
    out = tmp_path / "json"
    result = kam_run("-w", str(db), "export", "--all", "-f", "json", "-o", str(out), env=env)
    assert result.code == 2 and "ghost" in result.err, result
    assert not out.exists()  # nothing half-written


def test_export_all_refuses_bad_input(kam_run, report_workspace, tmp_path: Path) -> None:
    db, _env = report_workspace
    a_file = tmp_path / "taken.html"
    a_file.write_text("keep me", encoding="utf-8")
    kam_run("-w", str(db), "export", "--all", "-f", "html").assert_usage_error("-o DIR")
    kam_run("-w", str(db), "export", "--all", "-o", "-").assert_usage_error("-o DIR")
    kam_run("-w", str(db), "export", "acme-report", "--all", "-o", str(tmp_path / "x")
            ).assert_usage_error("not both")
    kam_run("-w", str(db), "export").assert_usage_error("--all")
    kam_run("-w", str(db), "export", "--all", "-o", str(a_file)).assert_usage_error(
        "is a file, not a folder")
    kam_run("-w", str(db), "export", "--all", "-f", "pdf", "-o", str(tmp_path / "y")
            ).assert_usage_error("no exporter named 'pdf'")
    kam_run("-w", str(db), "export", "acme-report", "-o", str(tmp_path)).assert_usage_error(
        "is a folder")
    assert a_file.read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_export_all_writes_nothing_when_a_plan_fails(kam_run, report_workspace,
                                                     tmp_path: Path, monkeypatch) -> None:
    db, env = report_workspace
    out = tmp_path / "out"
    out.mkdir()
    (out / "acme-report.html").write_text("old", encoding="utf-8")
    import kamcore.builtin.html as html_module

    calls = []

    def failing(context: ExportContext) -> str:
        calls.append(context.plan.id)
        if len(calls) == 2:
            raise RuntimeError("renderer broke")
        return "new"

    monkeypatch.setattr(html_module, "render_html", failing)
    result = kam_run("-w", str(db), "export", "--all", "-f", "html", "-o", str(out), env=env)
    # a raising exporter is its plugin's failure (exit 2, named), not an internal error
    assert result.code == 2 and "renderer broke" in result.err
    assert "exporter 'html' of plugin 'kamcore.builtin.exporters' failed" in result.err
    assert [p.name for p in out.iterdir()] == ["acme-report.html"]  # no temporary left
    assert (out / "acme-report.html").read_text(encoding="utf-8") == "old"


def test_export_file_names_are_safe_and_unique() -> None:
    from kamcore.operations.transfer import file_name

    taken = {"index.html"}
    assert file_name("index", ".html", taken) == "index-2.html"
    assert file_name("a:b", ".html", taken) == "a_b.html"
    assert file_name("a_b", ".html", taken) == "a_b-2.html"
    assert file_name("A_B", ".html", taken) == "A_B-3.html"


def test_kam_help_does_not_import_jinja(kam_env) -> None:
    code = ("import sys; from kamcore.cli import run; run(['export', '--help']); "
            "print('JINJA', 'jinja2' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=kam_env(None), timeout=60)
    assert "JINJA False" in proc.stdout, proc.stdout + proc.stderr


# -- in a real browser ---------------------------------------------------------------------------

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                  "--enable-logging=stderr", "--v=0")


def _run_chromium(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args,
                           page.as_uri()], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)


def console_problems(stderr: str) -> list[str]:
    """Lines where the page's console said something, or a script failed."""
    return [line for line in stderr.splitlines()
            if ":CONSOLE" in line or "Uncaught" in line or "Content Security Policy" in line]


def png_facts(data: bytes) -> tuple[int, int, int]:
    """Width, height and how many different pixel values a PNG screenshot has."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
            return width, height, len(colours) if colours is not None else 1 << 20
    except ImportError:  # decode the rows ourselves: count distinct filtered scanlines
        chunks, offset = [], 8
        while offset < len(data):
            length = struct.unpack(">I", data[offset:offset + 4])[0]
            kind = data[offset + 4:offset + 8]
            if kind == b"IDAT":
                chunks.append(data[offset + 8:offset + 8 + length])
            offset += 12 + length
        raw = zlib.decompress(b"".join(chunks))
        return width, height, len(set(raw))


def test_console_problems_are_detected(tmp_path: Path) -> None:
    """The check below would catch a failing page (so its silence means something)."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><title>x</title><p>x</p>"
                    "<script>console.error('boom'); undefinedFunction();</script>",
                    encoding="utf-8")
    result = _run_chromium(tmp_path, page, "--dump-dom")
    problems = console_problems(result.stderr)
    assert any("boom" in line for line in problems), result.stderr[-2000:]
    assert any("Uncaught" in line for line in problems), result.stderr[-2000:]


def test_report_renders_in_chromium(report: str, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(report, encoding="utf-8")
    dom = _run_chromium(tmp_path, page, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<svg" in dom.stdout and dom.stdout.count("<circle") == 5
    assert dom.stdout.count('class="edge ') == 5
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom.stdout
    assert "<script" not in dom.stdout
    assert console_problems(dom.stderr) == [], console_problems(dom.stderr)

    shot = tmp_path / "report.png"
    taken = _run_chromium(tmp_path, page, f"--screenshot={shot}", "--window-size=1280,2400")
    assert taken.returncode == 0 and shot.exists(), taken.stderr[-2000:]
    assert console_problems(taken.stderr) == []
    width, height, colours = png_facts(shot.read_bytes())
    assert (width, height) == (1280, 2400)
    assert colours > 50, "the screenshot is (nearly) a single colour"
    assert shot.stat().st_size > 20_000


def test_portfolio_page_renders_in_chromium(report_context: ExportContext,
                                            tmp_path: Path) -> None:
    from kamcore.builtin.html import plan_summary

    page = tmp_path / "index.html"
    page.write_text(render_portfolio([(plan_summary(report_context), "acme-report.html")]),
                    encoding="utf-8")
    dom = _run_chromium(tmp_path, page, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'href="acme-report.html"' in dom.stdout and "Acme Industrial" in dom.stdout
    assert console_problems(dom.stderr) == []


@pytest.mark.parametrize(("value", "expected"), [
    (date(2026, 3, 1), date(2026, 3, 1)),
    (datetime(2026, 3, 1, 17, 30), date(2026, 3, 1)),
    ("2026-03-01", date(2026, 3, 1)),
    ("not a date", None),
    (None, None),
])
def test_export_context_report_date(report_context: ExportContext, value: object,
                                    expected: date | None) -> None:
    context = attrs.evolve(report_context, options={"as_of": value} if value else {})
    assert context.as_of == (expected or date.today())


def test_markdown_and_html_number_steps_once(report_context: ExportContext) -> None:
    from kamcore.builtin.markdown import render_markdown

    markdown = render_markdown(report_context)
    assert "### 1. Understand the account" in markdown
    assert "1. 1." not in markdown
    html = render_html(report_context)
    assert "1. Understand the account" in html
    assert "1. 1." not in html


def test_html_and_markdown_write_support_with_a_real_minus(report_context: ExportContext) -> None:
    from kamcore.builtin.markdown import render_markdown

    html = render_html(report_context)
    assert "support \u22122" in html and "support -2" not in html  # the map's tooltip
    markdown = render_markdown(report_context)
    hostile = next(line for line in markdown.splitlines() if "Head of Procurement" in line)
    assert "| 4 | \u22122 |" in hostile  # influence, support
    coo = next(line for line in markdown.splitlines() if "| COO |" in line)
    assert "| 5 | \\+2 |" in coo  # Markdown escapes the plus


def test_findings_say_where_in_words_not_paths(report_context: ExportContext) -> None:
    """Issue 25, point 1: findings showed ``Where: sections.value_plan.initiatives[0].due``."""
    from kamcore.builtin.html import render_html
    from kamcore.builtin.markdown import render_markdown

    finding = Finding(severity="warning", code="action-overdue", message="late",
                      path="sections.value_plan.initiatives[0].due")
    context = attrs.evolve(report_context, findings=(finding,))
    title = report_context.plan.sections["value_plan"]["initiatives"][0]["title"]
    for text in (render_markdown(context), render_html(context)):
        assert "sections." not in text
        assert "Value plan \u203a Initiative" in text and "\u203a Due" in text
    assert str(escape(title))[:20] in render_html(context)


def test_the_report_carries_the_account_metrics(tmp_path: Path) -> None:
    """The HTML export carries the programme metrics of the account, with their targets."""
    from kamcore import operations
    from kamcore.operations import Actor
    from kamcore.plugin.host import make_plugin_host
    from kamcore.plugin.registry import Registry

    registry = Registry(make_plugin_host(allowlist=frozenset({"sama7"})))
    dana = Actor("dana")
    with Workspace.open(tmp_path / "kam.db", create=True) as ws:
        operations.add_account(ws, dana, "Acme", account_id="acme", tier="strategic")
        plan = operations.new_plan(ws, dana, "acme", "sama7", registry=registry)
        for period, booked, expansion in (("2025-Q4", 400_000.0, 0.0),
                                          ("2026-Q4", 500_000.0, 150_000.0)):
            operations.record_revenue(ws, dana, "acme", period, booked=booked,
                                      expansion=expansion)
        exported = operations.export_plan(ws, plan.id, "html", as_of=date(2026, 12, 31),
                                          registry=registry)
    html = str(exported.content)
    assert 'id="metrics"' in html and "2026-Q4" in html
    assert "Net revenue retention" in html and "115-130%" in html and "138%" in html

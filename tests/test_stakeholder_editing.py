"""The stakeholder map's operations (remove with references, touch, reporting cycles,
placeholders, contacts, tiers from a rubric) and how placeholders and dotted lines show in
the findings, signals and reports -- on a real SQLite workspace."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kamcore import operations
from kamcore.builtin import signals
from kamcore.errors import ConflictError, InvalidInputError, NotFoundError
from kamcore.model import Account, MethodologyRef, Opportunity, Plan, Relationship, Stakeholder
from kamcore.operations import Actor
from kamcore.plugin.host import make_plugin_host
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

DANA = Actor("dana")
TODAY = date(2026, 11, 30)


@pytest.fixture
def registry(method_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Registry:
    """The built-ins, with kt-gated found on the methodology path."""
    for key, value in method_env.items():
        monkeypatch.setenv(key, value)
    return Registry(make_plugin_host(entry_points=False, strict=True))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The workspace file (its rows are counted before and after refused changes)."""
    return tmp_path / "kam.db"


@pytest.fixture
def ws(db: Path) -> Iterator[Workspace]:
    """Acme with Helen (CEO), Raj reporting to her, Lena reporting to Raj with a dotted line
    to the CFO, a placeholder reporting to Helen."""
    workspace = Workspace.open(db, create=True)
    operations.add_account(workspace, DANA, "Acme")
    add = operations.add_stakeholder
    add(workspace, DANA, "acme", "Helen", title="CEO", influence=5, support=1,
        roles=["economic_buyer"], relationship_strength=3, last_contact=TODAY)
    add(workspace, DANA, "acme", "Raj", influence=4, support=2, reports_to="acme.helen")
    add(workspace, DANA, "acme", "Lena", influence=3, support=0, reports_to="acme.raj")
    add(workspace, DANA, "acme", "CFO", placeholder=True, roles=["approver"], influence=5,
        support=0, reports_to="acme.helen")
    operations.add_relationship(workspace, DANA, "acme.lena", "dotted_line", "acme.cfo")
    yield workspace
    workspace.close()


def _counts(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        return (conn.execute("SELECT count(*) FROM records").fetchone()[0],
                conn.execute("SELECT count(*) FROM revisions").fetchone()[0])


# -- reporting lines ------------------------------------------------------------------------


def test_a_reports_to_cycle_is_refused_naming_it(ws: Workspace, db: Path) -> None:
    before = _counts(db)
    with pytest.raises(InvalidInputError,
                       match=r"cycle: acme\.helen -> acme\.lena -> acme\.raj -> acme\.helen"):
        operations.add_relationship(ws, DANA, "acme.helen", "reports_to", "acme.lena")
    # a dotted line may close a loop (a matrix often does); other lines are not followed
    operations.add_relationship(ws, DANA, "acme.helen", "dotted_line", "acme.lena")
    assert _counts(db)[0] == before[0] + 1


def test_set_reports_to_replaces_the_line_and_refuses_a_cycle(ws: Workspace, db: Path) -> None:
    operations.edit_stakeholder(ws, DANA, "acme.lena", {}, reports_to="acme.helen")
    managers = {r.source_id: r.target_id for r in ws.iter(Relationship)
                if r.type == "reports_to"}
    assert managers["acme.lena"] == "acme.helen"
    before = _counts(db)
    with pytest.raises(InvalidInputError, match=r"acme\.helen -> acme\.raj -> acme\.helen"):
        operations.edit_stakeholder(ws, DANA, "acme.helen", {"title": "Chair"},
                                    reports_to="acme.raj")
    assert _counts(db) == before and ws.get(Stakeholder, "acme.helen").title == "CEO"
    operations.edit_stakeholder(ws, DANA, "acme.lena", {}, clear_reports_to=True)
    assert not [r for r in ws.iter(Relationship) if r.source_id == "acme.lena"
                and r.type == "reports_to"]


# -- removing --------------------------------------------------------------------------------


def test_remove_is_refused_with_every_reference_then_cascades(ws: Workspace, db: Path) -> None:
    operations.add_opportunity(ws, DANA, "acme", "Deal", contact_roles={"acme.raj": "champion",
                                                                        "acme.helen": "signer"})
    ws.save(Plan(id="p1", account_id="acme", step="analyse",
                 methodology=MethodologyRef(name="kt-gated", version="1.0"),
                 sections={"map": [{"stakeholder_id": "acme.raj", "influence": 4}]}),
            base_revision=0)
    before = _counts(db)
    with pytest.raises(InvalidInputError) as refused:
        operations.remove_stakeholder(ws, DANA, "acme.raj")
    assert [str(p) for p in refused.value.problems] == [
        "relationship acme.lena.reports_to.raj: acme.lena reports_to acme.raj",
        "relationship acme.raj.reports_to.helen: acme.raj reports_to acme.helen",
        "opportunity acme.deal: contact (champion)",
        "plan p1: stakeholder map entry at sections.map[0]"]
    assert _counts(db) == before

    done = operations.remove_stakeholder(ws, Actor("kim"), "acme.raj", cascade=True)
    assert [r.id for r in done.relationships] == ["acme.lena.reports_to.raj",
                                                   "acme.raj.reports_to.helen"]
    assert [(o.id, o.revision) for o in done.opportunities] == [("acme.deal", 2)]
    assert [(e.plan_id, e.path) for e in done.plan_entries] == [("p1", "sections.map[0]")]
    assert ws.find(Stakeholder, "acme.raj") is None
    assert ws.get(Opportunity, "acme.deal").contact_roles == {"acme.helen": "signer"}
    assert ws.get(Plan, "p1").revision == 1  # plans are not rewritten
    assert ws.history(Stakeholder, "acme.raj")[-1].saved_by == "kim"


def test_remove_based_on_an_old_revision_conflicts(ws: Workspace, db: Path) -> None:
    operations.edit_stakeholder(ws, Actor("lee"), "acme.lena", {"title": "Head"})
    before = _counts(db)
    with pytest.raises(ConflictError, match=r"now at revision 2 \(changed by lee at ") as info:
        operations.remove_stakeholder(ws, DANA, "acme.lena", cascade=True, base_revision=1)
    assert info.value.exit_code == 1
    assert _counts(db) == before  # the cascade's removals were rolled back too


def test_remove_relationship_and_opportunity(ws: Workspace) -> None:
    operations.add_opportunity(ws, DANA, "acme", "Deal", amount=10)
    assert operations.remove_opportunity(ws, DANA, "acme.deal").amount == 10
    operations.remove_relationship(ws, DANA, "acme.lena.dotted_line.cfo")
    assert ws.find(Opportunity, "acme.deal") is None
    assert ws.find(Relationship, "acme.lena.dotted_line.cfo") is None
    with pytest.raises(NotFoundError):
        operations.remove_relationship(ws, DANA, "acme.lena.dotted_line.cfo")


# -- touch, clear, contacts, tier ------------------------------------------------------------


def test_touch_records_a_contact_but_not_with_a_placeholder(ws: Workspace) -> None:
    touched = operations.touch_stakeholder(ws, DANA, "acme.lena", on=date(2026, 11, 2),
                                           today=TODAY)
    assert (touched.last_contact, touched.revision) == (date(2026, 11, 2), 2)
    earlier = operations.touch_stakeholder(ws, DANA, "acme.lena", on=date(2026, 10, 1),
                                           today=TODAY)
    assert (earlier.last_contact, earlier.revision) == (date(2026, 11, 2), 2)
    with pytest.raises(InvalidInputError, match="in the future"):
        operations.touch_stakeholder(ws, DANA, "acme.lena", on=date(2026, 12, 1), today=TODAY)
    with pytest.raises(InvalidInputError, match="is a placeholder"):
        operations.touch_stakeholder(ws, DANA, "acme.cfo", today=TODAY)


def test_clear_sets_fields_back_and_refuses_required_ones(ws: Workspace) -> None:
    cleared = operations.edit_stakeholder(ws, DANA, "acme.helen", {},
                                          clear=["title", "roles", "last_contact"])
    assert (cleared.title, cleared.roles, cleared.last_contact) == (None, frozenset(), None)
    with pytest.raises(InvalidInputError) as refused:
        operations.edit_stakeholder(ws, DANA, "acme.helen", {"influence": 2},
                                    clear=["name", "influence", "colour"])
    assert [p.path for p in refused.value.problems] == [("colour",), ("influence",), ("name",)]


def test_opportunity_contacts_must_be_stakeholders_of_the_account(ws: Workspace) -> None:
    operations.add_account(ws, DANA, "Other")
    operations.add_stakeholder(ws, DANA, "other", "Olga")
    with pytest.raises(InvalidInputError) as refused:
        operations.add_opportunity(ws, DANA, "acme", "Deal",
                                   contact_roles={"other.olga": "x", "ghost": "y"})
    assert [p.path for p in refused.value.problems] == [("contact_roles", "ghost"),
                                                        ("contact_roles", "other.olga")]


def test_tier_from_rubric_takes_the_latest_band(ws: Workspace) -> None:
    with pytest.raises(InvalidInputError, match="no score card of rubric 'account-tiering'"):
        operations.set_tier_from_rubric(ws, DANA, "acme", "account-tiering")
    inputs = {"revenue_contribution": 5, "expansion_potential": 4, "strategic_value": 4,
              "relationship_health": 3, "competitive_risk": 2}
    card = operations.score_account(ws, DANA, "acme", "account-tiering", inputs)
    account, used = operations.set_tier_from_rubric(ws, DANA, "acme", "account-tiering")
    assert (account.tier, used.id, account.revision) == (card.band, card.id, 2)
    assert ws.get(Account, "acme").tier == "key"


# -- placeholders in findings, signals and reports -------------------------------------------


def test_placeholders_in_findings_and_signals(ws: Workspace, registry: Registry) -> None:
    ws.save(Plan(id="p1", account_id="acme", step="analyse",
                 methodology=MethodologyRef(name="kt-gated", version="1.0")), base_revision=0)
    _, findings = operations.check(ws, "p1", as_of=TODAY, registry=registry)
    not_contacted = {f.subject for f in findings if f.code == "stakeholder-not-contacted"}
    assert not_contacted == {"acme.raj", "acme.lena"}  # never the placeholder CFO
    gaps = [f for f in findings if f.code == "role-held-by-placeholder"]
    assert [(g.subject, g.severity) for g in gaps] == [("acme.cfo", "warning")]
    assert "approver role, only a placeholder (CFO: unknown)" in gaps[0].message

    snapshot = ws.snapshot("acme")
    assert signals.stakeholder_coverage(snapshot) == 0.25  # the CFO counts, uncovered
    operations.edit_stakeholder(ws, DANA, "acme.cfo", {"roles": ["economic_buyer"]})
    assert signals.economic_buyer_known(ws.snapshot("acme")) == 1.0  # Helen, not the CFO
    operations.edit_stakeholder(ws, DANA, "acme.helen", {}, clear=["roles"])
    assert signals.economic_buyer_known(ws.snapshot("acme")) == 0.0


def test_reports_draw_placeholders_and_dotted_lines(ws: Workspace, registry: Registry) -> None:
    ws.save(Plan(id="p1", account_id="acme", step="analyse",
                 methodology=MethodologyRef(name="kt-gated", version="1.0")), base_revision=0)
    html = str(operations.export_plan(ws, "p1", "html", registry=registry).content)
    assert html.count('<g class="stakeholder placeholder">') == 1
    assert 'fill="#ffffff" stroke="#8c939d" stroke-width="2.5" stroke-dasharray="4 3"' in html
    assert "CFO: unknown" in html and '<span class="badge">placeholder</span>' in html
    dotted = html[html.index('class="edge dotted_line"'):].split(">", 1)[0]
    assert 'stroke-dasharray="0.1 5"' in dotted and 'stroke-linecap="round"' in dotted
    assert 'marker-end="url(#arrow-dotted_line)"' in dotted
    assert "Lena has a dotted line to CFO: unknown" in html
    markdown = str(operations.export_plan(ws, "p1", "markdown", registry=registry).content)
    assert "| CFO: unknown |" in markdown and "*dotted\\_line*" in markdown

"""The operations layer: every change through one typed function, on a real SQLite workspace.

The registry holds the built-ins and the ``kt-gated`` test methodology (contributed by an
in-process plugin, as any plugin would).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from kamcore import hookimpl, operations
from kamcore.errors import ConflictError, InvalidInputError, NotFoundError
from kamcore.model import Account, Plan, ScoreCard, Stakeholder
from kamcore.operations import Actor
from kamcore.planning import AdvanceRefused
from kamcore.plugin.host import make_plugin_host
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

DANA = Actor("dana")
SIGNED = [{"id": "o1", "title": "Cut costs by 10%",
           "customer_signoff": {"name": "Helen Park", "date": "2026-01-15"}}]


@pytest.fixture
def registry(methodology_dir: Path) -> Registry:
    class GatedMethodology:
        @hookimpl
        def kam_methodologies(self) -> list[Path]:
            return [methodology_dir / "kt-gated.yaml"]

    host = make_plugin_host(entry_points=False, strict=True,
                            extra={"gated": GatedMethodology()})
    return Registry(host)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "kam.db"


@pytest.fixture
def ws(db: Path) -> Iterator[Workspace]:
    workspace = Workspace.open(db, create=True)
    yield workspace
    workspace.close()


@pytest.fixture
def acme(ws: Workspace) -> Account:
    return operations.add_account(ws, DANA, "Acme Corp.", industry="Retail",
                                  business_units=["Stores", "Online"])


def _rows(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM revisions").fetchone()[0])


def _problem_paths(error: InvalidInputError) -> list[tuple[str | int, ...]]:
    return [problem.path for problem in error.problems]


# -- accounts -----------------------------------------------------------------------------------


def test_add_account_derives_the_id_and_records_the_actor(ws: Workspace, acme: Account) -> None:
    assert acme.id == "acme-corp"
    assert acme.business_units == frozenset({"Stores", "Online"})
    assert [(e.revision, e.saved_by) for e in ws.history(Account, "acme-corp")] == [(1, "dana")]


def test_add_account_refusals_write_nothing(ws: Workspace, db: Path, acme: Account) -> None:
    before = _rows(db)
    with pytest.raises(InvalidInputError) as invalid:
        operations.add_account(ws, DANA, "Bad", annual_revenue=-1)
    assert _problem_paths(invalid.value) == [("annual_revenue",)]
    with pytest.raises(NotFoundError, match="no account named 'nobody'; available: acme-corp"):
        operations.add_account(ws, DANA, "Child", parent_id="nobody")
    with pytest.raises(ConflictError, match="already exists at revision 1"):
        operations.add_account(ws, DANA, "Acme Corp.")
    assert _rows(db) == before


def test_edit_account_changes_only_the_fields_given(ws: Workspace, acme: Account) -> None:
    edited = operations.edit_account(ws, Actor("lee"), "acme-corp", {"tier": "strategic"},
                                     base_revision=1)
    assert (edited.revision, edited.tier, edited.industry) == (2, "strategic", "Retail")
    assert ws.get(Account, "acme-corp").updated_by == "lee"
    # nothing to change: no new revision
    same = operations.edit_account(ws, DANA, "acme-corp", {"tier": "strategic"})
    assert same.revision == 2
    assert len(ws.history(Account, "acme-corp")) == 2


def test_edit_based_on_an_old_revision_is_a_conflict_and_writes_nothing(
        ws: Workspace, db: Path, acme: Account) -> None:
    operations.edit_account(ws, DANA, "acme-corp", {"tier": "key"})
    before = _rows(db)
    with pytest.raises(ConflictError, match="based on revision 1 refused, it is now at revision 2"):
        operations.edit_account(ws, Actor("lee"), "acme-corp", {"tier": "growth"},
                                base_revision=1)
    assert _rows(db) == before
    assert ws.get(Account, "acme-corp").tier == "key"


@pytest.mark.parametrize(("changes", "paths"), [
    ({"id": "other"}, [("id",)]),
    ({"revision": 7, "updated_by": "x"}, [("revision",), ("updated_by",)]),
    ({"colour": "red"}, [("colour",)]),
    ({"annual_revenue": "lots"}, [("annual_revenue",)]),
])
def test_edit_refuses_fixed_unknown_and_invalid_fields(ws: Workspace, acme: Account,
                                                       changes: dict[str, Any],
                                                       paths: list[tuple[str]]) -> None:
    with pytest.raises(InvalidInputError) as refused:
        operations.edit_account(ws, DANA, "acme-corp", changes)
    assert _problem_paths(refused.value) == paths
    assert ws.get(Account, "acme-corp").revision == 1


def test_an_account_cannot_be_its_own_parent(ws: Workspace, acme: Account) -> None:
    with pytest.raises(InvalidInputError, match="cannot be its own parent"):
        operations.edit_account(ws, DANA, "acme-corp", {"parent_id": "acme-corp"})
    with pytest.raises(NotFoundError):
        operations.edit_account(ws, DANA, "acme-corp", {"parent_id": "ghost"})


# -- the stakeholder map ------------------------------------------------------------------------


def test_stakeholders_and_relationships(ws: Workspace, acme: Account) -> None:
    helen = operations.add_stakeholder(ws, DANA, "acme-corp", "Helen Park", title="CEO",
                                       roles={"economic_buyer"}, influence=5, support=1)
    raj = operations.add_stakeholder(ws, DANA, "acme-corp", "Raj Iyer", stakeholder_id="acme.raj")
    assert helen.id == "acme-corp.helen-park"
    link = operations.add_relationship(ws, DANA, raj.id, "reports_to", helen.id)
    assert (link.id, link.account_id) == ("acme.raj.reports_to.helen-park", "acme-corp")
    moved = operations.edit_stakeholder(ws, DANA, helen.id, {"support": 2, "title": None})
    assert (moved.support, moved.title, moved.revision) == (2, None, 2)
    snapshot = ws.snapshot("acme-corp")
    assert [s.id for s in snapshot.stakeholders] == ["acme-corp.helen-park", "acme.raj"]
    assert [r.id for r in snapshot.relationships] == [link.id]


def test_stakeholder_refusals(ws: Workspace, db: Path, acme: Account) -> None:
    helen = operations.add_stakeholder(ws, DANA, "acme-corp", "Helen Park")
    before = _rows(db)
    with pytest.raises(NotFoundError, match="no account named 'ghost'"):
        operations.add_stakeholder(ws, DANA, "ghost", "Nobody")
    with pytest.raises(InvalidInputError) as invalid:
        operations.add_stakeholder(ws, DANA, "acme-corp", "Loud", influence=9, support=-3)
    assert _problem_paths(invalid.value) == [("influence",), ("support",)]
    with pytest.raises(InvalidInputError, match="cannot change account_id"):
        operations.edit_stakeholder(ws, DANA, helen.id, {"account_id": "other"})
    with pytest.raises(InvalidInputError, match="two different stakeholders"):
        operations.add_relationship(ws, DANA, helen.id, "reports_to", helen.id)
    other = operations.add_account(ws, DANA, "Other")
    before = _rows(db)
    stranger = operations.add_stakeholder(ws, DANA, other.id, "Stranger")
    with pytest.raises(InvalidInputError, match="belong to different accounts") as crossed:
        operations.add_relationship(ws, DANA, helen.id, "reports_to", stranger.id)
    assert _problem_paths(crossed.value) == [("target_id",)]
    with pytest.raises(NotFoundError, match=r"no stakeholder named 'other\.ghost'"):
        operations.add_relationship(ws, DANA, stranger.id, "reports_to", "other.ghost")
    assert _rows(db) == before + 1  # only the stranger


def test_a_relationship_of_an_unknown_type_is_refused_at_its_field(ws: Workspace,
                                                                   acme: Account) -> None:
    helen = operations.add_stakeholder(ws, DANA, "acme-corp", "Helen Park")
    raj = operations.add_stakeholder(ws, DANA, "acme-corp", "Raj Iyer")
    with pytest.raises(InvalidInputError) as refused:
        operations.add_relationship(ws, DANA, raj.id, "adores", helen.id)
    assert _problem_paths(refused.value) == [("type",)]


def test_opportunities(ws: Workspace, acme: Account) -> None:
    deal = operations.add_opportunity(ws, DANA, "acme-corp", "Pilot rollout", amount=120000,
                                      currency="EUR", close_date=date(2027, 3, 31))
    assert deal.id == "acme-corp.pilot-rollout"
    won = operations.edit_opportunity(ws, DANA, deal.id, {"status": "won"}, base_revision=1)
    assert (won.status, won.amount, won.revision) == ("won", 120000, 2)
    with pytest.raises(InvalidInputError) as refused:
        operations.edit_opportunity(ws, DANA, deal.id, {"probability": 140})
    assert _problem_paths(refused.value) == [("probability",)]


# -- plans ----------------------------------------------------------------------------------------


def test_a_plan_from_start_to_its_next_step(ws: Workspace, registry: Registry,
                                            acme: Account) -> None:
    plan = operations.new_plan(ws, DANA, "acme-corp", "kt-gated", period="FY2027",
                               registry=registry)
    assert (plan.id, plan.step) == ("acme-corp-kt-gated-FY2027", "analyse")
    with pytest.raises(AdvanceRefused) as refused:
        operations.advance(ws, DANA, plan.id, registry=registry)
    assert [f.code for f in refused.value.findings] == ["gate-not-met"]
    plan = operations.set_section(ws, DANA, plan.id, "objectives", SIGNED, base_revision=1,
                                  registry=registry)
    moved = operations.advance(ws, Actor("lee"), plan.id, registry=registry)
    assert (moved.step, moved.revision) == ("act", 3)
    _, findings = operations.check(ws, plan.id, registry=registry)
    assert not [f for f in findings if f.severity == "error"]
    assert [(e.revision, e.saved_by) for e in ws.history(Plan, plan.id)] == [
        (1, "dana"), (2, "dana"), (3, "lee")]


def test_a_stale_plan_change_is_a_conflict_before_its_gate_or_schema_is_judged(
        ws: Workspace, registry: Registry, acme: Account) -> None:
    plan = operations.new_plan(ws, DANA, "acme-corp", "kt-gated", registry=registry)
    operations.set_section(ws, DANA, plan.id, "objectives", [], registry=registry)
    with pytest.raises(ConflictError, match="changed by dana"):  # not AdvanceRefused
        operations.advance(ws, Actor("lee"), plan.id, base_revision=1, registry=registry)
    with pytest.raises(ConflictError):  # not InvalidInputError
        operations.set_section(ws, Actor("lee"), plan.id, "objectives", "not a list",
                               base_revision=1, registry=registry)
    assert ws.get(Plan, plan.id).revision == 2


def test_plan_refusals(ws: Workspace, db: Path, registry: Registry, acme: Account) -> None:
    with pytest.raises(NotFoundError, match="no methodology named 'nope'"):
        operations.new_plan(ws, DANA, "acme-corp", "nope", registry=registry)
    plan = operations.new_plan(ws, DANA, "acme-corp", "kt-gated", registry=registry)
    operations.set_section(ws, DANA, plan.id, "risks", [], registry=registry)
    before = _rows(db)
    with pytest.raises(ConflictError, match="based on revision 1 refused, it is now at revision 2"):
        operations.set_section(ws, DANA, plan.id, "objectives", SIGNED, base_revision=1,
                               registry=registry)
    with pytest.raises(InvalidInputError) as invalid:
        operations.set_section(ws, DANA, plan.id, "objectives", [{"title": 3}],
                               registry=registry)
    assert ("sections", "objectives", 0, "title") in _problem_paths(invalid.value)
    assert _rows(db) == before


def test_restore_plan_saves_an_earlier_content_as_a_new_revision(
        ws: Workspace, db: Path, registry: Registry, acme: Account) -> None:
    plan = operations.new_plan(ws, DANA, "acme-corp", "kt-gated", registry=registry)
    operations.set_section(ws, DANA, plan.id, "objectives", SIGNED, registry=registry)
    operations.advance(ws, DANA, plan.id, registry=registry)  # revision 3, at step act
    done = operations.restore_plan(ws, Actor("lee"), plan.id, "1")
    assert (done.saved, done.point.revision, done.plan.revision) == (True, 1, 4)
    assert (done.plan.step, done.plan.sections, done.plan.updated_by) == ("analyse", {}, "lee")
    assert ws.get(Plan, plan.id) == done.plan
    assert [e.revision for e in ws.history(Plan, plan.id)] == [1, 2, 3, 4]

    before = _rows(db)
    same = operations.restore_plan(ws, DANA, plan.id, "1")
    assert (same.saved, same.plan) == (False, done.plan)
    with pytest.raises(ConflictError, match="based on revision 3 refused"):
        operations.restore_plan(ws, DANA, plan.id, "2", base_revision=3)
    with pytest.raises(InvalidInputError, match="numbered 5; it has revisions 1 to 4"):
        operations.restore_plan(ws, DANA, plan.id, "5")
    assert _rows(db) == before


# -- reviews and scores ---------------------------------------------------------------------------


def test_record_review_notes_the_revision_cards_and_economic_buyers(
        ws: Workspace, registry: Registry, acme: Account) -> None:
    operations.add_stakeholder(ws, DANA, "acme-corp", "Helen Park", roles={"economic_buyer"})
    plan = operations.new_plan(ws, DANA, "acme-corp", "kt-gated", registry=registry)
    inputs = {"revenue_contribution": 4, "expansion_potential": 4, "strategic_value": 4,
              "relationship_health": 3, "competitive_risk": 3}
    first = operations.score_account(ws, DANA, "acme-corp", "account-tiering", inputs,
                                     registry=registry)
    latest = operations.score_account(ws, DANA, "acme-corp", "account-tiering",
                                      {**inputs, "strategic_value": "5"}, registry=registry)
    assert latest.total > first.total
    review = operations.record_review(ws, DANA, plan.id, "customer", date(2026, 3, 2),
                                      attendees=["Helen Park"], registry=registry, scores={
                                          "relationship_depth": 3, "pipeline_coverage": "4",
                                          "plan_currency": 5})
    assert review.id == f"{plan.id}.customer.2026-03-02"
    assert review.plan_revision == 1
    qbr = next(c for c in ws.iter(ScoreCard) if c.rubric.name == "qbr-health")
    assert qbr.plan_id == plan.id and qbr.values["pipeline_coverage"] == 4
    assert [card.id for card in review.score_cards] == [latest.id, qbr.id]
    assert review.economic_buyers == ["acme-corp.helen-park"]


def test_review_refusals(ws: Workspace, registry: Registry, acme: Account) -> None:
    plan = operations.new_plan(ws, DANA, "acme-corp", "kt-gated", registry=registry)
    with pytest.raises(InvalidInputError, match="in the future"):
        operations.record_review(ws, DANA, plan.id, "customer",
                                 date.today() + timedelta(days=1), registry=registry)
    with pytest.raises(InvalidInputError, match="unknown review kind 'weekly' for kt-gated; "
                                                "kinds: internal, customer"):
        operations.record_review(ws, DANA, plan.id, "weekly", date(2026, 1, 5),
                                 registry=registry)
    operations.record_review(ws, DANA, plan.id, "internal", date(2026, 1, 5), registry=registry)
    with pytest.raises(InvalidInputError, match="already recorded"):
        operations.record_review(ws, DANA, plan.id, "internal", date(2026, 1, 5),
                                 registry=registry)


def test_score_refusals(ws: Workspace, registry: Registry, acme: Account) -> None:
    with pytest.raises(InvalidInputError) as refused:
        operations.score_account(ws, DANA, "acme-corp", "account-tiering",
                                 {"revenue_contribution": "lots"}, registry=registry)
    assert "'lots' is not a number" in str(refused.value)
    with pytest.raises(InvalidInputError, match="needs a computed rubric"):
        operations.score_portfolio(ws, DANA, "account-tiering", save=True, registry=registry)
    rows = operations.score_portfolio(ws, DANA, "account-tiering", registry=registry)
    assert [(r.account_id, r.total, r.note) for r in rows] == [
        ("acme-corp", None, "not scored yet")]


# -- import and export -----------------------------------------------------------------------------


def test_export_then_import_a_bundle_round_trips(ws: Workspace, registry: Registry,
                                                 acme: Account, tmp_path: Path) -> None:
    operations.add_stakeholder(ws, DANA, "acme-corp", "Helen Park")
    plan = operations.new_plan(ws, DANA, "acme-corp", "kt-gated", registry=registry)
    exported = operations.export_plan(ws, plan.id, "json", registry=registry)
    assert exported.name == f"{plan.id}.json"
    bundle = tmp_path / exported.name
    bundle.write_text(str(exported.content), encoding="utf-8")
    with Workspace.open(tmp_path / "copy.db", create=True) as copy:
        seen: list[str] = []

        def observe(records: Any) -> Iterator[Any]:
            for record in records:
                seen.append(record.kind)
                yield record

        summary = operations.import_with(copy, Actor("importer"), "json", bundle,
                                         registry=registry, observe=observe)
        assert summary.total("created") == len(seen) == 3
        assert copy.get(Stakeholder, "acme-corp.helen-park").updated_by == "importer"
        again = operations.import_with(copy, DANA, "json", bundle, registry=registry)
        assert again.total("unchanged") == 3


def test_importing_a_stale_bundle_is_refused_unless_forced(ws: Workspace, db: Path,
                                                          registry: Registry, acme: Account,
                                                          tmp_path: Path) -> None:
    from kamcore.importing import StaleImportError

    plan = operations.new_plan(ws, DANA, "acme-corp", "kt-gated", registry=registry)
    bundle = tmp_path / "plan.json"
    bundle.write_text(str(operations.export_plan(ws, plan.id, "json", registry=registry)
                          .content), encoding="utf-8")
    operations.set_section(ws, Actor("lee"), plan.id, "risks", [], registry=registry)
    before = _rows(db)
    with pytest.raises(StaleImportError) as stale:
        operations.import_with(ws, DANA, "json", bundle, registry=registry)
    [conflict] = stale.value.conflicts
    assert (conflict.kind, conflict.record_id, conflict.exported_revision,
            conflict.current_revision, conflict.saved_by) == ("plan", plan.id, 1, 2, "lee")
    assert isinstance(stale.value, ConflictError) and _rows(db) == before
    forced = operations.import_with(ws, DANA, "json", bundle, force=True, registry=registry)
    assert forced.overwritten == [conflict] and forced.total("updated") == 1
    assert "risks" not in ws.get(Plan, plan.id).sections
    assert "risks" in ws.at_revision(Plan, plan.id, 2).sections


def test_export_portfolio_ends_with_the_exporters_index(ws: Workspace, registry: Registry,
                                                        acme: Account) -> None:
    operations.new_plan(ws, DANA, "acme-corp", "kt-gated", plan_id="index", registry=registry)
    files = list(operations.export_portfolio(ws, "html", registry=registry))
    # a plan may not take the index's name
    assert [f.name for f in files] == ["index-2.html", "index.html"]
    assert 'href="index-2.html"' in str(files[-1].content)
    markdown = list(operations.export_portfolio(ws, "markdown", registry=registry))
    assert [f.name for f in markdown] == ["index.md"]
    with pytest.raises(NotFoundError, match="no exporter named 'doc'"):
        next(operations.export_portfolio(ws, "doc", registry=registry))


def test_the_sample_portfolio_is_built_through_the_operations(ws: Workspace,
                                                              registry: Registry) -> None:
    from kamcore.operations.sample import build_sample

    sample = build_sample(ws, Actor("kam demo"), date.today(), registry=registry)
    assert len(sample.plans) == 5
    assert {plan.step for plan, _ in sample.plans} == {"act"}  # the example's step
    assert all(card is not None and card.band for _, card in sample.plans)
    again = build_sample(ws, Actor("kam demo"), date.today(), registry=registry)
    assert again.records.total("created") == 0
    assert [plan.revision for plan, _ in again.plans] == [plan.revision for plan, _ in sample.plans]

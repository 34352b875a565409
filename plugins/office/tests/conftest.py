"""Fixtures: office under test with kamcore.testing, and an account plan that exercises every part
of the workbook and the deck (hostile names and formulas included).

``office_context(reviewed=True)`` builds the plan in a fresh workspace and returns its
:class:`ExportContext`: the ``kt-office`` methodology (defined here, so the tests need no
methodology plugin), six stakeholders (one unrated, one named ``<script>...``), every
relationship type, whitespace cells, objectives, nested actions (one titled with a
``=HYPERLINK`` formula), risks, two score cards and, when ``reviewed``, a customer review.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from kamcore.documents import Document
from kamcore.events import HookEvents
from kamcore.methodology import Methodology, build_methodology
from kamcore.model import (
    MethodologyRef,
    Plan,
    Relationship,
    Review,
    RubricRef,
    ScoreCard,
)
from kamcore.planning import check_plan
from kamcore.plugin.contributions import ExportContext
from kamcore.plugin.host import PluginHost
from kamcore.store import Workspace
from kamcore.testing import (
    HOSTILE_ACTION_TITLE,
    HOSTILE_NAME,
    sample_account,
    sample_opportunity,
    sample_stakeholder,
)

TODAY = date(2026, 6, 1)

METHODOLOGY = """\
name: kt-office
version: "1.0"
title: Office test methodology
steps:
  - {key: understand, title: "1. Understand", sections: [objectives, whitespace]}
  - {key: plan, title: "2. Plan", sections: [value_plan, risks]}
  - {key: review, title: "3. Review", sections: [notes]}
sections:
  - key: objectives
    title: Joint objectives
    schema: {type: array, items: {$ref: "urn:kamcore:shape:objective"}}
  - key: whitespace
    title: Whitespace
    schema: {type: array, items: {$ref: "urn:kamcore:shape:whitespace_cell"}}
  - key: value_plan
    title: Value plan
    schema: {type: object}
  - key: risks
    title: Risks
    schema: {type: array, items: {$ref: "urn:kamcore:shape:risk"}}
  - key: notes
    title: Notes
    schema: {type: object}
"""


def office_methodology() -> Methodology:
    return build_methodology(Document(yaml.safe_load(METHODOLOGY), "<kt-office>"))


def sections(actions: int = 3) -> dict[str, Any]:
    extra = [{"id": f"x{n}", "title": f"Follow-up {n}", "owner": "Jo Seller",
              "due": (TODAY + timedelta(days=n)).isoformat()} for n in range(actions - 3)]
    return {
        "objectives": [
            {"id": "o1", "title": "Cut order-to-cash time by 30%", "measure": "days to cash",
             "target": "30% fewer", "customer_signoff": {"name": "Chris Finance",
                                                         "date": "2026-03-01"}},
            {"id": "o2", "title": "+5 points of NPS", "measure": "@survey"},
        ],
        "whitespace": [
            {"business_unit": "Plants", "product_line": "Platform", "state": "owned",
             "value": 500000},
            {"business_unit": "Plants", "product_line": "Analytics", "state": "potential",
             "value": 250000},
            {"business_unit": "Service", "product_line": "Platform", "state": "competitor",
             "note": "-incumbent renews 2027"},
            {"business_unit": "Service", "product_line": "Analytics", "state": "pipeline",
             "value": 400000},
        ],
        "value_plan": {"initiatives": [
            {"id": "a1", "title": HOSTILE_ACTION_TITLE, "owner": HOSTILE_NAME,
             "due": "2026-05-01", "status": "open", "objective": "o1"},
            {"id": "a2", "title": "Analytics pilot", "owner": "Jo Seller",
             "customer_owner": "Rita Ops", "due": "2026-09-01", "status": "in_progress"},
            {"id": "a3", "title": "Kick-off\x07 workshop", "owner": "\tTab Person",
             "due": "2026-02-15", "status": "done"},
            *extra,
        ], "budget": 120000, "summary": "+ a plus sign first"},
        "risks": [{"title": "Budget freeze", "likelihood": 3, "impact": 4,
                   "mitigation": "=1+1"}],
        "notes": {"text": "@mention first", "list": ["=A1", "plain"]},
    }


@pytest.fixture
def kam_plugin_names() -> set[str]:
    """Built-ins plus the installed ``office`` entry point only."""
    return {"office"}


@pytest.fixture
def kam_strict_plugins() -> bool:
    """A plugin failure raises."""
    return True


OfficeContext = Callable[..., ExportContext]


@pytest.fixture
def office_context(tmp_path: Path, kam_plugin_host: PluginHost) -> Iterator[OfficeContext]:
    opened: list[Workspace] = []

    def build(*, reviewed: bool = True, actions: int = 3,
              placeholder: bool = False) -> ExportContext:
        workspace = Workspace.open(tmp_path / f"office-{len(opened)}.db", create=True,
                                   listener=HookEvents(kam_plugin_host))
        opened.append(workspace)
        workspace.save(sample_account(), base_revision=0)
        people = [
            sample_stakeholder(),
            sample_stakeholder(id="acme.hostile", name=HOSTILE_NAME, influence=4, support=-2,
                               relationship_strength=1),
            sample_stakeholder(id="acme.coo", name="Rita Operations", influence=5, support=2),
            sample_stakeholder(id="acme.it", name="=cmd|' /C calc'!A0", influence=3,
                               support=0),
            sample_stakeholder(id="acme.eng", name="Eva Engineering", influence=2, support=1),
            sample_stakeholder(id="acme.new", name="Nia Newcomer", influence=None,
                               support=None),
        ]
        if placeholder:  # a CTO not known yet, with a dotted line from engineering
            people.append(sample_stakeholder(id="acme.cto", name="CTO", influence=4, support=0,
                                             placeholder=True))
        for person in people:
            workspace.save(person, base_revision=0)
        if placeholder:
            workspace.save(Relationship(id="acme.dotted", account_id="acme",
                                        source_id="acme.eng", target_id="acme.cto",
                                        type="dotted_line"), base_revision=0)
        for index, (source, kind, target) in enumerate(
                [("acme.it", "reports_to", "acme.coo"), ("acme.hostile", "influences",
                                                         "acme.cfo"),
                 ("acme.hostile", "conflicts", "acme.coo"), ("acme.eng", "informal",
                                                             "acme.coo")], start=1):
            workspace.save(Relationship(id=f"acme.rel{index}", account_id="acme",
                                        source_id=source, target_id=target, type=kind),
                           base_revision=0)
        workspace.save(sample_opportunity(), base_revision=0)
        plan = workspace.save(Plan(id="acme-office", account_id="acme", period="FY2027",
                                   methodology=MethodologyRef(name="kt-office", version="1.0"),
                                   step="plan", sections=sections(actions)), base_revision=0)
        plan = workspace.save(plan.model_copy(update={"period": "FY2027/28"}))
        old = ScoreCard(id="acme.health.1", account_id="acme",
                        rubric=RubricRef(name="health", version="1"),
                        values={"access": 2, "coverage": 3}, total=2.5, band="watch",
                        scored_at=datetime(2026, 1, 10, tzinfo=UTC))
        workspace.save(old, base_revision=0)
        workspace.save(old.model_copy(update={
            "id": "acme.health.2", "values": {"access": 4, "coverage": 3}, "total": 3.5,
            "band": "healthy", "scored_at": datetime(2026, 4, 10, tzinfo=UTC)}),
            base_revision=0)
        if reviewed:
            workspace.save(Review(
                id="acme-office.r1", plan_id=plan.id, account_id="acme",
                review_kind="customer", date=date(2026, 2, 1), plan_revision=1,
                attendees=["Jo Seller", HOSTILE_NAME], score_cards=[old],
                decisions=["Escalate the Service renewal to the CRO", HOSTILE_ACTION_TITLE]),
                base_revision=0)
        methodology = office_methodology()
        snapshot = workspace.snapshot("acme")
        findings = check_plan(plan, methodology, snapshot, kam_plugin_host, TODAY)
        return ExportContext(plan=plan, snapshot=snapshot, methodology=methodology,
                             findings=tuple(findings), options={"as_of": TODAY})

    yield build
    for workspace in opened:
        workspace.close()

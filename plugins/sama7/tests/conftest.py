"""Fixtures: the real installed ``sama7`` entry point, a registry, an SQLite workspace, and a
``walk`` helper that fills each step with valid data and advances to a given step."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from kamcore.methodology import Methodology
from kamcore.model import Account, Finding, Plan
from kamcore.planning import advance, check_plan, new_plan, set_section
from kamcore.plugins import PluginHost, make_plugin_host
from kamcore.registry import Registry
from kamcore.store import Workspace

SIGNOFF = {"name": "Dana Reyes", "title": "CFO", "date": "2026-02-01"}

#: Valid data for every section of sama7 and sama7-lite, by section key.
GOOD: dict[str, Any] = {
    "customer_business": {
        "horizon": "FY2026-FY2028",
        "growth_bets": [{"title": "Expand into APAC", "business_unit": "Logistics"}],
        "constraints": [{"title": "Capex frozen until 2027", "kind": "budget"}],
        "measurable_outcomes": [{"title": "APAC growth", "measure": "APAC share of revenue",
                                 "baseline": "8%", "target": "25%", "by": "2028-12-31"}],
    },
    "value_research": {
        "current_state": "Manual onboarding of APAC carriers, 40 days each",
        "future_state": "Self-service carrier onboarding in under 10 days",
        "gaps": [{"title": "Carrier onboarding", "our_role": "Onboarding platform and services"}],
        "stakeholder_needs": [{"stakeholder": "s-cfo", "needs": ["predictable cost"]}],
        "whitespace": [{"business_unit": "Logistics", "product_line": "Onboarding",
                        "state": "potential", "value": 400000}],
    },
    "account_team": {"members": [
        {"role": "kam", "name": "Kim Lee"},
        {"role": "executive_sponsor", "name": "Pat Moss", "title": "CRO"},
        {"role": "sales_engineer", "name": "Ravi Shah"},
    ]},
    "joint_objectives": {"objectives": [
        {"id": "o1", "title": "Halve APAC carrier onboarding time",
         "measure": "days to onboard a carrier", "target": "20 days",
         "customer_signoff": SIGNOFF},
    ]},
    "value_plan": {"initiatives": [
        {"id": "i1", "title": "Onboarding pilot in Singapore", "objective": "o1",
         "owner": "Ravi Shah", "customer_owner": "Dana Reyes", "due": "2026-06-30"},
    ]},
    "governance": {"forums": [
        {"kind": "internal", "name": "Monthly account review", "chair": "Kim Lee"},
        {"kind": "customer", "name": "QBR", "chair": "Dana Reyes"},
        {"kind": "annual", "name": "Annual planning summit"},
    ]},
    "improvement": {"lessons": [
        {"lesson": "Sign-off came late: involve the CFO in step 2", "category": "change"},
    ]},
}
GOOD["value_gap"] = GOOD["value_research"]

Walk = Callable[[Plan, Methodology, str], Plan]
CheckFn = Callable[..., list[Finding]]


@pytest.fixture(scope="module")
def host() -> PluginHost:
    """Built-ins plus the installed ``sama7`` entry point only; plugin failures are fatal."""
    return make_plugin_host(allowlist=frozenset({"sama7"}), strict=True)


@pytest.fixture(scope="module")
def registry(host: PluginHost) -> Registry:
    return Registry(host)


@pytest.fixture(scope="module")
def sama7(registry: Registry) -> Methodology:
    return registry.methodology("sama7")


@pytest.fixture(scope="module")
def lite(registry: Registry) -> Methodology:
    return registry.methodology("sama7-lite")


@pytest.fixture
def ws(tmp_path: Path, host: PluginHost) -> Iterator[Workspace]:
    workspace = Workspace.open(tmp_path / "ws.db", create=True, plugins=host)
    yield workspace
    workspace.close()


@pytest.fixture
def account(ws: Workspace) -> Account:
    return ws.save(Account(id="acme", name="ACME Corp", external_ids={"salesforce": "001A"}),
                   base_revision=0)


@pytest.fixture
def plan(ws: Workspace, sama7: Methodology, account: Account) -> Plan:
    return new_plan(ws, sama7, account.id, period="FY2027")


@pytest.fixture
def walk(ws: Workspace) -> Walk:
    """``walk(plan, methodology, step)``: fill each step's sections with GOOD data (unless set)
    and advance until the plan is at ``step``."""

    def run(plan: Plan, methodology: Methodology, step: str) -> Plan:
        while plan.step != step:
            for key in methodology.step(plan.step).sections:
                if key not in plan.sections:
                    plan = set_section(ws, methodology, plan, key, GOOD[key])
            plan = advance(ws, methodology, plan)
        return plan

    return run


def start_of(plan: Plan) -> date:
    """The day the plan was created: the cadence runs from it."""
    assert plan.created_at is not None
    return plan.created_at.date()


@pytest.fixture
def check(ws: Workspace, host: PluginHost, registry: Registry) -> CheckFn:
    """``check(plan, as_of=None)``: sama7's findings about the plan's stored revision.

    ``as_of`` defaults to ten days after the plan was created (no review is due yet).
    """

    def run(plan: Plan, as_of: date | None = None) -> list[Finding]:
        current = ws.get(Plan, plan.id)
        methodology = registry.methodology(current.methodology.name)
        when = as_of or start_of(current) + timedelta(days=10)
        found = check_plan(current, methodology, ws.snapshot(current.account_id), host, when)
        return [finding for finding in found if finding.source == "sama7"]

    return run

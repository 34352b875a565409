"""Fixtures: sama7 under test with kamcore.testing (``kam_plan`` is a sama7 plan of the account
``acme``), the ``sama7-lite`` variant, a ``walk`` helper that fills each step with valid data
and advances to a given step, and ``check``: sama7's findings about a plan."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

from kamcore.methodology import Methodology
from kamcore.model import Plan
from kamcore.planning import advance, set_section
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace
from kamcore.testing import Checker

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
GOOD["swot"] = {"strengths": ["Platform in every plant"], "threats": ["Incumbent renews"]}
GOOD["revenue_scenario"] = {"currency": "USD", "years": [
    {"year": "FY2027", "base": 1_000_000, "stretch": 1_400_000, "assumptions": ["pilot converts"]},
    {"year": "FY2028", "base": 1_200_000, "stretch": 2_000_000}]}
GOOD["executive_summary"] = {"summary": "We co-own the APAC onboarding programme."}
GOOD["value_gap"] = GOOD["value_research"]

Walk = Callable[[Plan, Methodology, str], Plan]


@pytest.fixture
def kam_plugin_names() -> set[str]:
    """Built-ins plus the installed ``sama7`` entry point only."""
    return {"sama7"}


@pytest.fixture
def kam_strict_plugins() -> bool:
    """A plugin failure raises."""
    return True


@pytest.fixture
def kam_methodology_name() -> str:
    return "sama7"


@pytest.fixture
def lite(kam_registry: Registry) -> Methodology:
    return kam_registry.methodology("sama7-lite")


@pytest.fixture
def walk(kam_workspace: Workspace) -> Walk:
    """``walk(plan, methodology, step)``: fill each step's sections with GOOD data (unless set)
    and advance until the plan is at ``step``."""

    def run(plan: Plan, methodology: Methodology, step: str) -> Plan:
        while plan.step != step:
            for key in methodology.step(plan.step).sections:
                if key not in plan.sections:
                    plan = set_section(kam_workspace, methodology, plan, key, GOOD[key])
            plan = advance(kam_workspace, methodology, plan)
        return plan

    return run


@pytest.fixture
def check(kam_check: Checker) -> Checker:
    """``check(plan, as_of=None)``: sama7's findings about the plan's stored revision."""
    return functools.partial(kam_check, source="sama7")

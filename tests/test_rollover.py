"""``kam plan rollover``: "Annual reviews refresh the plan from scratch -- new objectives,
refreshed SWOT, recalibrated stakeholder map"; next period's plan carries open actions,
objectives in progress and the stakeholder picture forward."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamcore import operations
from kamcore.cli import run
from kamcore.errors import ConflictError, InvalidInputError
from kamcore.model import Plan
from kamcore.operations import Actor
from kamcore.plugin.host import make_plugin_host
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

DANA = Actor("dana")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(make_plugin_host(allowlist=frozenset({"sama7"}), strict=True))


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = Workspace.open(tmp_path / "kam.db", create=True)
    yield workspace
    workspace.close()


def _plan(ws: Workspace, registry: Registry) -> Plan:
    operations.add_account(ws, DANA, "Acme", account_id="acme", tier="strategic")
    plan = operations.new_plan(ws, DANA, "acme", "sama7", period="FY2027", registry=registry)
    for key, data in {
        "joint_objectives": {"objectives": [
            {"id": "o1", "title": "Done", "status": "achieved"},
            {"id": "o2", "title": "Going", "status": "on_track",
             "measures": [{"name": "days", "baseline": 40, "current": 30, "target": 20}]},
            {"id": "o3", "title": "Gone", "status": "dropped"},
            {"id": "o4", "title": "Unknown status"}]},
        "value_plan": {"initiatives": [
            {"id": "i1", "title": "Open", "objective": "o2", "status": "open"},
            {"id": "i2", "title": "Closed", "objective": "o2", "status": "done"}]},
        "swot": {"strengths": ["Platform"], "threats": ["Incumbent"]},
    }.items():
        plan = operations.set_section(ws, DANA, plan.id, key, data, registry=registry)
    return plan


def test_rollover_carries_what_is_live_and_nothing_else(ws: Workspace,
                                                        registry: Registry) -> None:
    old = _plan(ws, registry)
    result = operations.rollover_plan(ws, DANA, old.id, "FY2028", registry=registry)
    new = result.plan
    assert new.id == "acme-sama7-FY2028" and new.period == "FY2028"
    assert new.step == "customer_business_understanding" and new.rolled_over_from == old.id
    objectives = new.sections["joint_objectives"]["objectives"]
    assert [o["id"] for o in objectives] == ["o2", "o4"]  # in progress (or never judged)
    assert objectives[0]["measures"][0]["current"] == 30
    assert [i["id"] for i in new.sections["value_plan"]["initiatives"]] == ["i1"]
    assert "swot" not in new.sections  # refreshed from scratch
    assert result.carried == ("joint_objectives", "value_plan")
    stored_old = ws.get(Plan, old.id)
    assert stored_old.superseded_by == new.id and stored_old.revision == old.revision + 1
    # once is enough
    with pytest.raises(InvalidInputError, match="rolled over already"):
        operations.rollover_plan(ws, DANA, old.id, "FY2029", registry=registry)


def test_rollover_refusals_write_nothing(ws: Workspace, registry: Registry) -> None:
    old = _plan(ws, registry)
    with pytest.raises(InvalidInputError, match="is the plan for 'FY2027'"):
        operations.rollover_plan(ws, DANA, old.id, "FY2027", registry=registry)
    with pytest.raises(ConflictError):
        operations.rollover_plan(ws, DANA, old.id, "FY2028", base_revision=1,
                                 registry=registry)
    operations.new_plan(ws, DANA, "acme", "sama7", period="FY2029", registry=registry)
    with pytest.raises(ConflictError):  # the new plan's id is taken: the old one is untouched
        operations.rollover_plan(ws, DANA, old.id, "FY2029", registry=registry)
    assert ws.get(Plan, old.id).superseded_by is None
    assert ws.get(Plan, old.id).revision == old.revision


def test_kam_plan_rollover(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "kam.db")
    assert run(["-w", db, "init"]) == 0
    assert run(["-w", db, "account", "add", "Acme", "--id", "acme"]) == 0
    assert run(["-w", db, "plan", "new", "acme", "-m", "simple_plan", "--period", "FY2027"]) == 0
    actions = tmp_path / "actions.json"
    actions.write_text(json.dumps([{"title": "Open", "due": "2027-01-10"},
                                   {"title": "Done", "status": "done"}]), encoding="utf-8")
    assert run(["-w", db, "plan", "set", "acme-simple_plan-FY2027", "actions",
                str(actions)]) == 0
    capsys.readouterr()
    assert run(["-w", db, "plan", "rollover", "acme-simple_plan-FY2027", "--period", "FY2028",
                "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["previous"] == "acme-simple_plan-FY2027" and shown["carried"] == ["actions"]
    assert [a["title"] for a in shown["plan"]["sections"]["actions"]] == ["Open"]
    assert run(["-w", db, "plan", "rollover", "acme-simple_plan-FY2027", "--period",
                "FY2029"]) == 2
    assert "rolled over already" in capsys.readouterr().err

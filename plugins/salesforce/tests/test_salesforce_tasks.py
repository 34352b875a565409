"""salesforce-tasks: a plan's actions as a Task CSV for Data Loader."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kamcore import InvalidInputError
from kamcore.exporting import render_plan
from kamcore.model import Account, MethodologyRef, Plan
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace
from kamcore.testing.factories import HOSTILE_ACTION_TITLE


def _plan(ws: Workspace, external_ids: dict[str, str]) -> Plan:
    ws.save(Account(id="acme", name="Acme", external_ids=external_ids), base_revision=0)
    return ws.save(Plan(
        id="acme-plan", account_id="acme", step="act",
        methodology=MethodologyRef(name="not-installed", version="1"),
        sections={"actions": [
            {"id": "a1", "title": "Run the pilot", "owner": "Dana", "due": "2026-03-31",
             "status": "in_progress", "objective": "o1", "priority": "High"},
            {"title": HOSTILE_ACTION_TITLE, "status": "done"},
            {"title": "+1 the sponsor", "customer_owner": "Helen Park", "status": "blocked"},
        ]}), base_revision=0)


def test_actions_become_tasks(kam_workspace: Workspace, kam_registry: Registry) -> None:
    plan = _plan(kam_workspace, {"salesforce": "001Dn00000002QaIAI"})
    text = render_plan(kam_workspace, kam_registry, plan, "salesforce-tasks")
    assert isinstance(text, str)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["Subject", "ActivityDate", "Status", "Priority", "WhatId",
                             "Description"]
    assert [(r["Subject"], r["ActivityDate"], r["Status"], r["Priority"]) for r in rows] == [
        ("Run the pilot", "2026-03-31", "In Progress", "High"),
        ("'" + HOSTILE_ACTION_TITLE, "", "Completed", "Normal"),
        ("'+1 the sponsor", "", "Waiting on someone else", "Normal")]
    assert {r["WhatId"] for r in rows} == {"001Dn00000002QaIAI"}
    assert rows[0]["Description"].splitlines() == [
        "kamcore plan acme-plan, sections.actions[0]", "Action id: a1", "Owner: Dana",
        "Objective: o1"]


def test_an_account_without_a_salesforce_id_is_refused(kam_workspace: Workspace,
                                                       kam_registry: Registry) -> None:
    plan = _plan(kam_workspace, {"hubspot": "101"})
    with pytest.raises(InvalidInputError, match="no Salesforce Id"):
        render_plan(kam_workspace, kam_registry, plan, "salesforce-tasks")


def test_kam_export_writes_the_csv(tmp_path: Path, samples: Path) -> None:
    import os
    import subprocess
    import sys

    kam = Path(sys.executable).parent / "kam"
    env = {**os.environ, "KAMCORE_LOAD_PLUGINS": "salesforce", "KAM_WORKSPACE": str(
        tmp_path / "kam.db")}
    env.pop("KAMCORE_STRICT_PLUGINS", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(kam), *args], env=env, capture_output=True, text=True,
                              timeout=120, cwd=tmp_path)

    assert run("init").returncode == 0
    imported = run("import", "salesforce-csv", str(samples / "csv"), "--json")
    assert imported.returncode == 0, imported.stderr
    again = run("import", "salesforce-csv", str(samples / "csv"))
    assert "0 created, 0 updated, 18 unchanged" in again.stdout
    bad = samples / "csv" / "Opportunity.csv"
    bad.write_text(bad.read_text().replace("500000.00", "lots"))
    refused = run("import", "salesforce-csv", str(samples / "csv"))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert f"{bad}:2:5 at Amount: 'lots' is not a number" in refused.stderr

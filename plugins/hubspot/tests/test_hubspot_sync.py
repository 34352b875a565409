"""``kam sync pull hubspot`` against the local HubSpot (conftest): the watermark is the highest
``updatedAt`` read, the next pull searches from it, and 401, 429 and a dropped connection leave
the workspace and the watermark as they were."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kamcore import InvalidInputError
from kamcore.model import Account, Opportunity, Stakeholder
from kamcore.operations import sync_pull
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace
from kamcore.syncing import watermark_key

KEY = watermark_key("hubspot")
NEWEST = "2026-01-12T09:00:00.000Z"  # deal 301, the latest updatedAt of the samples


def _revisions(ws: Workspace) -> dict[tuple[str, str], int]:
    return {(r.kind, r.id): r.revision for cls in (Account, Stakeholder, Opportunity)
            for r in ws.iter(cls)}


def _change_contact(hubspot: Any, ident: str, stamp: str, **properties: str) -> None:
    """Edit a contact as a user in HubSpot would: its properties, lastmodifieddate and
    updatedAt move."""
    contact = next(o for o in hubspot.objects["contacts"] if o["id"] == ident)
    contact["properties"].update(properties, lastmodifieddate=stamp)
    contact["updatedAt"] = stamp


def test_pulls_read_everything_then_what_changed(kam_workspace: Workspace,
                                                 kam_registry: Registry, hubspot: Any,
                                                 connection: Path) -> None:
    first = sync_pull(kam_workspace, "hubspot", connection, registry=kam_registry)
    assert first.summary.total("created") > 0 and first.watermark == NEWEST
    assert any("after=" in path for _, path in hubspot.requests)  # every page followed

    before, sent = _revisions(kam_workspace), len(hubspot.bodies)
    again = sync_pull(kam_workspace, "hubspot", connection, registry=kam_registry)
    assert again.summary.total("created") == again.summary.total("updated") == 0
    assert _revisions(kam_workspace) == before and kam_workspace.settings()[KEY] == NEWEST
    filters = [b["filterGroups"][0]["filters"][0] for b in hubspot.bodies[sent:]
               if "filterGroups" in b]
    assert {(f["operator"], f["value"]) for f in filters} == {("GTE", "1768208400000")}

    _change_contact(hubspot, "202", "2026-02-01T10:00:00Z", jobtitle="Chief Executive Officer")
    third = sync_pull(kam_workspace, "hubspot", connection, registry=kam_registry)
    assert third.watermark == "2026-02-01T10:00:00.000Z"
    assert third.summary.examples[("stakeholder", "updated")] == [  # in both its companies
        "hs-contact-202", "hs-contact-202@102"]
    assert third.summary.total("updated") == 2
    peter = kam_workspace.get(Stakeholder, "hs-contact-202")
    assert (peter.title, peter.updated_by) == ("Chief Executive Officer", "sync:hubspot")
    assert peter.revision == before[("stakeholder", "hs-contact-202")] + 1


@pytest.mark.parametrize("fault", ["401", "429", "drop"])
def test_failures_leave_workspace_and_watermark(kam_workspace: Workspace,
                                                kam_registry: Registry, hubspot: Any,
                                                connection: Path, monkeypatch: Any,
                                                fault: str) -> None:
    sync_pull(kam_workspace, "hubspot", connection, registry=kam_registry)
    before = _revisions(kam_workspace)
    _change_contact(hubspot, "202", "2026-02-01T10:00:00Z", jobtitle="CEO")
    if fault == "401":
        monkeypatch.setenv("KAM_HUBSPOT_TOKEN", "pat-eu1-revoked")
    elif fault == "429":
        monkeypatch.setattr("kamcore_hubspot.api_source.MAX_WAIT", 0.01)
        hubspot.limited = 100
    else:  # contacts are read after companies: the pull fails halfway
        hubspot.drop = re.compile(r"/objects/contacts/search")
    with pytest.raises(InvalidInputError, match="nothing imported"):
        sync_pull(kam_workspace, "hubspot", connection, registry=kam_registry)
    assert _revisions(kam_workspace) == before
    assert kam_workspace.settings()[KEY] == NEWEST


def test_a_429_that_clears_is_waited_out(kam_workspace: Workspace, kam_registry: Registry,
                                         hubspot: Any, connection: Path) -> None:
    hubspot.limited = 1
    result = sync_pull(kam_workspace, "hubspot", connection, registry=kam_registry)
    assert result.watermark == NEWEST
    assert hubspot.requests[0] == hubspot.requests[1]  # the same request, again


def test_kam_sync_pull_hubspot(hubspot: Any, connection: Path, tmp_path: Path) -> None:
    kam = str(Path(sys.executable).parent / "kam")
    db = str(tmp_path / "kam.db")
    subprocess.run([kam, "-w", db, "init"], check=True, capture_output=True)
    done = subprocess.run([kam, "-w", db, "sync", "pull", "hubspot", "--connection",
                           str(connection), "--json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["source"], data["watermark"]) == ("hubspot", NEWEST)
    assert hubspot.token not in done.stdout + done.stderr

"""hubspot-api against a real HTTP server on 127.0.0.1 speaking HubSpot's CRM v3 wire format
(the ``hubspot`` fixture: ``conftest.FakeHubSpot``): paging, associations, ``since`` through
the search API, 429 with Retry-After, 401 and a dropped connection mid-read leaving the
workspace unchanged."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kamcore import InvalidInputError
from kamcore.importing import import_records
from kamcore.model import Account, Opportunity, Stakeholder
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

KAM = str(Path(sys.executable).parent / "kam")


def _read(registry: Registry, path: Path, **options: str):  # type: ignore[no-untyped-def]
    return registry.adapter("hubspot-api").read(path, **options)


def _state(ws: Workspace) -> list[tuple[str, int]]:
    return [(r.id, r.revision) for cls in (Account, Stakeholder, Opportunity)
            for r in ws.iter(cls)]


def test_reads_every_page_with_associations(kam_workspace: Workspace, kam_registry: Registry,
                                            hubspot: Any, connection: Path) -> None:
    summary = import_records(kam_workspace, _read(kam_registry, connection))
    assert summary.total("created") == 11
    pages = [path for method, path in hubspot.requests if "/objects/contacts" in path]
    assert len(pages) == 3  # 5 contacts, 2 per page
    assert all("associations=companies" in path for path in pages)
    assert kam_workspace.get(Stakeholder, "hs-contact-202@102").account_id == "hs-company-102"
    assert kam_workspace.get(Opportunity, "hs-deal-302").contact_roles == {
        "hs-contact-202@102": "other", "hs-contact-203": "other"}
    assert kam_workspace.get(Account, "hs-company-102").parent_id == "hs-company-101"
    again = import_records(kam_workspace, _read(kam_registry, connection))
    assert again.total("unchanged") == 11 and again.total("created") == 0


def test_since_reads_only_what_changed_through_search(
        kam_workspace: Workspace, kam_registry: Registry, hubspot: Any,
        connection: Path) -> None:
    summary = import_records(kam_workspace, _read(kam_registry, connection,
                                                  since="2026-01-11T00:00:00Z"))
    assert sorted(r.id for cls in (Account, Stakeholder, Opportunity)
                  for r in kam_workspace.iter(cls)) == [
        "hs-company-102", "hs-company-103", "hs-deal-301"]
    assert summary.total("created") == 3
    deal = kam_workspace.get(Opportunity, "hs-deal-301")
    assert deal.account_id == "hs-company-101"  # from the associations batch read
    assert deal.contact_roles == {"hs-contact-201": "other", "hs-contact-202": "other"}
    filters = [body["filterGroups"][0]["filters"][0] for body in hubspot.bodies
               if "filterGroups" in body]
    assert {f["propertyName"] for f in filters} == {"hs_lastmodifieddate", "lastmodifieddate"}
    assert {(f["operator"], f["value"]) for f in filters} == {("GTE", "1768089600000")}
    assert all(method == "POST" for method, _ in hubspot.requests)


def test_429_is_retried_after_retry_after(kam_workspace: Workspace, kam_registry: Registry,
                                          hubspot: Any, connection: Path) -> None:
    hubspot.limited = 2
    started = time.monotonic()
    summary = import_records(kam_workspace, _read(kam_registry, connection))
    assert time.monotonic() - started >= 1.9  # two waits of Retry-After: 1
    assert summary.total("created") == 11
    assert hubspot.limited == 0


def test_429_for_too_long_fails_cleanly(kam_workspace: Workspace, kam_registry: Registry,
                                        hubspot: Any, connection: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import kamcore_hubspot.api_source as api_source

    monkeypatch.setattr(api_source, "RETRIES", 1)
    hubspot.limited = 3
    with pytest.raises(InvalidInputError, match=r"rate-limited \(429\)"):
        import_records(kam_workspace, _read(kam_registry, connection))
    assert _state(kam_workspace) == []


def test_a_connection_dropped_mid_read_writes_nothing(
        kam_workspace: Workspace, kam_registry: Registry, hubspot: Any,
        connection: Path) -> None:
    import_records(kam_workspace, _read(kam_registry, connection))
    before = _state(kam_workspace)
    for obj in hubspot.objects["companies"]:
        obj["properties"]["name"] += " (renamed)"
    hubspot.drop = re.compile(r"/objects/contacts\?.*after=2")
    with pytest.raises(InvalidInputError, match="connection failed while reading contacts"):
        import_records(kam_workspace, _read(kam_registry, connection))
    assert _state(kam_workspace) == before
    assert kam_workspace.get(Account, "hs-company-101").name == "Initech"


def test_401_exits_2_never_showing_the_token(hubspot: Any, connection: Path,
                                             tmp_path: Path) -> None:
    db = tmp_path / "kam.db"
    subprocess.run([KAM, "-w", str(db), "init"], check=True, capture_output=True)
    env = {**os.environ, "KAM_HUBSPOT_TOKEN": hubspot.token + "-revoked"}
    done = subprocess.run([KAM, "-w", str(db), "import", "hubspot-api", str(connection)],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2, done.stderr
    assert "401" in done.stderr and "KAM_HUBSPOT_TOKEN" in done.stderr
    assert "Traceback" not in done.stderr
    assert hubspot.token not in done.stderr + done.stdout
    assert list(Workspace.open(db).iter(Account)) == []


def test_kam_import_since_through_the_cli(hubspot: Any, connection: Path,
                                          tmp_path: Path) -> None:
    db = tmp_path / "kam.db"
    subprocess.run([KAM, "-w", str(db), "init"], check=True, capture_output=True)
    done = subprocess.run([KAM, "-w", str(db), "import", "hubspot-api", str(connection),
                           "--since", "2026-01-11T00:00:00+00:00", "--json"],
                          capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert '"created": 3' in done.stdout
    assert hubspot.token not in done.stdout + done.stderr
    bad = subprocess.run([KAM, "-w", str(db), "import", "hubspot-api", str(connection),
                          "--since", "last tuesday"], capture_output=True, text=True,
                         timeout=120, env=dict(os.environ))
    assert bad.returncode == 2 and "expected an ISO datetime" in bad.stderr


@pytest.mark.parametrize(("setup", "needle"), [
    (lambda env, path: env.delenv("KAM_HUBSPOT_TOKEN"), "KAM_HUBSPOT_TOKEN is not set"),
    (lambda env, path: env.setenv("KAM_HUBSPOT_BASE_URL", "http://api.example.com"),
     "expected an https:// URL"),
    (lambda env, path: path.write_text("token: pat-123\n"), "secrets do not belong"),
    (lambda env, path: path.write_text("objects: [tickets]\n"), "invalid connection"),
])
def test_bad_settings_are_refused_before_any_request(
        kam_registry: Registry, hubspot: Any, connection: Path,
        monkeypatch: pytest.MonkeyPatch, setup: Callable[[pytest.MonkeyPatch, Path], object],
        needle: str) -> None:
    setup(monkeypatch, connection)
    with pytest.raises(InvalidInputError, match=needle):
        list(_read(kam_registry, connection))
    assert hubspot.requests == []

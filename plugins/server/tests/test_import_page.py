"""The import page: a dry-run preview of what an uploaded CRM export would change, then the
import applied (only the files previewed), a bad row refused with its file, line and field and
nothing written, and a member refused another team's records; through the real application
and the installed adapters."""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from kamcore.model import Account, Opportunity, Stakeholder
from kamcore.store import Workspace

HUBSPOT = files("kamcore_hubspot") / "samples"
COMPANIES = "hubspot-crm-exports-all-companies-2026-01-15.csv"


def _sign_in(client: TestClient, name: str = "ada") -> dict[str, str]:
    client.post("/signin", data={"name": name, "password": f"password-{name}"})
    token = re.search(r'name="csrf-token" content="([0-9a-f]+)"', client.get("/").text)
    assert token
    return {"X-CSRF-Token": token.group(1), "HX-Request": "true"}


def _companies(edit: Callable[[str], str] = lambda text: text) -> list[tuple[str, Any]]:
    text = (HUBSPOT / COMPANIES).read_text(encoding="utf-8-sig")
    return [("files", (COMPANIES, edit(text).encode("utf-8"), "text/csv"))]


def _counts(path: Path) -> tuple[int, int, int]:
    with Workspace.open(path) as ws:
        return ws.count(Account), ws.count(Stakeholder), ws.count(Opportunity)


def test_the_page_offers_every_installed_adapter_to_whoever_may_import(
        client: TestClient) -> None:
    from kamcore.plugin.registry import get_registry

    _sign_in(client)
    form = client.get("/imports").text
    for name in get_registry().adapters:
        assert f'<option value="{name}">' in form
    assert 'hx-encoding="multipart/form-data"' in form
    _sign_in(client, "vic")
    viewer = client.get("/imports").text
    assert "may read but not import" in viewer and "<form id=\"import-form\"" not in viewer
    assert 'href="/imports"' not in client.get("/").text


def test_a_preview_writes_nothing_and_applying_it_imports_what_it_showed(
        client: TestClient, workspace_file: Path) -> None:
    headers = _sign_in(client)
    before = _counts(workspace_file)
    preview = client.post("/imports", headers=headers, files=_companies(),
                          data={"adapter": "hubspot-csv", "action": "preview"})
    assert preview.status_code == 200
    assert "Preview (nothing written yet)" in preview.text
    created = int(re.search(r"would create (\d+)", preview.text).group(1))  # type: ignore[union-attr]
    assert created > 0
    assert re.search(r"<td>account</td><td>\d+</td>", preview.text)
    assert _counts(workspace_file) == before
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]{64})"', preview.text)
    assert fingerprint and 'value="apply"' in preview.text

    other = client.post("/imports", headers=headers, files=_companies(lambda t: t + "\n"),
                        data={"adapter": "hubspot-csv", "action": "apply",
                              "fingerprint": fingerprint.group(1)})
    assert "not the ones previewed" in other.text
    assert _counts(workspace_file) == before

    done = client.post("/imports", headers=headers, files=_companies(),
                       data={"adapter": "hubspot-csv", "action": "apply",
                             "fingerprint": fingerprint.group(1)})
    assert f"Imported:</strong> {created} created" in done.text
    assert 'value="apply"' not in done.text
    assert sum(_counts(workspace_file)) == sum(before) + created


def test_a_bad_row_is_refused_with_its_file_line_and_field_and_nothing_is_written(
        client: TestClient, workspace_file: Path) -> None:
    headers = _sign_in(client)
    before = _counts(workspace_file)
    bad = _companies(lambda text: text.replace(
        "102,Initech Labs,labs.initech.example,Research,12000000",
        "102,Initech Labs,labs.initech.example,Research,lots"))
    for action in ("preview", "apply"):
        refused = client.post("/imports", headers=headers, files=bad,
                              data={"adapter": "hubspot-csv", "action": action})
        assert refused.status_code == 200  # htmx swaps it in
        assert re.search(rf"<tr><td>{re.escape(COMPANIES)}</td><td>3</td>"
                         r"<td>Annual Revenue</td><td>&#39;lots&#39; is not a number</td></tr>",
                         refused.text), refused.text
        assert "kam-upload" not in refused.text and 'value="apply"' not in refused.text
    assert _counts(workspace_file) == before


def test_a_member_may_not_import_another_teams_records_nor_send_no_file(
        client: TestClient, workspace_file: Path) -> None:
    headers = _sign_in(client, "ann")
    before = _counts(workspace_file)
    refused = client.post("/imports", headers=headers, files=_companies(),
                          data={"adapter": "hubspot-csv", "action": "apply"})
    assert "not one of your teams" in refused.text
    empty = client.post("/imports", headers=headers,
                        files=[("files", ("", b"", "application/octet-stream"))],
                        data={"adapter": "hubspot-csv", "action": "preview"})
    assert "upload the export" in empty.text
    assert _counts(workspace_file) == before

"""Exports as downloads and CRM exports uploaded for import, over HTTP, with the installed
exporters and adapters (their real entry points) on the served demo workspace."""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from kamcore.model import Account, Opportunity, Stakeholder
from kamcore.store import Workspace

Headers = Callable[[str], dict[str, str]]
HUBSPOT = files("kamcore_hubspot") / "samples"
COMPANIES = "hubspot-crm-exports-all-companies-2026-01-15.csv"
SALESFORCE = files("kamcore_salesforce") / "samples" / "csv"


def _companies(edit: Callable[[str], str] = lambda text: text) -> list[tuple[str, Any]]:
    text = (HUBSPOT / COMPANIES).read_text(encoding="utf-8-sig")
    return [("files", (COMPANIES, edit(text).encode("utf-8"), "text/csv"))]


def _counts(path: Path) -> tuple[int, int, int]:
    with Workspace.open(path) as ws:
        return ws.count(Account), ws.count(Stakeholder), ws.count(Opportunity)


def test_a_plan_downloads_in_every_format_asked(client: TestClient, as_: Headers) -> None:
    markdown = client.get("/api/v1/plans/helios-sama7/exports/markdown", headers=as_("ann"))
    assert markdown.status_code == 200
    assert markdown.headers["content-disposition"] == 'attachment; filename="helios-sama7.md"'
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert "Helios Energy" in markdown.text
    workbook = client.get("/api/v1/plans/helios-sama7/exports/xlsx", headers=as_("vic"))
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    assert workbook.headers["content-disposition"].endswith('filename="helios-sama7.xlsx"')
    pack = client.get("/api/v1/plans/helios-sama7/exports/markdown?review_pack=true",
                      headers=as_("ann"))
    assert pack.status_code == 200 and pack.text != markdown.text
    listed = {e["name"] for e in client.get("/api/v1/exporters",
                                            headers=as_("ann")).json()["items"]}
    assert {"markdown", "html", "json", "xlsx", "pptx"} <= listed


def test_an_unknown_format_plan_or_another_teams_plan_is_a_404_problem(
        client: TestClient, as_: Headers) -> None:
    unknown = client.get("/api/v1/plans/helios-sama7/exports/markdwn", headers=as_("ann"))
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    assert "did you mean markdown" in unknown.json()["detail"]
    assert client.get("/api/v1/plans/nope/exports/markdown",
                      headers=as_("ann")).status_code == 404
    assert client.get("/api/v1/plans/helios-sama7/exports/markdown",
                      headers=as_("mo")).status_code == 404


def test_an_upload_is_imported_and_a_dry_run_writes_nothing(
        client: TestClient, as_: Headers, workspace_file: Path) -> None:
    before = _counts(workspace_file)
    dry = client.post("/api/v1/imports/hubspot-csv?dry_run=true", files=_companies(),
                      headers=as_("ada"))
    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] is True and dry.json()["created"] == 3
    assert _counts(workspace_file) == before
    done = client.post("/api/v1/imports/hubspot-csv", files=_companies(), headers=as_("ada"))
    assert done.status_code == 200 and done.json()["created"] == 3
    assert _counts(workspace_file)[0] == before[0] + 3
    again = client.post("/api/v1/imports/hubspot-csv", files=_companies(), headers=as_("ada"))
    assert again.json()["created"] == 0 and again.json()["unchanged"] == 3


def test_the_several_files_of_one_export_are_read_together(
        client: TestClient, as_: Headers, workspace_file: Path) -> None:
    uploads = [("files", (entry.name, entry.read_bytes(), "text/csv"))
               for entry in sorted(SALESFORCE.iterdir(), key=lambda e: e.name)
               if entry.name.endswith(".csv")]
    assert len(uploads) == 5
    before = _counts(workspace_file)
    dry = client.post("/api/v1/imports/salesforce-csv?dry_run=true", files=uploads,
                      headers=as_("ada"))
    assert dry.status_code == 200, dry.text
    kinds = {row["kind"] for row in dry.json()["kinds"]}
    assert {"account", "stakeholder", "opportunity"} <= kinds
    assert _counts(workspace_file) == before


def test_a_bad_row_refuses_the_whole_import_naming_file_line_and_field(
        client: TestClient, as_: Headers, workspace_file: Path) -> None:
    before = _counts(workspace_file)
    bad = _companies(lambda text: text.replace(
        "102,Initech Labs,labs.initech.example,Research,12000000",
        "102,Initech Labs,labs.initech.example,Research,lots"))
    refused = client.post("/api/v1/imports/hubspot-csv", files=bad, headers=as_("ada"))
    assert refused.status_code == 422
    problem = refused.json()
    assert f"{COMPANIES}:3" in problem["detail"] and "kam-upload" not in problem["detail"]
    assert problem["errors"] == [{"path": "Annual Revenue", "line": 3,
                                  "message": "'lots' is not a number"}]
    assert _counts(workspace_file) == before


def test_imports_are_refused_to_other_teams_viewers_and_unknown_adapters(
        client: TestClient, as_: Headers, workspace_file: Path) -> None:
    before = _counts(workspace_file)
    member = client.post("/api/v1/imports/hubspot-csv", files=_companies(), headers=as_("ann"))
    assert member.status_code == 403 and "nothing imported" in member.json()["detail"]
    assert client.post("/api/v1/imports/hubspot-csv", files=_companies(),
                       headers=as_("vic")).status_code == 403
    unknown = client.post("/api/v1/imports/hubspot", files=_companies(), headers=as_("ada"))
    assert unknown.status_code == 404 and "hubspot-csv" in unknown.json()["detail"]
    assert client.post("/api/v1/imports/hubspot-csv", headers=as_("ada")).status_code == 422
    assert _counts(workspace_file) == before


def test_an_upload_named_extract_in_windows_1252_is_read_and_says_how(
        client: TestClient, as_: Headers, workspace_file: Path) -> None:
    """Issue 20: a Data Loader export keeps its default name and a legacy encoding."""
    text = (SALESFORCE / "Account.csv").read_text(encoding="utf-8")
    accented = text.replace("Acme Industrial", "Acm\u00e9 Ind\u00fcstrie G\u00e9n\u00e9rale", 1)
    assert accented != text
    upload = [("files", ("extract.csv", accented.encode("cp1252"), "text/csv"))]
    dry = client.post("/api/v1/imports/salesforce-csv?dry_run=true", files=upload,
                      headers=as_("ada"))
    assert dry.status_code == 200, dry.text
    assert dry.json()["notes"] == ["extract.csv: read as Windows-1252 (detected)"]
    stated = client.post("/api/v1/imports/salesforce-csv?dry_run=true&object=Account"
                         "&encoding=latin-1", files=upload, headers=as_("ada"))
    assert stated.status_code == 200, stated.text
    assert "given" in stated.json()["notes"][0]
    unknown = client.post("/api/v1/imports/salesforce-csv?encoding=klingon", files=upload,
                          headers=as_("ada"))
    assert unknown.status_code == 422 and "klingon" in unknown.json()["detail"]
    options = {a["name"]: a["options"] for a in
               client.get("/api/v1/adapters", headers=as_("ada")).json()["items"]}
    assert set(options["salesforce-csv"]) == {"encoding", "object", "methodology"}

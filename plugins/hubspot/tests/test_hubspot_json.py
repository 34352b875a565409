"""hubspot-json: CRM API v3 JSON pages (files or a folder), mapped as hubspot-csv maps exports;
bad files refused with file, line and field path, nothing written."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from kamcore import InvalidInputError
from kamcore.importing import import_records
from kamcore.model import Account, Opportunity, Stakeholder
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace
from kamcore.testing import AdapterContract

KAM = str(Path(sys.executable).parent / "kam")
JSON_SAMPLES = Path(str(files("kamcore_hubspot") / "samples" / "json"))


class TestHubSpotJsonContract(AdapterContract):
    @pytest.fixture
    def adapter_name(self) -> str:
        return "hubspot-json"

    @pytest.fixture
    def adapter_sample_path(self) -> Path:
        return JSON_SAMPLES


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    target = tmp_path / "json"
    shutil.copytree(JSON_SAMPLES, target)
    return target


def _import(ws: Workspace, registry: Registry, path: Path):  # type: ignore[no-untyped-def]
    return import_records(ws, registry.adapter("hubspot-json").read(path))


def _state(ws: Workspace) -> list[tuple[str, int]]:
    return [(r.id, r.revision) for cls in (Account, Stakeholder, Opportunity)
            for r in ws.iter(cls)]


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def test_mapping_of_the_sample_pages(kam_workspace: Workspace, kam_registry: Registry,
                                     pages: Path) -> None:
    first = _import(kam_workspace, kam_registry, pages)
    assert first.total("created") == 11
    labs = kam_workspace.get(Account, "hs-company-102")
    assert (labs.name, labs.parent_id, labs.annual_revenue) == ("Initech Labs",
                                                                "hs-company-101", 12e6)
    assert labs.attributes == {"hubspot": {"domain": "labs.initech.example"}}
    # Peter: primary company 101 (contact_to_company), also associated with 102
    peter = kam_workspace.get(Stakeholder, "hs-contact-202")
    in_labs = kam_workspace.get(Stakeholder, "hs-contact-202@102")
    assert (peter.account_id, in_labs.account_id) == ("hs-company-101", "hs-company-102")
    assert kam_workspace.find_by_external_id(Stakeholder, "hubspot:102", "202") == in_labs
    assert peter.last_contact is not None and peter.last_contact.isoformat() == "2026-01-05"
    assert kam_workspace.get(Stakeholder, "hs-contact-203").account_id == "hs-company-102"
    assert kam_workspace.find(Stakeholder, "hs-contact-205") is None  # no company: skipped
    tps = kam_workspace.get(Opportunity, "hs-deal-301")
    assert (tps.amount, tps.probability, tps.status, tps.stage, tps.currency) == (
        120000.0, 90.0, "open", "contractsent", "USD")
    assert tps.contact_roles == {"hs-contact-201": "other", "hs-contact-202": "other"}
    labs_deal = kam_workspace.get(Opportunity, "hs-deal-302")
    assert labs_deal.status == "won"
    assert labs_deal.contact_roles == {"hs-contact-202@102": "other", "hs-contact-203": "other"}
    assert kam_workspace.get(Opportunity, "hs-deal-303").status == "lost"
    assert _import(kam_workspace, kam_registry, pages).total("unchanged") == 11


def test_object_told_by_properties_and_archived_skipped(
        kam_workspace: Workspace, kam_registry: Registry, pages: Path, tmp_path: Path) -> None:
    folder = tmp_path / "renamed"
    folder.mkdir()
    for index, name in enumerate(("companies.json", "contacts-page-1.json",
                                  "contacts-page-2.json", "deals.json")):
        (folder / f"page-{index}.json").write_bytes((pages / name).read_bytes())
    _edit(folder / "page-3.json",
          lambda data: data["results"][2].__setitem__("archived", True))
    summary = _import(kam_workspace, kam_registry, folder)
    assert summary.total("created") == 10
    assert kam_workspace.get(Account, "hs-company-101").name == "Initech"
    assert kam_workspace.get(Stakeholder, "hs-contact-202@102").account_id == "hs-company-102"
    assert kam_workspace.find(Opportunity, "hs-deal-303") is None


def test_one_file_alone(kam_workspace: Workspace, kam_registry: Registry, pages: Path) -> None:
    summary = _import(kam_workspace, kam_registry, pages / "companies.json")
    assert summary.total("created") == 3


@pytest.mark.parametrize(("change", "line_of", "path"), [
    (lambda d: d["results"][1].__setitem__("id", "abc"), '"id": "abc"', ("results", 1, "id")),
    (lambda d: d["results"][0]["properties"].__setitem__("closedate", "31/12/2025"),
     '"closedate": "31/12/2025"', ("results", 0, "properties", "closedate")),
    (lambda d: d["results"][2]["properties"].__setitem__("amount", "lots"),
     '"amount": "lots"', ("results", 2, "properties", "amount")),
    (lambda d: d["results"][0]["associations"]["contacts"]["results"][1].__setitem__(
        "id", 7), '"id": 7', ("results", 0, "associations", "contacts", "results", 1, "id")),
])
def test_a_bad_value_aborts_with_file_line_and_path(
        kam_workspace: Workspace, kam_registry: Registry, pages: Path, change: Any,
        line_of: str, path: tuple[str | int, ...]) -> None:
    _import(kam_workspace, kam_registry, pages)
    before = _state(kam_workspace)
    _edit(pages / "contacts-page-1.json",
          lambda d: d["results"][0]["properties"].__setitem__("jobtitle", "Renamed"))
    target = pages / "deals.json"
    _edit(target, change)
    with pytest.raises(InvalidInputError) as refused:
        _import(kam_workspace, kam_registry, pages)
    problem = refused.value.problems[0]
    lines = target.read_text(encoding="utf-8").splitlines()
    expected_line = next(i for i, text in enumerate(lines, 1) if line_of in text)
    assert (problem.source, problem.path, problem.line) == (str(target), path, expected_line)
    assert _state(kam_workspace) == before
    assert kam_workspace.get(Stakeholder, "hs-contact-201").title == "Division VP"


def test_broken_json_and_unknown_objects_are_refused(kam_registry: Registry,
                                                     tmp_path: Path) -> None:
    broken = tmp_path / "companies.json"
    broken.write_text('{"results": [\n  {"id": "1", "properties": {"name": "A"}},\n  {"id"\n]}\n')
    with pytest.raises(InvalidInputError) as refused:
        list(kam_registry.adapter("hubspot-json").read(broken))
    assert refused.value.problems[0].line in (3, 4)
    unknown = tmp_path / "page.json"
    unknown.write_text(json.dumps({"results": [{"id": "1", "properties": {"colour": "blue"}}]}))
    with pytest.raises(InvalidInputError, match="cannot tell"):
        list(kam_registry.adapter("hubspot-json").read(unknown))
    not_a_page = tmp_path / "deals.json"
    not_a_page.write_text(json.dumps([{"id": "1"}]))
    with pytest.raises(InvalidInputError, match="invalid page"):
        list(kam_registry.adapter("hubspot-json").read(not_a_page))


def test_kam_import_exits_2_without_a_traceback(pages: Path, tmp_path: Path) -> None:
    db = tmp_path / "kam.db"
    subprocess.run([KAM, "-w", str(db), "init"], check=True, capture_output=True)
    _edit(pages / "deals.json", lambda d: d["results"][0]["properties"].__setitem__(
        "amount", "lots"))
    done = subprocess.run([KAM, "-w", str(db), "import", "hubspot-json", str(pages)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "deals.json" in done.stderr and "amount" in done.stderr
    ws = Workspace.open(db)
    assert list(ws.iter(Account)) == []

"""hubspot-csv: the adapter contract, the mapping, HubSpot's formats, and bad rows."""

from __future__ import annotations

import csv
from importlib.resources import files
from pathlib import Path

import pytest
from kamcore_hubspot.reading import parse_date, parse_number

from kamcore import InvalidInputError
from kamcore.importing import import_records
from kamcore.model import Account, Opportunity, Stakeholder
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace
from kamcore.testing import AdapterContract

COMPANIES = "hubspot-crm-exports-all-companies-2026-01-15.csv"
CONTACTS = "hubspot-crm-exports-all-contacts-2026-01-15.csv"
DEALS = "hubspot-crm-exports-all-deals-2026-01-15.csv"


class TestHubSpotContract(AdapterContract):
    @pytest.fixture
    def adapter_name(self) -> str:
        return "hubspot-csv"

    @pytest.fixture
    def adapter_sample_path(self) -> Path:
        return Path(str(files("kamcore_hubspot") / "samples"))


def _import(ws: Workspace, registry: Registry, path: Path):  # type: ignore[no-untyped-def]
    return import_records(ws, registry.adapter("hubspot-csv").read(path))


def _state(ws: Workspace) -> list[tuple[str, int]]:
    return [(r.id, r.revision) for cls in (Account, Stakeholder, Opportunity)
            for r in ws.iter(cls)]


@pytest.mark.parametrize(("raw", "value"), [
    ("2026-01-15", "2026-01-15"), ("2026-01-15 14:30", "2026-01-15"),
    ("2026-01-15 14:30:05", "2026-01-15"), ("01/15/2026", "2026-01-15"),
    ("1/5/2026 09:00", "2026-01-05"), ("2026-01-15T14:30:00.000Z", "2026-01-15")])
def test_hubspot_dates(raw: str, value: str) -> None:
    assert parse_date(raw).isoformat() == value


def test_hubspot_numbers_and_bad_values() -> None:
    assert parse_number("120,000.50") == 120000.5
    assert parse_number("45000") == 45000.0
    for bad in ("1,20", "12k", "nan"):
        with pytest.raises(ValueError):
            parse_number(bad)
    with pytest.raises(ValueError):
        parse_date("15/31/2026")


def test_mapping_of_the_sample(kam_workspace: Workspace, kam_registry: Registry,
                               samples: Path) -> None:
    first = _import(kam_workspace, kam_registry, samples)
    assert first.total("created") == 11
    labs = kam_workspace.get(Account, "hs-company-102")
    assert (labs.name, labs.parent_id, labs.owner) == ("Initech Labs", "hs-company-101",
                                                       "Ada Byron")
    assert labs.attributes == {"hubspot": {"domain": "labs.initech.example"}}
    umbrella = kam_workspace.get(Account, "hs-company-103")
    assert umbrella.name == "Umbrella Corp, Ltd."  # quoted comma
    # Peter is associated with two companies: a stakeholder in each
    peter = kam_workspace.get(Stakeholder, "hs-contact-202")
    in_labs = kam_workspace.get(Stakeholder, "hs-contact-202@102")
    assert (peter.account_id, in_labs.account_id) == ("hs-company-101", "hs-company-102")
    assert kam_workspace.find_by_external_id(Stakeholder, "hubspot:102", "202") == in_labs
    assert peter.last_contact is not None and peter.last_contact.isoformat() == "2026-01-05"
    assert kam_workspace.find(Stakeholder, "hs-contact-205") is None  # no company: skipped
    tps = kam_workspace.get(Opportunity, "hs-deal-301")
    assert (tps.amount, tps.probability, tps.status) == (120000.0, 90.0, "open")
    assert tps.close_date is not None and tps.close_date.isoformat() == "2026-06-30"
    labs_deal = kam_workspace.get(Opportunity, "hs-deal-302")
    assert labs_deal.status == "won"
    assert labs_deal.contact_roles == {"hs-contact-202@102": "other", "hs-contact-203": "other"}
    assert kam_workspace.get(Opportunity, "hs-deal-303").status == "lost"
    second = _import(kam_workspace, kam_registry, samples)
    assert second.total("unchanged") == 11 and second.total("created") == 0


def test_files_are_recognised_by_their_headers(kam_workspace: Workspace, kam_registry: Registry,
                                               samples: Path, tmp_path: Path) -> None:
    folder = tmp_path / "renamed"
    folder.mkdir()
    for index, name in enumerate((COMPANIES, CONTACTS, DEALS)):
        (folder / f"export-{index}.csv").write_bytes((samples / name).read_bytes())
    (folder / "notes.csv").write_text("Something,Else\n1,2\n")
    assert _import(kam_workspace, kam_registry, folder).total("created") == 11


def test_a_bad_row_aborts_with_its_place(kam_workspace: Workspace, kam_registry: Registry,
                                         samples: Path) -> None:
    _import(kam_workspace, kam_registry, samples)
    before = _state(kam_workspace)
    path = samples / DEALS
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("Deal Name")] = "Renamed deal"
    rows[3][rows[0].index("Close Date")] = "31/12/2025"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(InvalidInputError) as refused:
        _import(kam_workspace, kam_registry, samples)
    problem = refused.value.problems[0]
    assert (problem.source, problem.line, problem.column, problem.path) == (
        str(path), 4, rows[0].index("Close Date") + 1, ("Close Date",))
    assert _state(kam_workspace) == before
    assert kam_workspace.get(Opportunity, "hs-deal-301").name == "TPS reporting suite"


@pytest.mark.parametrize(("content", "needle"), [
    ("Company name,Industry\nAcme,x\n", "no Record ID column"),
    ("Record ID,Company name\nabc,Acme\n", "not a HubSpot record id"),
    ("Record ID,Company name\n1,Acme\n1,Acme again\n", "appears twice"),
])
def test_refusals(kam_workspace: Workspace, kam_registry: Registry, tmp_path: Path, content: str,
                  needle: str) -> None:
    path = tmp_path / "companies.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInputError, match=needle):
        _import(kam_workspace, kam_registry, path)
    unknown = tmp_path / "export.csv"
    unknown.write_text("Record ID,Colour\n1,blue\n")
    with pytest.raises(InvalidInputError, match="cannot tell"):
        _import(kam_workspace, kam_registry, unknown)

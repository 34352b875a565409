"""salesforce-csv: ids, values, idempotence, the mapping, and bad rows that abort the import."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from kamcore_salesforce.ids import checksum, to18
from kamcore_salesforce.values import parse_bool, parse_date, parse_number

from kamcore import InvalidInputError
from kamcore.importing import import_records
from kamcore.model import Account, Opportunity, Relationship, Stakeholder
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

KINDS = (Account, Stakeholder, Relationship, Opportunity)
CFO = "003Dn00000001XzIAI"
BUYER15 = "003Dn00000004Xz"
ACME, GROUP = "001Dn00000002QaIAI", "001Dn00000001QaIAI"


def _reference_checksum(id15: str) -> str:
    """The documented algorithm, written the long way: bits per chunk, reversed, as an index."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    out = ""
    for chunk in (id15[0:5], id15[5:10], id15[10:15]):
        bits = "".join("1" if c.isupper() else "0" for c in chunk)
        out += alphabet[int(bits[::-1], 2)]
    return out


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _state(ws: Workspace) -> dict[str, list[tuple[str, int]]]:
    return {cls.kind: [(r.id, r.revision) for r in ws.iter(cls)] for cls in KINDS}


def _import(ws: Workspace, registry: Registry, path: Path, **kw: object):  # type: ignore[no-untyped-def]
    return import_records(ws, registry.adapter("salesforce-csv").read(path), **kw)


# -- ids and values -----------------------------------------------------------------------------


def test_checksum_matches_the_documented_algorithm() -> None:
    assert to18("00D000000000062") == "00D000000000062EAA"
    for id15 in ("001Dn00000001Qa", "0035g00000AbCdE", "a0BZZZZZzzzzzzz", "00Q000000000000"):
        assert checksum(id15) == _reference_checksum(id15)
    assert to18("003Dn00000004Xz") == to18("003Dn00000004XzIAI") == "003Dn00000004XzIAI"
    assert to18("003Dn00000004Xziai") == "003Dn00000004XzIAI"  # the suffix is case-safe


def test_remembered_ids_give_the_same_answers_in_both_forms() -> None:
    """The cache of to18 is keyed by the text given: each form, and a refused form after an
    accepted one, gets its own right answer."""
    for _ in range(2):  # the second round is answered from the cache
        assert to18("003Dn00000004Xz") == "003Dn00000004XzIAI"
        assert to18("003Dn00000004XzIAI") == "003Dn00000004XzIAI"
        assert to18(" 003Dn00000004Xziai ") == "003Dn00000004XzIAI"
        assert to18("003DN00000004XZ") == "003DN00000004XZYAY"
        with pytest.raises(ValueError, match="'IAI'"):
            to18("003Dn00000004XzIAJ")
    assert to18.cache_info().hits >= 4


def test_checksum_reads_only_uppercase_ascii_letters_as_ones() -> None:
    assert checksum("ABCDE" * 3) == "555"
    assert checksum("ÀBCDEfghij") == "4AA"  # a non-ASCII letter is a 0 bit, as a digit is
    assert checksum("AB") == "DAA"  # a short text: the chunks it has


@pytest.mark.parametrize("bad", ["003Dn00000004XzIAJ", "003Dn0000004X", "003Dn0000000-Xz", ""])
def test_bad_ids_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        to18(bad)


@pytest.mark.parametrize(("raw", "value"), [
    ("true", True), ("FALSE", False), ("Yes", True), ("no", False), ("Y", True), ("n", False),
    ("on", True), ("OFF", False), ("1", True), ("0", False), (True, True)])
def test_booleans_as_data_loader_accepts_them(raw: object, value: bool) -> None:
    assert parse_bool(raw) is value


@pytest.mark.parametrize(("raw", "value"), [
    ("2026-01-15", "2026-01-15"), ("2026-01-15T10:00:00.000Z", "2026-01-15"),
    ("2026-01-15T10:00:00.000+0000", "2026-01-15"), ("2026-01-15T23:30:00+00:00", "2026-01-15"),
    ("2026-01-15T10:00:00Z", "2026-01-15")])
def test_salesforce_dates(raw: str, value: str) -> None:
    assert parse_date(raw).isoformat() == value


@pytest.mark.parametrize("bad", ["15/01/2026", "2026-02-30", "soon", "maybe"])
def test_bad_dates_and_booleans_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_date(bad)
    with pytest.raises(ValueError):
        parse_bool(bad)


def test_numbers() -> None:
    assert parse_number("125000.00") == 125000.0
    assert parse_number("1.2E6") == 1_200_000.0
    for bad in ("12k", "nan", "inf", True):
        with pytest.raises(ValueError):
            parse_number(bad)  # type: ignore[arg-type]


# -- idempotence and identity -------------------------------------------------------------------


def test_importing_twice_leaves_every_count_unchanged(kam_workspace: Workspace,
                                                      kam_registry: Registry,
                                                      samples: Path) -> None:
    first = _import(kam_workspace, kam_registry, samples / "csv")
    before = _state(kam_workspace)
    second = _import(kam_workspace, kam_registry, samples / "csv")
    assert first.total("created") == 18 and first.total("updated") == 0
    assert second.total("created") == second.total("updated") == 0
    assert second.total("unchanged") == 18
    assert {r["kind"]: r["unchanged"] for r in second.rows()} == {
        r["kind"]: r["created"] for r in first.rows()}
    assert _state(kam_workspace) == before


def test_a_contact_given_by_15_and_18_character_ids_is_one_stakeholder(
        kam_workspace: Workspace, kam_registry: Registry, samples: Path) -> None:
    folder = samples / "csv"
    # the sample gives Omar's Id with 15 characters in Contact.csv, and the contact role
    # names him with 18: one stakeholder, and the role points at it
    assert BUYER15 in (folder / "Contact.csv").read_text()
    _import(kam_workspace, kam_registry, folder)
    buyer = kam_workspace.get(Stakeholder, f"sf-{to18(BUYER15)}")
    assert buyer.external_ids == {"salesforce": "003Dn00000004XzIAI"}
    assert "evaluator" in buyer.roles
    platform = kam_workspace.get(Opportunity, "sf-006Dn00000001KpIAI")
    assert platform.contact_roles[buyer.id] == "evaluator"
    assert kam_workspace.find_by_external_id(Stakeholder, "salesforce", to18(BUYER15)) == buyer

    # the same contacts again, every Id now 18 characters (and the reverse): nothing changes
    rows = _rows(folder / "Contact.csv")
    for row in rows[1:]:
        row[0] = to18(row[0])
        row[1] = row[1][:15]
    _write(folder / "Contact.csv", rows)
    count = kam_workspace.count(Stakeholder)
    again = _import(kam_workspace, kam_registry, folder)
    assert again.total("created") == again.total("updated") == 0
    assert kam_workspace.count(Stakeholder) == count


def test_one_record_given_twice_is_refused(kam_workspace: Workspace, kam_registry: Registry,
                                           samples: Path) -> None:
    rows = _rows(samples / "csv" / "Contact.csv")
    twin = list(rows[1])
    twin[0] = twin[0][:15]
    _write(samples / "csv" / "Contact.csv", [*rows, twin])
    with pytest.raises(InvalidInputError) as refused:
        _import(kam_workspace, kam_registry, samples / "csv")
    problem = refused.value.problems[0]
    assert problem.line == len(rows) + 1 and problem.path == ("Id",)
    assert "appears twice" in problem.message and "Contact.csv:2" in problem.message
    assert kam_workspace.count(Account) == 0


# -- bad rows -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("column", "value", "needle"), [
    ("LastActivityDate", "2026-13-45", "not a date"),
    ("ReportsToId", "003-bad-id", "not a Salesforce Id"),
    ("AccountId", "001Dn00000002QaIAX", "checksum"),
])
def test_a_malformed_row_aborts_with_its_place_and_writes_nothing(
        kam_workspace: Workspace, kam_registry: Registry, samples: Path, column: str, value: str,
        needle: str) -> None:
    _import(kam_workspace, kam_registry, samples / "csv")
    before = _state(kam_workspace)
    path = samples / "csv" / "Contact.csv"
    rows = _rows(path)
    rows[0] = [h.upper() for h in rows[0]]  # old Data Loader headers: matched all the same
    rows[3][rows[0].index(column.upper())] = value
    rows[2][rows[0].index("TITLE")] = "Changed, and would be updated"
    _write(path, rows)
    with pytest.raises(InvalidInputError) as refused:
        _import(kam_workspace, kam_registry, samples / "csv")
    problem = refused.value.problems[0]
    assert (problem.source, problem.line) == (str(path), 4)
    assert problem.column == rows[0].index(column.upper()) + 1
    assert problem.path == (column.upper(),)
    assert needle in problem.message
    assert f"Contact.csv:4:{problem.column}" in str(refused.value)
    assert _state(kam_workspace) == before
    cio = kam_workspace.get(Stakeholder, "sf-003Dn00000002XzIAI")
    assert cio.title == "Chief Information Officer"


def test_line_numbers_count_quoted_newlines(kam_workspace: Workspace, kam_registry: Registry,
                                            tmp_path: Path) -> None:
    path = tmp_path / "Account.csv"
    path.write_text('Id,Name,Description__c,AnnualRevenue\r\n'
                    '001Dn00000001Qa,"Acme","line one\r\nline two\r\nline three",10\r\n'
                    '001Dn00000002Qa,Globex,,lots\r\n', encoding="utf-8-sig")
    with pytest.raises(InvalidInputError) as refused:
        _import(kam_workspace, kam_registry, path)
    problem = refused.value.problems[0]
    assert (problem.line, problem.column, problem.path) == (5, 4, ("AnnualRevenue",))


def test_a_row_with_the_wrong_number_of_fields(kam_workspace: Workspace, kam_registry: Registry,
                                               tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("Id,Name\n001Dn00000001Qa,Acme\n001Dn00000002Qa,Globex,extra\n")
    with pytest.raises(InvalidInputError) as refused:
        _import(kam_workspace, kam_registry, path)
    assert refused.value.problems[0].line == 3
    assert "expected 2 fields" in refused.value.problems[0].message


@pytest.mark.parametrize(("name", "content", "needle"), [
    ("extract.csv", "Id,Subject\n", "cannot tell which Salesforce object"),
    ("Account.csv", "", "empty"),
    ("Account.csv", "Name,Industry\nAcme,x\n", "no Id column"),
    ("Account.csv", "Id,NAME,name\n", "appears twice"),
    ("Account.csv", "Id,Name\n001Dn00000001Qa,\n", "needs a Name"),
])
def test_files_that_cannot_be_read(kam_workspace: Workspace, kam_registry: Registry, tmp_path: Path,
                                   name: str, content: str, needle: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInputError, match=needle):
        _import(kam_workspace, kam_registry, path)


def test_not_utf8_when_utf8_is_given_is_refused(kam_workspace: Workspace, kam_registry: Registry,
                                                tmp_path: Path) -> None:
    path = tmp_path / "Account.csv"
    path.write_bytes("Id,Name\n001Dn00000001Qa,Soci\xe9t\xe9\n".encode("latin-1"))
    with pytest.raises(InvalidInputError, match="not UTF-8"):
        import_records(kam_workspace, kam_registry.adapter("salesforce-csv").read(
            path, encoding="utf-8"))
    assert kam_workspace.count(Account) == 0


# -- the mapping --------------------------------------------------------------------------------


def test_mapping_of_the_sample(kam_workspace: Workspace, kam_registry: Registry,
                               samples: Path) -> None:
    _import(kam_workspace, kam_registry, samples / "csv")
    acme = kam_workspace.get(Account, f"sf-{ACME}")
    assert (acme.name, acme.parent_id, acme.owner) == (
        "Acme Industrial", f"sf-{GROUP}", "Jo Seller")
    assert acme.annual_revenue == 3.5e9 and acme.external_ids == {"salesforce": ACME}

    cio = kam_workspace.get(Stakeholder, "sf-003Dn00000002XzIAI")
    assert (cio.title, cio.business_unit, cio.account_id) == (
        "Chief Information Officer", "IT", f"sf-{ACME}")
    reports = kam_workspace.get(Relationship, "sf-003Dn00000002XzIAI.reports_to")
    assert (reports.source_id, reports.target_id, reports.type) == (
        cio.id, f"sf-{CFO}", "reports_to")

    # the CFO is also a stakeholder of the group, through an AccountContactRelation
    cfo = kam_workspace.get(Stakeholder, f"sf-{CFO}")
    in_group = kam_workspace.get(Stakeholder, f"sf-{CFO}@{GROUP}")
    assert cfo.roles == {"economic_buyer", "decision_maker"}
    assert in_group.account_id == f"sf-{GROUP}"
    assert in_group.roles == {"executive_sponsor", "economic_buyer"}
    assert kam_workspace.find_by_external_id(Stakeholder, f"salesforce:{GROUP}", CFO) == in_group
    assert kam_workspace.find_by_external_id(Stakeholder, "salesforce", CFO) == cfo
    # an inactive relation gives no stakeholder
    assert kam_workspace.find(Stakeholder, "sf-003Dn00000002XzIAI@001Dn00000003QaIAI") is None

    statuses = {o.name: (o.status, o.close_date.isoformat() if o.close_date else None)
                for o in kam_workspace.iter(Opportunity)}
    assert statuses == {"Platform renewal": ("open", "2026-09-30"),
                        "Service expansion": ("won", "2026-01-15"),
                        "Grid analytics pilot": ("lost", "2025-12-20")}


def test_reimport_keeps_what_was_assessed_in_kamcore(kam_workspace: Workspace,
                                                     kam_registry: Registry, samples: Path) -> None:
    _import(kam_workspace, kam_registry, samples / "csv")
    cio = kam_workspace.get(Stakeholder, "sf-003Dn00000002XzIAI")
    kam_workspace.save(cio.model_copy(update={"influence": 4, "support": 2,
                                              "roles": cio.roles | {"champion"}}))
    acme = kam_workspace.get(Account, f"sf-{ACME}")
    kam_workspace.save(acme.model_copy(update={
        "tier": "strategic", "external_ids": {**acme.external_ids, "hubspot": "101"}}))
    path = samples / "csv" / "Contact.csv"
    rows = _rows(path)
    rows[2][rows[0].index("Title")] = "Chief Digital Officer"
    _write(path, rows)

    summary = _import(kam_workspace, kam_registry, samples / "csv")
    assert summary.counts[("stakeholder", "updated")] == 1
    assert summary.counts[("account", "updated")] == 0
    cio = kam_workspace.get(Stakeholder, cio.id)
    assert (cio.title, cio.influence, cio.support) == ("Chief Digital Officer", 4, 2)
    assert cio.roles == {"technical_buyer", "champion"}
    acme = kam_workspace.get(Account, acme.id)
    assert acme.tier == "strategic" and acme.external_ids == {"salesforce": ACME,
                                                              "hubspot": "101"}


def test_a_single_file_and_private_contacts(kam_workspace: Workspace, kam_registry: Registry,
                                            tmp_path: Path) -> None:
    path = tmp_path / "contacts_2026-01-15.csv"
    path.write_text("Id,AccountId,LastName\n003Dn00000009Xz,,Private\n"
                    "003Dn00000008Xz,001Dn00000002Qa,Known\n", encoding="utf-8")
    summary = _import(kam_workspace, kam_registry, path)
    assert summary.total("created") == 1
    assert kam_workspace.get(Stakeholder, f"sf-{to18('003Dn00000008Xz')}").name == "Known"


def test_dry_run_counts_and_writes_nothing(kam_workspace: Workspace, kam_registry: Registry,
                                           samples: Path) -> None:
    summary = _import(kam_workspace, kam_registry, samples / "csv", dry_run=True)
    assert summary.total("created") == 18
    assert all(kam_workspace.count(cls) == 0 for cls in KINDS)


@pytest.mark.parametrize("sobject, column", [
    ("AccountContactRelation", "ContactId"), ("AccountContactRelation", "AccountId"),
    ("OpportunityContactRole", "OpportunityId"), ("OpportunityContactRole", "ContactId"),
])
def test_a_junction_row_without_one_of_its_ids_is_refused(
        kam_workspace: Workspace, kam_registry: Registry, samples: Path, sobject: str,
        column: str) -> None:
    path = samples / "csv" / f"{sobject}.csv"
    rows = _rows(path)
    header = [name.casefold() for name in rows[0]]  # headers match whatever their case
    rows[1][header.index(column.casefold())] = ""
    _write(path, rows)
    with pytest.raises(InvalidInputError) as refused:
        _import(kam_workspace, kam_registry, samples / "csv")
    problem = refused.value.problems[0]
    assert (problem.source, problem.line) == (str(path), 2)
    assert [part.casefold() for part in problem.path] == [column.casefold()]
    assert problem.message == f"an {sobject} needs its {column}"
    assert kam_workspace.count(Stakeholder) == 0

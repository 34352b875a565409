"""salesforce-csv on files as users have them: default export names, legacy encodings,
upper-case headers, and ``--object`` / ``--encoding`` -- through the installed ``kam``."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from kamcore.model import Account, Opportunity, Stakeholder
from kamcore.store import Workspace

SAMPLES = Path(str(files("kamcore_salesforce") / "samples" / "csv"))
ACME = "sf-001Dn00000002QaIAI"


def _workspace(tmp_path: Path) -> Workspace:
    return Workspace.open(tmp_path / "kam.db")


def _sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def test_default_export_names_are_recognised_by_their_header(tmp_path: Path, kam: Any) -> None:
    """Data Loader's ``extract.csv``, a Bulk API result file and ``accountData.csv`` in one
    folder: each object from its header; another CSV in the folder is skipped and said so."""
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "accountData.csv").write_text(_sample("Account.csv"), encoding="utf-8")
    (folder / "extract.csv").write_text(_sample("Contact.csv"), encoding="utf-8")
    (folder / "750Dn000003bA1x-result.csv").write_text(_sample("Opportunity.csv"),
                                                        encoding="utf-8")
    (folder / "notes.csv").write_text("Title,Body\nhello,world\n", encoding="utf-8")
    done = kam("import", "salesforce-csv", str(folder), "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert {row["kind"]: row["created"] for row in summary["kinds"]}.keys() >= {
        "account", "stakeholder", "opportunity"}
    assert "notes.csv: skipped (not an export of Account, Contact, Opportunity, "\
           "OpportunityContactRole, AccountContactRelation, OpportunityCompetitor, AccountPlan, "\
           "AccountPlanObjective, AccountPlanObjectiveMeasure)" in summary["notes"]
    assert "extract.csv: read as UTF-8 (checked)" in summary["notes"]
    with _workspace(tmp_path) as ws:
        assert ws.get(Account, ACME).name
        assert ws.count(Stakeholder) > 0


def test_a_header_that_fits_several_objects_is_refused_naming_them(tmp_path: Path,
                                                                   kam: Any) -> None:
    path = tmp_path / "extract.csv"
    path.write_text("Id,AccountId,LastName,StageName\n003Dn00000001Xz,001Dn00000002Qa,Li,"
                    "Closed Won\n", encoding="utf-8")
    done = kam("import", "salesforce-csv", str(path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "its header fits several Salesforce objects (Opportunity, Contact)" in done.stderr
    assert f"{path}:1: could be Opportunity or Contact" in done.stderr
    # stated with --object, it is read as that object
    done = kam("import", "salesforce-csv", str(path), "--object", "contact")
    assert done.returncode == 0, done.stderr
    with _workspace(tmp_path) as ws:
        assert [s.name for s in ws.iter(Stakeholder)] == ["Li"]


def test_a_file_nothing_says_anything_about(tmp_path: Path, kam: Any) -> None:
    path = tmp_path / "extract.csv"
    path.write_text("Id,Whatever\n1,2\n", encoding="utf-8")
    done = kam("import", "salesforce-csv", str(path))
    assert done.returncode == 2
    assert "cannot tell which Salesforce object this file holds from its name or its " \
           "header" in done.stderr and "give --object" in done.stderr
    done = kam("import", "salesforce-csv", str(path), "--object", "Lead")
    assert done.returncode == 2
    assert "--object 'Lead': not an object this adapter reads; give one of Account, " \
           "Contact" in done.stderr
    done = kam("import", "salesforce-csv", str(tmp_path), "--object", "Contact")
    assert done.returncode == 2 and "PATH is a folder" in done.stderr
    done = kam("import", "hubspot-csv", str(path), "--object", "Contact")
    assert done.returncode == 2
    assert "adapter 'hubspot-csv' has no option --object; it takes --encoding" in done.stderr


def test_windows_1252_from_an_old_data_loader_with_upper_case_headers(tmp_path: Path,
                                                                      kam: Any) -> None:
    """The failure users met (``cannot decode byte b'\\xba'``): Windows-1252 bytes, and the
    upper-case headers older Data Loader versions write."""
    path = tmp_path / "Account.csv"
    path.write_bytes("ID,NAME,INDUSTRY\r\n001Dn00000002QaIAI,Compañía Nº 1 “Acme”,Energía\r\n"
                     .encode("cp1252"))
    assert b"\xba" in path.read_bytes()
    done = kam("import", "salesforce-csv", str(path))
    assert done.returncode == 0, done.stderr
    assert "Account.csv: read as Windows-1252 (detected)" in done.stdout
    with _workspace(tmp_path) as ws:
        acme = ws.get(Account, ACME)
    assert (acme.name, acme.industry) == ("Compañía Nº 1 “Acme”", "Energía")


def test_utf16_and_a_given_encoding(tmp_path: Path, kam: Any) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "Account.csv").write_bytes(_sample("Account.csv").encode("utf-16"))
    (folder / "Contact.csv").write_bytes(
        _sample("Contact.csv").replace("Chris", "Ĳsbrand").encode("utf-16"))
    done = kam("import", "salesforce-csv", str(folder), "--json")
    assert done.returncode == 0, done.stderr
    assert "Account.csv: read as UTF-16 (byte order mark)" in json.loads(done.stdout)["notes"]
    with _workspace(tmp_path) as ws:
        assert "Ĳsbrand Finance" in {s.name for s in ws.iter(Stakeholder)}

    latin = tmp_path / "Account.csv"
    latin.write_bytes("Id,Name\n001Dn00000002QaIAI,Soci\xe9t\xe9\n".encode("latin-1"))
    done = kam("import", "salesforce-csv", str(latin), "--encoding", "utf-8")
    assert done.returncode == 2
    assert f"{latin}:2: cannot decode byte b'\\xe9' as UTF-8; give the file's encoding with " \
           "--encoding" in done.stderr
    done = kam("import", "salesforce-csv", str(latin), "--encoding", "latin-1")
    assert done.returncode == 0, done.stderr
    assert "read as Latin-1 (ISO-8859-1) (given)" in done.stdout
    with _workspace(tmp_path) as ws:
        assert ws.get(Account, ACME).name == "Société"


@pytest.mark.parametrize("codec", ["utf-8-sig", "cp1252", "utf-16"])
def test_hubspot_exports_in_each_encoding(tmp_path: Path, kam: Any, codec: str) -> None:
    path = tmp_path / "hubspot-crm-exports-all-companies.csv"
    path.write_bytes("Record ID,Company name,Industry\n101,Société Générale,Banque\n"
                     .encode(codec))
    done = kam("import", "hubspot-csv", str(path))
    assert done.returncode == 0, done.stderr
    with _workspace(tmp_path) as ws:
        assert ws.get(Account, "hs-company-101").name == "Société Générale"


def test_opportunity_competitors_from_csv_and_tree(tmp_path: Path, kam: Any,
                                                  samples: Path) -> None:
    """OpportunityCompetitor rows (a Data Loader extract, recognised by its header; children
    nested in a tree export's opportunity) become ``Opportunity.competitors``."""
    folder = samples / "csv"
    (folder / "extract.csv").write_text(
        "Id,OpportunityId,CompetitorName,Strengths\n"
        "00KDn00000001AbMAI,006Dn00000001KpIAI,Globex,Price\n"
        "00KDn00000002AbMAI,006Dn00000001KpIAI,Initech,\n", encoding="utf-8")
    done = kam("import", "salesforce-csv", str(folder), "--json")
    assert done.returncode == 0, done.stderr
    tree = samples / "tree" / "Opportunity.json"
    data = json.loads(tree.read_text(encoding="utf-8"))
    data["records"][0]["OpportunityCompetitors"] = {"records": [{
        "attributes": {"type": "OpportunityCompetitor", "referenceId": "CompetitorRef1"},
        "CompetitorName": "Umbrella"}]}
    tree.write_text(json.dumps(data), encoding="utf-8")
    assert kam("import", "salesforce-tree", str(samples / "tree")).returncode == 0
    with _workspace(tmp_path) as ws:
        assert ws.get(Opportunity, "sf-006Dn00000001KpIAI").competitors == {"Globex", "Initech"}
        assert ws.get(Opportunity, "sf-ref-OpportunityRef1").competitors == {"Umbrella"}
        assert ws.get(Opportunity, "sf-006Dn00000002KpIAI").competitors == set()

"""hubspot-csv: UI exports in English, German, French and Spanish, recognised by their headers."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kamcore import InvalidInputError
from kamcore.importing import import_records, noting
from kamcore.model import Account, Opportunity, Stakeholder
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

#: Per language: (companies header, contacts header, deals header), in HubSpot's labels; the
#: association columns keep their English labels (see kamcore_hubspot.labels).
HEADERS = {
    "en": (["Record ID", "Company name", "Company Domain Name", "Annual Revenue"],
           ["Record ID", "First Name", "Last Name", "Email", "Associated Company IDs"],
           ["Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date",
            "Associated Company IDs", "Associated Contact IDs"]),
    "de": (["Datensatz-ID", "Name des Unternehmens", "Domain-Name des Unternehmens",
            "Jahresumsatz"],
           ["Datensatz-ID", "Vorname", "Nachname", "E-Mail", "Associated Company IDs"],
           ["Datensatz-ID", "Deal-Name", "Deal-Phase", "Betrag", "Abschlussdatum",
            "Associated Company IDs", "Associated Contact IDs"]),
    "fr": (["ID de fiche d'informations", "Nom de l'entreprise",
            "Nom de domaine de l'entreprise", "Chiffre d'affaires annuel"],
           ["ID de fiche d'informations", "Prénom", "Nom", "E-mail",
            "Associated Company IDs"],
           ["ID de fiche d'informations", "Nom de la transaction",
            "Phase de la transaction", "Montant", "Date de fermeture",
            "Associated Company IDs", "Associated Contact IDs"]),
    "es": (["ID de registro", "Nombre de la empresa", "Nombre del dominio de la empresa",
            "Ingresos anuales"],
           ["ID de registro", "Nombre", "Apellidos", "Correo electrónico",
            "Associated Company IDs"],
           ["ID de registro", "Nombre del negocio", "Etapa del negocio", "Importe",
            "Fecha de cierre", "Associated Company IDs", "Associated Contact IDs"]),
}
ROWS = ([["11", "Société Générale d'Ingénierie", "sgi.example", "5000000"]],
        [["21", "Zoë", "Müller-Núñez", "zoe@sgi.example", "11"]],
        [["31", "Plateforme données", "Angebot", "42,000.00", "2026-09-30", "11", "21"]])


def _write(folder: Path, language: str, encoding: str = "utf-8-sig") -> Path:
    """The three exports of ``language`` under neutral names (``export-N.csv``)."""
    folder.mkdir()
    for index, (header, rows) in enumerate(zip(HEADERS[language], ROWS, strict=True)):
        with (folder / f"export-{index}.csv").open("w", encoding=encoding,
                                                     newline="") as handle:
            csv.writer(handle).writerows([header, *rows])
    return folder


@pytest.mark.parametrize("language", sorted(HEADERS))
def test_each_language_maps_the_same(kam_workspace: Workspace, kam_registry: Registry,
                                     tmp_path: Path, language: str) -> None:
    folder = _write(tmp_path / language, language)
    summary = import_records(kam_workspace, kam_registry.adapter("hubspot-csv").read(folder))
    assert summary.total("created") == 3
    company = kam_workspace.get(Account, "hs-company-11")
    assert (company.name, company.annual_revenue) == ("Société Générale d'Ingénierie",
                                                      5000000.0)
    assert company.attributes == {"hubspot": {"domain": "sgi.example"}}
    person = kam_workspace.get(Stakeholder, "hs-contact-21")
    assert (person.name, person.email, person.account_id) == (
        "Zoë Müller-Núñez", "zoe@sgi.example", "hs-company-11")
    deal = kam_workspace.get(Opportunity, "hs-deal-31")
    assert (deal.name, deal.stage, deal.amount, deal.account_id) == (
        "Plateforme données", "Angebot", 42000.0, "hs-company-11")
    assert deal.close_date is not None and deal.close_date.isoformat() == "2026-09-30"
    assert deal.contact_roles == {"hs-contact-21": "other"}


def test_a_legacy_encoded_spanish_export(kam_workspace: Workspace, kam_registry: Registry,
                                         tmp_path: Path) -> None:
    folder = _write(tmp_path / "es", "es", encoding="cp1252")
    summary = import_records(kam_workspace, kam_registry.adapter("hubspot-csv").read(folder))
    assert summary.total("created") == 3
    assert kam_workspace.get(Stakeholder, "hs-contact-21").name == "Zoë Müller-Núñez"


def test_headers_in_no_known_language_are_refused_with_the_expected_ones(
        kam_workspace: Workspace, kam_registry: Registry, tmp_path: Path) -> None:
    path = tmp_path / "eksport.csv"
    path.write_text("Post-ID,Firmanavn\n1,Acme\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="cannot tell") as refused:
        list(kam_registry.adapter("hubspot-csv").read(path))
    listed = refused.value.problems[0].message
    for label in ("deal name", "deal-phase", "nom de la transaction", "nombre del negocio",
                  "vorname", "prénom", "apellidos", "nombre de la empresa"):
        assert label in listed
    assert kam_workspace.find(Account, "hs-company-1") is None


def test_a_file_without_an_id_column_names_the_id_labels(kam_registry: Registry,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "companies.csv"
    path.write_text("Nombre de la empresa\nAcme\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="no Record ID column") as refused:
        list(kam_registry.adapter("hubspot-csv").read(path))
    message = refused.value.problems[0].message
    assert "'id de registro'" in message and "'datensatz-id'" in message


def test_translated_association_columns_are_not_read_and_said_so(
        kam_workspace: Workspace, kam_registry: Registry, tmp_path: Path) -> None:
    """No HubSpot source at hand shows the association columns' labels in German, French or
    Spanish: a contacts export whose association column is translated is read without it, its
    contacts are skipped, and the import's notes say why."""
    folder = tmp_path / "de"
    folder.mkdir()
    (folder / "kontakte.csv").write_text(
        "Datensatz-ID,Vorname,Nachname,Zugeordnete Unternehmens-IDs\n21,Zoë,Müller,11\n",
        encoding="utf-8")
    with noting() as notes:
        summary = import_records(kam_workspace, kam_registry.adapter("hubspot-csv").read(folder))
    assert summary.total("created") == 0 and kam_workspace.count(Stakeholder) == 0
    assert f"{folder / 'kontakte.csv'}: no Associated Company IDs column (association columns " \
           "are read under HubSpot's English labels only): its contacts belong to no company " \
           "and are skipped" in notes

"""The column labels of HubSpot's UI exports, in English, German, French and Spanish.

HubSpot exports a record's properties under their *labels* in the exporting user's language.
:data:`LABELS` holds, per language, the labels each field may have (lower-case; the first found
in a file wins); :data:`HEADERS` is their union, which is what a file is read with, so one
folder may mix languages. :data:`MARKERS` are the labels that tell which object a file holds
when its name does not say it.

**Where the labels come from.** English: HubSpot's own exports (the samples shipped in
``samples/``). French: ``ID de fiche d'informations``, ``Nom de l'entreprise``, ``Nom de
domaine de l'entreprise`` and ``URL du site web`` as they appear in French-language company
exports handled by public code; ``Prénom``, ``Nom``, ``E-mail``, ``Nom de la transaction`` from
HubSpot's French knowledge base (setting up an import file). Spanish: ``ID de registro`` and
``Nombre de la empresa`` as issue #20 quotes them from a user's file; ``Nombre``,
``Apellidos``, ``Correo electrónico``, ``Nombre del negocio`` from HubSpot's Spanish knowledge
base. German: ``Vorname``, ``Nachname``, ``Betrag``, ``Deal-Phase``, ``Jahresumsatz`` from
HubSpot's German knowledge base (default properties, deal pipelines). Labels marked
*unconfirmed* in docs/crm-import.md follow HubSpot's wording in that language (``Datensatz``
for record, ``Unternehmen`` for company) but were not seen in an export; association columns
(``Associated Company IDs``...) are recognised under their English labels only.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Language -> field -> the labels it may have, lower-case.
LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "id": ("record id", "company id", "contact id", "deal id", "hs_object_id"),
        "company_name": ("company name", "name"),
        "domain": ("company domain name", "domain", "website url"),
        "industry": ("industry",),
        "revenue": ("annual revenue",),
        "company_owner": ("company owner",),
        "parent": ("parent company id",),
        "first_name": ("first name",),
        "last_name": ("last name",),
        "email": ("email",),
        "title": ("job title",),
        "department": ("department",),
        "contact_owner": ("contact owner",),
        "last_activity": ("last activity date",),
        "companies": ("associated company ids", "associated company id",
                      "associated company ids (primary)"),
        "primary_company": ("associated company ids (primary)", "primary associated company id",
                            "primary company id"),
        "deal_name": ("deal name",),
        "stage": ("deal stage",),
        "amount": ("amount",),
        "close_date": ("close date",),
        "probability": ("deal probability",),
        "currency": ("currency",),
        "won": ("is closed won",),
        "closed": ("is deal closed?", "is closed"),
        "contacts": ("associated contact ids", "associated contact id"),
    },
    "de": {
        "id": ("datensatz-id",),
        "company_name": ("name des unternehmens", "unternehmensname"),
        "domain": ("domain-name des unternehmens", "website-url"),
        "industry": ("branche",),
        "revenue": ("jahresumsatz",),
        "company_owner": ("unternehmensinhaber",),
        "first_name": ("vorname",),
        "last_name": ("nachname",),
        "email": ("e-mail",),
        "title": ("jobbezeichnung",),
        "department": ("abteilung",),
        "contact_owner": ("kontaktinhaber",),
        "deal_name": ("deal-name",),
        "stage": ("deal-phase",),
        "amount": ("betrag",),
        "close_date": ("schließdatum", "abschlussdatum"),
        "currency": ("währung",),
    },
    "fr": {
        "id": ("id de fiche d'informations",),
        "company_name": ("nom de l'entreprise",),
        "domain": ("nom de domaine de l'entreprise", "url du site web"),
        "industry": ("secteur d'activité",),
        "revenue": ("chiffre d'affaires annuel",),
        "company_owner": ("propriétaire de l'entreprise",),
        "first_name": ("prénom",),
        "last_name": ("nom",),
        "email": ("e-mail", "adresse e-mail"),
        "title": ("intitulé du poste",),
        "department": ("service",),
        "contact_owner": ("propriétaire du contact",),
        "deal_name": ("nom de la transaction",),
        "stage": ("phase de la transaction",),
        "amount": ("montant",),
        "close_date": ("date de fermeture",),
        "currency": ("devise",),
    },
    "es": {
        "id": ("id de registro",),
        "company_name": ("nombre de la empresa",),
        "domain": ("nombre del dominio de la empresa", "url del sitio web"),
        "industry": ("sector",),
        "revenue": ("ingresos anuales",),
        "company_owner": ("propietario de la empresa",),
        "first_name": ("nombre",),
        "last_name": ("apellidos",),
        "email": ("correo electrónico",),
        "title": ("cargo",),
        "department": ("departamento",),
        "contact_owner": ("propietario del contacto",),
        "deal_name": ("nombre del negocio",),
        "stage": ("etapa del negocio",),
        "amount": ("importe",),
        "close_date": ("fecha de cierre",),
        "currency": ("moneda",),
    },
}

def _union(languages: Mapping[str, Mapping[str, tuple[str, ...]]]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for fields in languages.values():
        for field, labels in fields.items():
            out[field] = out.get(field, ()) + tuple(
                label for label in labels if label not in out.get(field, ()))
    return out


#: Field -> every label it may have, English first.
HEADERS: dict[str, tuple[str, ...]] = _union(LABELS)

#: Object -> the fields whose presence marks a file as holding it, checked in this order
#: (a contacts export may also carry a company name).
MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("deals", ("deal_name", "stage")),
    ("contacts", ("first_name", "last_name", "email", "title")),
    ("companies", ("company_name", "domain")),
)


def marker_labels(kind: str) -> set[str]:
    """Every label (all languages) that marks a file as holding ``kind``."""
    fields = dict(MARKERS)[kind]
    return {label for field in fields for label in HEADERS.get(field, ())
            if not (kind == "companies" and label == "name")}


def expected(field: str) -> str:
    """The labels of ``field`` by language, for a message: ``en: Record ID; de: ...``."""
    return "; ".join(f"{lang}: {', '.join(repr(label) for label in fields[field])}"
                     for lang, fields in LABELS.items() if field in fields)

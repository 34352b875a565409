"""HubSpot CRM API v3 objects -> the rows :class:`~kamcore_hubspot.reading.RecordMapper` maps.

The shape is that of HubSpot's CRM v3 objects API (``GET /crm/v3/objects/{companies,contacts,
deals}`` with ``properties`` and ``associations``, and ``POST .../search``), as documented at
developers.hubspot.com (CRM API: companies, contacts, deals; associations v3)::

    {"results": [{"id": "512", "properties": {"name": "Initech", ...},
                  "createdAt": "...", "updatedAt": "...", "archived": false,
                  "associations": {"contacts": {"results": [{"id": "201",
                                                             "type": "company_to_contact"}]}}}],
     "paging": {"next": {"after": "513", "link": "..."}}}

Properties are read by their internal names (:data:`PROPERTIES`); every value is text (HubSpot
sends them as strings; numbers and booleans are accepted too) and is parsed as the CSV values
are. Associations give the companies of a contact or deal (the association of type
``contact_to_company`` / ``deal_to_company`` -- HubSpot's primary one -- first; a contact's
``associatedcompanyid`` property also names its primary company) and the contacts of a deal.
Archived records are skipped. A bad value aborts with the record's place: the file, line and
field path (``results[3].properties.closedate``) for a file, the object and id for the API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, NoReturn

from pydantic import BaseModel, ConfigDict, Field

from kamcore.errors import InvalidInputError, Problem

from .reading import Row

#: Field -> the internal property names it may have (the first present wins).
PROPERTIES: dict[str, tuple[str, ...]] = {
    "company_name": ("name",),
    "domain": ("domain", "website"),
    "industry": ("industry",),
    "revenue": ("annualrevenue",),
    "parent": ("hs_parent_company_id",),
    "first_name": ("firstname",),
    "last_name": ("lastname",),
    "email": ("email",),
    "title": ("jobtitle",),
    "last_activity": ("notes_last_updated",),
    "primary_company": ("associatedcompanyid",),
    "deal_name": ("dealname",),
    "stage": ("dealstage",),
    "amount": ("amount",),
    "close_date": ("closedate",),
    "probability": ("hs_deal_stage_probability",),
    "currency": ("deal_currency_code",),
    "won": ("hs_is_closed_won",),
    "closed": ("hs_is_closed",),
}

#: The properties each object is read with (the API asks for these).
OBJECT_PROPERTIES: dict[str, tuple[str, ...]] = {
    "companies": ("name", "domain", "industry", "annualrevenue", "hs_parent_company_id",
                  "hs_lastmodifieddate"),
    "contacts": ("firstname", "lastname", "email", "jobtitle", "notes_last_updated",
                 "associatedcompanyid", "lastmodifieddate"),
    "deals": ("dealname", "dealstage", "amount", "closedate", "hs_deal_stage_probability",
              "deal_currency_code", "hs_is_closed_won", "hs_is_closed", "hs_lastmodifieddate"),
}

#: The associations each object is read with, and the field they fill.
ASSOCIATIONS: dict[str, dict[str, str]] = {
    "companies": {},
    "contacts": {"companies": "companies"},
    "deals": {"companies": "companies", "contacts": "contacts"},
}

#: An object type's name in association types (``deal_to_company``).
SINGULAR = {"companies": "company", "contacts": "contact", "deals": "deal"}

_ID = r"^\d+$"
Value = str | int | float | bool | None


class Association(BaseModel):
    """One associated record: its id and the association's type."""

    model_config = ConfigDict(extra="ignore")
    id: str = Field(pattern=_ID)
    type: str | None = None


class Associations(BaseModel):
    """The associated records of one object type (one page of them)."""

    model_config = ConfigDict(extra="ignore")
    results: list[Association]


class CrmObject(BaseModel):
    """One company, contact or deal."""

    model_config = ConfigDict(extra="ignore")
    id: str = Field(pattern=_ID)
    properties: dict[str, Value]
    archived: bool = False
    associations: dict[str, Associations] = Field(default_factory=dict)


class Page(BaseModel):
    """One page of a list or search response."""

    model_config = ConfigDict(extra="ignore")
    results: list[CrmObject]
    paging: dict[str, Any] | None = None


def kind_of_properties(properties: Mapping[str, Any]) -> str | None:
    """``companies``, ``contacts`` or ``deals``, told by the properties an object has."""
    if {"dealname", "dealstage"} & set(properties):
        return "deals"
    if {"firstname", "lastname", "email", "jobtitle"} & set(properties):
        return "contacts"
    if {"name", "domain"} & set(properties):
        return "companies"
    return None


PathKey = tuple[str | int, ...]
Locate = Callable[[PathKey, str], Problem]


class ObjectRow(Row):
    """A CRM object as a :class:`Row`: each value keeps its path in the object, and a bad one
    is reported with ``locate(path, message)`` (the file's line and field path, or the API
    object)."""

    __slots__ = ("label", "locate", "paths")

    def __init__(self, kind: str, label: str, obj: CrmObject, locate: Locate) -> None:
        columns: dict[str, int] = {}
        paths: list[PathKey] = []
        values: list[str] = []

        def add(field: str, path: PathKey, value: str) -> None:
            columns[field] = len(values)
            paths.append(path)
            values.append(value)

        add("id", ("id",), obj.id)
        for field, names in PROPERTIES.items():
            name = next((n for n in names if n in obj.properties), None)
            if name is not None:
                add(field, ("properties", name), _text(obj.properties[name]))
        for name, field in ASSOCIATIONS[kind].items():
            found = obj.associations.get(name)
            if found is not None:
                primary = f"{SINGULAR[kind]}_to_{SINGULAR[name]}"
                ordered = sorted(found.results, key=lambda a: a.type != primary)
                add(field, ("associations", name), ";".join(a.id for a in ordered))
        super().__init__(kind, label, 0, columns, [str(p[-1]) for p in paths], values)
        self.label, self.locate, self.paths = label, locate, paths

    def where(self) -> str:
        return self.label

    def fail(self, field: str | None, message: str) -> NoReturn:
        index = self.columns.get(field) if field else None
        problem = self.locate(self.paths[index] if index is not None else (), message)
        raise InvalidInputError(f"invalid {self.kind[:-1]} at {self.label}; nothing imported",
                                [problem])


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def object_rows(kind: str, objects: Iterator[tuple[str, CrmObject, Locate]]) -> Iterator[Row]:
    """Rows of the objects of ``kind`` not archived, each with its label and locator."""
    for label, obj, locate in objects:
        if not obj.archived:
            yield ObjectRow(kind, label, obj, locate)

"""Salesforce objects -> kamcore records, the same for every source (CSV, tree export, API).

* Account -> :class:`~kamcore.model.Account` (``ParentId`` -> ``parent_id``, ``Owner.Name`` ->
  ``owner``).
* Contact -> :class:`~kamcore.model.Stakeholder` (``Title``, ``Department`` -> business unit,
  ``Email``, ``LastActivityDate`` -> last contact, ``Owner.Name`` -> seller owner) and, for
  ``ReportsToId``, a ``reports_to`` :class:`~kamcore.model.Relationship`.
* AccountContactRelation -> the contact is also a stakeholder of another account: one more
  Stakeholder per active relation to an account other than the contact's own (see below);
  the relation's ``Roles`` become stakeholder roles.
* Opportunity -> :class:`~kamcore.model.Opportunity` (``StageName``, ``Amount``,
  ``CloseDate``, ``Probability``, ``CurrencyIsoCode``; ``IsClosed``/``IsWon`` -> status).
* OpportunityContactRole -> ``Opportunity.contact_roles[stakeholder id] = role code``, and the
  role code is added to that stakeholder's roles.
* OpportunityCompetitor ``CompetitorName`` -> a name in ``Opportunity.competitors``.
* AccountPlan, AccountPlanObjective, AccountPlanObjectiveMeasure -> a
  :class:`~kamcore.model.Plan` of the account (:mod:`kamcore_salesforce.plans`).

**Ids.** A record's id derives from its Salesforce Id (always the 18-character form):
``sf-<Id>``. A contact's stakeholder in another account (through an AccountContactRelation)
is ``sf-<ContactId>@<AccountId>``. Records exported by ``sf data export tree`` carry no Id (the
CLI strips it); they are keyed by their ``referenceId`` instead (``sf-ref-AccountRef1``).

**External ids.** ``salesforce`` holds the Salesforce Id (``salesforce-tree`` the reference of
a tree record without Id). A contact's stakeholder in another account holds the contact's Id
under ``salesforce:<AccountId>`` (the system name is per account, because each external id
belongs to one record of a kind), plus the relation's Id under
``salesforce:AccountContactRelation``. A ``reports_to`` relationship holds the contact's Id
under ``salesforce:ReportsToId`` (the field it comes from).

**Which fields are set.** Records set only the fields whose column or key the source has, so
a CSV without ``Title`` leaves the stakeholders' titles alone, and an empty cell clears the
field. Fields Salesforce does not know (influence, support...) are never set: they keep what
was assessed in kamcore (see :mod:`kamcore.importing`).

Rows that cannot belong to an account -- a private contact or opportunity, without
``AccountId`` -- are skipped, since every stakeholder and opportunity belongs to one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

import attrs
from pydantic import ValidationError

from kamcore.errors import InvalidInputError
from kamcore.model import Account, Opportunity, Record, Relationship, Stakeholder

from .plans import PLAN_OBJECTS, PlanMapper
from .rows import Row

OBJECTS = ("Account", "Contact", "Opportunity", "OpportunityContactRole",
           "AccountContactRelation", "OpportunityCompetitor", *PLAN_OBJECTS)
#: Objects that give records of their own (the others only enrich them).
RECORD_OBJECTS = frozenset({"Account", "Contact", "Opportunity", "AccountPlan"})

#: Salesforce's standard contact role labels -> kamcore role codes.
ROLE_CODES: dict[str, str] = {
    "economic buyer": "economic_buyer",
    "decision maker": "decision_maker",
    "technical buyer": "technical_buyer",
    "evaluator": "evaluator",
    "influencer": "influencer",
    "executive sponsor": "executive_sponsor",
    "business user": "business_user",
    "other": "other",
}

RELATION_SYSTEM = "salesforce:AccountContactRelation"
REPORTS_TO_SYSTEM = "salesforce:ReportsToId"

M = TypeVar("M", bound=Record)


class Source(Protocol):
    """Where rows come from. ``rows`` may be called more than once for the same object."""

    def objects(self) -> frozenset[str]:
        """The Salesforce objects this source has."""
        ...

    def rows(self, sobject: str) -> Iterator[Row]:
        """The rows of one object, in source order."""
        ...


def role_code(label: str) -> str:
    """A contact role label as a role code: the standard ones mapped, others snake_cased."""
    text = label.strip()
    code = ROLE_CODES.get(text.lower())
    if code is not None:
        return code
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_") or "other"


def token(key: str) -> str:
    """The part of a record id that stands for a key (``@AccountRef1`` -> ``ref-AccountRef1``)."""
    return f"ref-{key[1:]}" if key.startswith("@") else key


def record_id(key: str) -> str:
    """The kamcore id of the record a key stands for: ``sf-<Id>`` or ``sf-ref-<reference>``."""
    return f"sf-{token(key)}"


def external(key: str) -> tuple[str, str]:
    """(system, external id) of a key."""
    return ("salesforce-tree", key[1:]) if key.startswith("@") else ("salesforce", key)


def secondary_id(contact: str, account: str) -> str:
    """Id of a contact's stakeholder in an account other than its own."""
    return f"sf-{token(contact)}@{token(account)}"


def _build(cls: type[M], row: Row, fields: dict[str, Any], columns: dict[str, str]) -> M:
    """``fields`` validated as a ``cls``; a validation error becomes a row problem at the source
    column."""
    try:
        return cls.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = error["loc"]
        column = columns.get(str(loc[0])) if loc else None
        row.fail(column, f"{error['msg']} ({cls.__name__.lower()} {'.'.join(map(str, loc))})"
                 if loc else error["msg"])


def _set(fields: dict[str, Any], row: Row, column: str, name: str,
         get: Callable[[str], Any]) -> None:
    """Set ``fields[name]`` from ``column`` when the source has that column at all."""
    if row.present(column):
        fields[name] = get(column)


#: Contact columns read as text -> the stakeholder fields they set (when the source has them).
_CONTACT_TEXT = (("Title", "title"), ("Department", "business_unit"), ("Email", "email"),
                 ("Owner.Name", "seller_owner"))
#: Stakeholder field -> the contact column it comes from (to place a refused value).
_STAKEHOLDER_COLUMNS = {"name": "LastName", "title": "Title", "business_unit": "Department",
                        "email": "Email", "last_contact": "LastActivityDate",
                        "seller_owner": "Owner.Name", "id": "Id", "account_id": "AccountId"}
_REPORTS_TO_COLUMNS = {"target_id": "ReportsToId", "source_id": "Id"}


def _contact_fields(row: Row) -> dict[str, Any]:
    """The fields a contact row gives each of its stakeholders: the name, and the optional
    fields whose columns the source has."""
    name = row.text("Name") or " ".join(filter(None, (row.text("FirstName"),
                                                      row.text("LastName"))))
    if not name:
        row.fail("LastName", "a contact needs a name (Name, or FirstName and LastName)")
    fields: dict[str, Any] = {"name": name}
    for column, field in _CONTACT_TEXT:
        if row.present(column):
            fields[field] = row.text(column)
    if row.present("LastActivityDate"):
        fields["last_contact"] = row.date("LastActivityDate")
    return fields


@attrs.define
class _Relation:
    """An AccountContactRelation, kept until its contact is read."""

    account: str
    roles: frozenset[str]
    key: str | None
    direct: bool | None


@attrs.define
class _ContactRole:
    """An OpportunityContactRole, kept until its contact and opportunity are read."""

    opportunity: str
    contact: str
    role: str | None
    primary: bool


def _needed_key(row: Row, name: str) -> str:
    """The Id in the lookup field ``name``, which the row must have."""
    value = row.key(name)
    if value is None:
        row.fail(name, f"an {row.sobject} needs its {name}")
    return value


class _Seen:
    """Ids already read, per object: a second row with the same record is refused."""

    def __init__(self) -> None:
        self.by_object: dict[str, dict[str, str]] = defaultdict(dict)

    def check(self, row: Row, key: str) -> None:
        seen = self.by_object[row.sobject]
        first = seen.get(key)
        if first is not None:
            row.fail("Id", f"{row.sobject} {key} appears twice (also at {first}); "
                           "a 15- and an 18-character Id of one record are the same record")
        seen[key] = row.where()


class Mapper:
    """Turns one source's rows into records; use :meth:`records` once."""

    def __init__(self, source: Source, methodology: str | None = None) -> None:
        self.source = source
        self.plans = PlanMapper(self._rows, self._own_key, token, methodology)
        self.objects = source.objects()
        self.seen = _Seen()
        self.relations: dict[str, list[_Relation]] = defaultdict(list)
        self.roles_by_contact: dict[str, list[_ContactRole]] = defaultdict(list)
        self.roles_by_opportunity: dict[str, list[_ContactRole]] = defaultdict(list)
        self.opportunity_account: dict[str, str] = {}
        self.competitors: dict[str, set[str]] = defaultdict(set)
        self.chosen: dict[tuple[str, str], str] = {}

    def _rows(self, sobject: str) -> Iterator[Row]:
        return self.source.rows(sobject) if sobject in self.objects else iter(())

    def records(self) -> Iterator[Record]:
        """Accounts, then stakeholders and relationships, then opportunities, then plans."""
        if not self.objects & RECORD_OBJECTS:
            raise InvalidInputError(
                "nothing to import: no Account, Contact, Opportunity or AccountPlan data found "
                f"(the Salesforce objects read are {', '.join(OBJECTS)})")
        for row in self._rows("Account"):
            yield self.account(row)
        self._load_relations()
        self._load_contact_roles()
        self._load_competitors()
        self._load_opportunity_accounts()
        for row in self._rows("Contact"):
            yield from self.contact(row)
        for row in self._rows("Opportunity"):
            opportunity = self.opportunity(row)
            if opportunity is not None:
                yield opportunity
        yield from self.plans.records()

    # -- accounts ---------------------------------------------------------------------------

    def _own_key(self, row: Row) -> str:
        key = row.key("Id")
        if key is None:
            row.fail("Id", f"a {row.sobject} needs its Id")
        self.seen.check(row, key)
        return key

    def account(self, row: Row) -> Account:
        key = self._own_key(row)
        system, ext = external(key)
        fields: dict[str, Any] = {"id": record_id(key), "name": row.text("Name"),
                                  "external_ids": {system: ext}}
        if fields["name"] is None:
            row.fail("Name", "an account needs a Name")
        _set(fields, row, "Industry", "industry", row.text)
        _set(fields, row, "AnnualRevenue", "annual_revenue", row.number)
        if row.present("ParentId"):
            parent = row.key("ParentId")
            if parent == key:
                row.fail("ParentId", "an account cannot be its own parent")
            fields["parent_id"] = record_id(parent) if parent else None
        _set(fields, row, "Owner.Name", "owner", row.text)
        extra = {name: row.raw(name) for name in ("Type", "Website", "BillingCountry",
                                                  "NumberOfEmployees", "AccountNumber")
                 if row.present(name)}
        if extra:
            fields["attributes"] = {"salesforce": extra}
        return _build(Account, row, fields, {
            "name": "Name", "industry": "Industry", "annual_revenue": "AnnualRevenue",
            "parent_id": "ParentId", "owner": "Owner.Name", "id": "Id"})

    # -- relations and contact roles, read before the contacts -------------------------------

    def _link(self, row: Row, first: str, second: str) -> tuple[str | None, str, str]:
        """A junction row's own Id (checked for repeats, if given) and the two Ids it links,
        both required."""
        return self._junction_key(row), _needed_key(row, first), _needed_key(row, second)

    def _junction_key(self, row: Row) -> str | None:
        """A junction row's own Id, checked for repeats (None when the source has none)."""
        key = row.key("Id")
        if key is not None:
            self.seen.check(row, key)
        return key

    def _load_relations(self) -> None:
        for row in self._rows("AccountContactRelation"):
            key, contact, account = self._link(row, "ContactId", "AccountId")
            if row.boolean("IsActive") is False:
                continue
            labels = (row.text("Roles") or "").split(";")
            roles = frozenset(role_code(label) for label in labels if label.strip())
            self.relations[contact].append(_Relation(account, roles, key,
                                                     row.boolean("IsDirect")))

    def _load_contact_roles(self) -> None:
        for row in self._rows("OpportunityContactRole"):
            _key, opportunity, contact = self._link(row, "OpportunityId", "ContactId")
            label = row.text("Role")
            role = _ContactRole(opportunity, contact, role_code(label) if label else None,
                                bool(row.boolean("IsPrimary")))
            self.roles_by_contact[contact].append(role)
            self.roles_by_opportunity[opportunity].append(role)

    def _load_competitors(self) -> None:
        for row in self._rows("OpportunityCompetitor"):
            self._junction_key(row)
            name = row.text("CompetitorName")
            if name is None:
                row.fail("CompetitorName", "an OpportunityCompetitor needs a CompetitorName")
            self.competitors[_needed_key(row, "OpportunityId")].add(name)

    def _load_opportunity_accounts(self) -> None:
        """The account of each opportunity that has contact roles (a first, light pass), so
        that a role lands on the contact's stakeholder in the opportunity's account."""
        if not self.roles_by_opportunity or "Contact" not in self.objects:
            return
        for row in self._rows("Opportunity"):
            key, account = row.key("Id"), row.key("AccountId")
            if key is not None and account is not None and key in self.roles_by_opportunity:
                self.opportunity_account[key] = account

    # -- contacts ---------------------------------------------------------------------------

    def _stakeholder_for(self, contact: str, account: str | None,
                         secondary: Iterable[str]) -> str:
        """The stakeholder of ``contact`` in ``account``: its own, or one through a relation."""
        if account is not None and account in secondary:
            return secondary_id(contact, account)
        return record_id(contact)

    def _roles(self, contact: str, account: str, primary: str,
               relations: Iterable[_Relation], others: dict[str, _Relation],
               ids: dict[str, str]) -> dict[str, set[str]]:
        """Stakeholder id -> the roles a contact's relations and opportunity contact roles
        give it; the relation to the contact's own ``account`` adds its Id to ``ids``."""
        roles: dict[str, set[str]] = defaultdict(set)
        for relation in relations:
            if relation.account == account:
                roles[primary] |= relation.roles
                if relation.key is not None:
                    ids[RELATION_SYSTEM] = relation.key
        for role in self.roles_by_contact.get(contact, ()):
            chosen = self._stakeholder_for(contact, self.opportunity_account.get(role.opportunity),
                                           others)
            self.chosen[(role.opportunity, contact)] = chosen
            if role.role is not None:
                roles[chosen].add(role.role)
        return roles

    def contact(self, row: Row) -> Iterator[Record]:
        key = self._own_key(row)
        account = row.key("AccountId")
        if account is None:
            return
        common = _contact_fields(row)
        relations = self.relations.get(key, ())
        others = {r.account: r for r in relations if r.account != account} if relations else {}
        primary = record_id(key)
        system, ext = external(key)
        ids = {system: ext}
        roles = (self._roles(key, account, primary, relations, others, ids)
                 if relations or key in self.roles_by_contact else {})
        yield _build(Stakeholder, row, {
            "id": primary, "account_id": record_id(account), **common,
            "roles": frozenset(roles.get(primary, ())), "external_ids": ids},
            _STAKEHOLDER_COLUMNS)
        for other, relation in others.items():
            sid = secondary_id(key, other)
            other_ids = {f"{system}:{external(other)[1]}": ext}
            if relation.key is not None:
                other_ids[RELATION_SYSTEM] = relation.key
            yield _build(Stakeholder, row, {
                "id": sid, "account_id": record_id(other), **common,
                "roles": relation.roles | roles.get(sid, set()), "external_ids": other_ids},
                _STAKEHOLDER_COLUMNS)
        if row.present("ReportsToId"):
            manager = row.key("ReportsToId")
            if manager == key:
                row.fail("ReportsToId", "a contact cannot report to itself")
            if manager is not None:
                yield _build(Relationship, row, {
                    "id": f"{primary}.reports_to", "account_id": record_id(account),
                    "source_id": primary, "target_id": record_id(manager),
                    "type": "reports_to", "external_ids": {REPORTS_TO_SYSTEM: ext}},
                    _REPORTS_TO_COLUMNS)

    # -- opportunities ----------------------------------------------------------------------

    def opportunity(self, row: Row) -> Opportunity | None:
        key = self._own_key(row)
        account = row.key("AccountId")
        if account is None:
            return None
        system, ext = external(key)
        fields: dict[str, Any] = {"id": record_id(key), "account_id": record_id(account),
                                  "name": row.text("Name"), "external_ids": {system: ext}}
        if fields["name"] is None:
            row.fail("Name", "an opportunity needs a Name")
        _set(fields, row, "StageName", "stage", row.text)
        _set(fields, row, "Amount", "amount", row.number)
        _set(fields, row, "CloseDate", "close_date", row.date)
        _set(fields, row, "Probability", "probability", row.number)
        _set(fields, row, "CurrencyIsoCode", "currency", row.text)
        status = self._status(row)
        if status is not None:
            fields["status"] = status
        if "OpportunityContactRole" in self.objects:
            fields["contact_roles"] = self._contact_roles(key, account)
        if "OpportunityCompetitor" in self.objects:
            fields["competitors"] = frozenset(self.competitors.get(key, ()))
        return _build(Opportunity, row, fields, {
            "name": "Name", "stage": "StageName", "amount": "Amount", "close_date": "CloseDate",
            "probability": "Probability", "currency": "CurrencyIsoCode", "id": "Id",
            "account_id": "AccountId"})

    @staticmethod
    def _status(row: Row) -> str | None:
        closed, won = row.boolean("IsClosed"), row.boolean("IsWon")
        if closed is None and won is None:
            stage = (row.text("StageName") or "").lower()
            if stage == "closed won":
                return "won"
            if stage == "closed lost":
                return "lost"
            return "open" if row.present("StageName") else None
        if won:
            return "won"
        return "lost" if closed else "open"

    def _contact_roles(self, key: str, account: str) -> dict[str, str]:
        """Stakeholder id -> role code; the primary contact role first, then source order."""
        roles: dict[str, str] = {}
        entries = sorted(self.roles_by_opportunity.get(key, []), key=lambda r: not r.primary)
        for entry in entries:
            sid = self.chosen.get((key, entry.contact))
            if sid is None:
                # the contact was not read: only relations known to be indirect are others
                others = {r.account for r in self.relations.get(entry.contact, [])
                          if r.direct is False}
                sid = self._stakeholder_for(entry.contact, account, others)
            roles.setdefault(sid, entry.role or "other")
        return roles


def map_records(source: Source, methodology: str | None = None) -> Iterator[Record]:
    """The kamcore records of everything ``source`` holds; plans from Account Plans are made
    under ``methodology`` (default: sama7, see :mod:`kamcore_salesforce.plans`)."""
    yield from Mapper(source, methodology).records()

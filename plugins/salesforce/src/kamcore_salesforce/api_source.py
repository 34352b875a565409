"""Live import through the Salesforce REST API with simple-salesforce (``query_all_iter``).

PATH is a small connection file (YAML or JSON) that names *environment variables* holding the
secrets -- never the secrets themselves::

    instance_url: https://acme.my.salesforce.com   # needed with session_id_env
    session_id_env: SF_ACCESS_TOKEN                # e.g. from `sf org display`
    # or a username/password login (SOAP), at login_url:
    # login_url: https://login.salesforce.com      # https://test.salesforce.com for a sandbox
    # username_env: SF_USERNAME                    # (or username: a.kam@acme.com)
    # password_env: SF_PASSWORD
    # security_token_env: SF_SECURITY_TOKEN        # unless your IP range is trusted
    api_version: "59.0"
    ca_bundle: corp-ca.pem          # optional: CA certificates to trust, relative to this file
    timeout: 120                    # seconds per request
    objects: [Account, Contact, Opportunity, OpportunityContactRole, AccountContactRelation]
    kam_ids: true                   # the org has Kam_Id__c on the Account Plan objects
    where:                          # optional SOQL conditions per object
      Account: "Type = 'Customer'"
      Contact: "Account.Type = 'Customer'"

Salesforce is reached over HTTPS only (simple-salesforce builds every REST URL as
``https://<instance>``), so ``http://`` URLs are refused.

**Incremental reads** (``since``, the watermark of ``kam sync pull salesforce``): each object
is queried with ``SystemModstamp > <since>`` (a SOQL dateTime literal,
``YYYY-MM-DDThh:mm:ssZ``, the form the SOQL reference documents: seconds, so the records of
the watermark's own second are read again, and found unchanged). So that a partial read merges
rightly, the parents of a changed junction or child record (:data:`PARENTS`: the contact and
opportunity of an OpportunityContactRole, the opportunity of an OpportunityCompetitor, the
objective and plan of a measure...) are read too, by Id, when they did not change themselves.
Every record's ``SystemModstamp`` is reported (:func:`kamcore.syncing.modified`), the highest
becoming the next watermark, and so is Salesforce's time when the reading began (the ``Date``
header of its first response, :func:`kamcore.syncing.began`), past which the watermark never
goes: a record changed while the objects are read one after another is read next time.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kamcore.documents import Document, load_document, validate_model
from kamcore.errors import InvalidInputError, Problem
from kamcore.importing import note
from kamcore.syncing import began, modified, parse_stamp

from .mapping import OBJECTS
from .plans import KAM_ID, PLAN_OBJECTS, SWOT_FIELDS
from .rows import DictRow, flatten

ObjectName = Literal["Account", "Contact", "Opportunity", "OpportunityContactRole",
                     "AccountContactRelation", "OpportunityCompetitor", "AccountPlan",
                     "AccountPlanObjective", "AccountPlanObjectiveMeasure"]

#: The fields queried per object.
FIELDS: dict[str, tuple[str, ...]] = {
    "Account": ("Id", "Name", "Industry", "AnnualRevenue", "ParentId", "Type", "Website",
                "Owner.Name"),
    "Contact": ("Id", "AccountId", "Name", "FirstName", "LastName", "Title", "Department",
                "Email", "ReportsToId", "LastActivityDate", "Owner.Name"),
    "Opportunity": ("Id", "AccountId", "Name", "StageName", "Amount", "CloseDate",
                    "Probability", "IsClosed", "IsWon"),
    "OpportunityContactRole": ("Id", "OpportunityId", "ContactId", "Role", "IsPrimary"),
    "AccountContactRelation": ("Id", "AccountId", "ContactId", "Roles", "IsDirect",
                               "IsActive"),
    "OpportunityCompetitor": ("Id", "OpportunityId", "CompetitorName"),
    "AccountPlan": ("Id", "AccountId", "Name", "AccountVision", *SWOT_FIELDS.values()),
    "AccountPlanObjective": ("Id", "AccountPlanId", "Name", "Description", "EndDate",
                             "Status"),
    "AccountPlanObjectiveMeasure": ("Id", "AccountPlanObjectiveId", "Name", "CurrentValue",
                                    "TargetValue"),
}
#: Objects an org may not have: read unless absent ("Contacts to Multiple Accounts" off, sales
#: account plans off or an API version before 62.0), when the connection file does not name
#: ``objects``.
OPTIONAL_OBJECTS = frozenset({"AccountContactRelation", "OpportunityCompetitor", *PLAN_OBJECTS})
#: The modification stamp every object has (queried too, for incremental pulls).
STAMP = "SystemModstamp"
#: object -> (its lookup field, the object it points at): in an incremental read, the records
#: a changed record points at are read as well (by Id), since the mapping needs them to place
#: it (a contact role needs its opportunity, a measure its objective and plan).
PARENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "AccountContactRelation": (("ContactId", "Contact"),),
    "OpportunityContactRole": (("ContactId", "Contact"), ("OpportunityId", "Opportunity")),
    "OpportunityCompetitor": (("OpportunityId", "Opportunity"),),
    "AccountPlanObjective": (("AccountPlanId", "AccountPlan"),),
    "AccountPlanObjectiveMeasure": (("AccountPlanObjectiveId", "AccountPlanObjective"),),
}
#: Ids per query when records are read by Id (the query stays far below the URL limit).
BY_ID = 200

#: Keys that would put a secret in the file -> the key that names its environment variable.
SECRET_KEYS: dict[str, str] = {
    "password": "password_env", "security_token": "security_token_env",
    "session_id": "session_id_env", "access_token": "session_id_env",
    "token": "session_id_env", "client_secret": "session_id_env",
    "consumer_secret": "session_id_env",
}

_HTTPS = r"^https://[^\s/]+(/.*)?$"


class Connection(BaseModel):
    """The connection file's content."""

    model_config = ConfigDict(extra="forbid")

    instance_url: str | None = Field(default=None, pattern=_HTTPS)
    login_url: str = Field(default="https://login.salesforce.com", pattern=_HTTPS)
    api_version: str = Field(default="59.0", pattern=r"^\d+\.\d+$")
    session_id_env: str | None = None
    username: str | None = None
    username_env: str | None = None
    password_env: str | None = None
    security_token_env: str | None = None
    ca_bundle: str | None = None
    timeout: float = Field(default=120, gt=0)
    objects: list[ObjectName] | None = None
    #: the org has kamcore's external id field Kam_Id__c on the three Account Plan objects
    #: (``kam sync push`` needs it); reads then map pushed records back onto their plan
    kam_ids: bool = False
    where: dict[ObjectName, str] = Field(default_factory=dict)


def load_connection(path: Path) -> tuple[Connection, Document]:
    """Read and check a connection file (secrets in it are refused)."""
    doc = load_document(path)
    if isinstance(doc.data, Mapping):
        secrets = sorted(set(SECRET_KEYS) & set(doc.data))
        if secrets:
            raise InvalidInputError(
                f"{doc.source}: secrets do not belong in the connection file", [
                    doc.problem((key,), f"put it in an environment variable and name the "
                                        f"variable with {SECRET_KEYS[key]}")
                    for key in secrets])
    connection = validate_model(Connection, doc.data, doc)
    if connection.session_id_env is None and connection.password_env is None:
        raise InvalidInputError(f"{doc.source}: no credentials", [doc.problem(
            (), "name the environment variable of a session id (session_id_env) or of a "
                "password (password_env, with username or username_env)")])
    if connection.session_id_env is not None and connection.instance_url is None:
        raise InvalidInputError(f"{doc.source}: instance_url is missing", [doc.problem(
            (), "a session id is used with instance_url (https://yourdomain.my.salesforce.com)")])
    if connection.session_id_env is None and not (connection.username
                                                  or connection.username_env):
        raise InvalidInputError(f"{doc.source}: no username", [doc.problem(
            (), "a password login needs username or username_env")])
    return connection, doc


def _env(doc: Document, key: str, name: str | None) -> str | None:
    if name is None:
        return None
    value = os.environ.get(name)
    if not value:
        raise InvalidInputError(f"{doc.source}: environment variable {name} is not set", [
            doc.problem((key,), f"set {name} before importing")])
    return value


class ApiSource:
    """Queries each object once (the lighter relation objects are kept for a second pass)."""

    #: Objects streamed once; the others may be read twice and are kept in memory.
    STREAMED = frozenset({"Account", "Contact", *PLAN_OBJECTS})

    def __init__(self, path: Path, since: str | None = None) -> None:
        self.connection, self.doc = load_connection(path)
        self.label = str(path)
        self.since = None if since is None else parse_stamp(since, "since")
        self._client: Any = None
        self._kept: dict[str, list[DictRow]] = {}
        #: object -> Ids of records to read although unchanged (parents of changed records)
        self._wanted: dict[str, set[str]] = defaultdict(set)

    def objects(self) -> frozenset[str]:
        return frozenset(self.connection.objects or OBJECTS)

    def soql(self, sobject: str, ids: Sequence[str] | None = None) -> str:
        """The query for one object (ordered by Id, so results do not depend on the server):
        its records changed since :attr:`since` (all without it), or those with ``ids``; in
        both cases only those the connection file's ``where`` condition admits."""
        fields = (*FIELDS[sobject], STAMP)
        if self.connection.kam_ids and sobject in PLAN_OBJECTS:
            fields = (*fields, KAM_ID)
        conditions = []
        if ids is not None:
            quoted = ", ".join(f"'{ident}'" for ident in ids)
            conditions.append(f"Id IN ({quoted})")
        elif self.since is not None:
            conditions.append(f"{STAMP} > {soql_datetime(self.since)}")
        where = self.connection.where.get(sobject)  # type: ignore[call-overload]
        if where:
            conditions.insert(0, f"({where})" if conditions else where)
        query = f"SELECT {', '.join(fields)} FROM {sobject}"
        if conditions:
            query += " WHERE " + " AND ".join(conditions)
        return query + " ORDER BY Id"

    def client(self) -> Any:
        """A logged-in ``simple_salesforce.Salesforce`` (created on first use)."""
        if self._client is None:
            self._client = self._connect()
        return self._client

    def _connect(self) -> Any:
        import requests
        from simple_salesforce.api import Salesforce
        from simple_salesforce.exceptions import SalesforceError
        from simple_salesforce.login import SalesforceLogin

        conn, doc = self.connection, self.doc
        session = requests.Session()
        session.hooks["response"].append(_server_time)
        if conn.ca_bundle:
            bundle = (Path(doc.source).parent / conn.ca_bundle).resolve()
            if not bundle.is_file():
                raise InvalidInputError(f"{doc.source}: ca_bundle not found", [
                    doc.problem(("ca_bundle",), f"no such file: {bundle}")])
            session.verify = str(bundle)
        try:
            session_id = _env(doc, "session_id_env", conn.session_id_env)
            if session_id is not None:
                return Salesforce(instance_url=conn.instance_url, session_id=session_id,
                                  version=conn.api_version, session=session)
            username = conn.username or _env(doc, "username_env", conn.username_env)
            session_id, instance = SalesforceLogin(
                username=username, password=_env(doc, "password_env", conn.password_env),
                security_token=_env(doc, "security_token_env", conn.security_token_env),
                sf_version=conn.api_version, session=session,
                scratch_url=conn.login_url.rstrip("/"))
            return Salesforce(instance=instance, session_id=session_id,
                              version=conn.api_version, session=session)
        except SalesforceError as exc:
            raise InvalidInputError(f"{doc.source}: Salesforce login failed", [
                Problem(_message(exc), source=doc.source)]) from None
        except requests.RequestException as exc:
            raise InvalidInputError(f"{doc.source}: cannot reach Salesforce", [
                Problem(str(exc), source=doc.source)]) from None

    def rows(self, sobject: str) -> Iterator[DictRow]:
        if sobject in self._kept:
            yield from self._kept[sobject]
            return
        kept: list[DictRow] | None = None if sobject in self.STREAMED else []
        for index, record in enumerate(self._records(sobject)):
            row = self._row(sobject, index, record)
            modified(row.raw(STAMP), f"{row.where()} {STAMP}")
            if self.since is not None:
                for field, parent in PARENTS.get(sobject, ()):
                    parent_id = row.key(field)
                    if parent_id is not None:
                        self._wanted[parent].add(parent_id)
            if kept is not None:
                kept.append(row)
            yield row
        if kept is not None:
            self._kept[sobject] = kept

    def _records(self, sobject: str) -> Iterator[Mapping[str, Any]]:
        """The object's records to read: all, or those changed since :attr:`since` and then
        the unchanged ones other records asked for (their parents)."""
        read: set[str] = set()
        for record in self._query(sobject, self.soql(sobject)):
            read.add(str(record.get("Id")))
            yield record
        wanted = sorted(self._wanted.pop(sobject, set()) - read)
        for start in range(0, len(wanted), BY_ID):
            yield from self._query(sobject, self.soql(sobject, wanted[start:start + BY_ID]))

    def _query(self, sobject: str, query: str) -> Iterator[Mapping[str, Any]]:
        import requests
        from simple_salesforce.exceptions import SalesforceError, SalesforceMalformedRequest

        try:
            yield from self.client().query_all_iter(query, timeout=self.connection.timeout)
        except SalesforceMalformedRequest as exc:
            if (sobject in OPTIONAL_OBJECTS and self.connection.objects is None
                    and "INVALID_TYPE" in str(exc.content)):
                note(f"{sobject}: not in this org (or API version); skipped")
                return
            raise self._refused(sobject, query, exc) from None
        except SalesforceError as exc:
            raise self._refused(sobject, query, exc) from None
        except requests.RequestException as exc:
            raise InvalidInputError(f"{self.label}: cannot reach Salesforce", [
                Problem(f"{sobject}: {exc}", source=self.label)]) from None

    def _refused(self, sobject: str, query: str, exc: Exception) -> InvalidInputError:
        return InvalidInputError(f"{self.label}: Salesforce refused the {sobject} query", [
            Problem(f"{_message(exc)} (query: {query})", source=self.label,
                    path=("where", sobject) if sobject in self.connection.where else ())])

    def _row(self, sobject: str, index: int, record: Mapping[str, Any]) -> DictRow:
        fields = flatten(record)
        ident = fields.get("id") or f"#{index + 1}"
        label = f"{self.label} ({sobject} {ident})"

        def locate(field: str | None, message: str) -> Problem:
            return Problem(message, source=label,
                           path=(sobject, str(ident), *((field,) if field else ())))

        return DictRow(sobject, fields, label, locate)


def _server_time(response: Any, *args: Any, **kwargs: Any) -> None:
    """A requests response hook: Salesforce's time, from the response's ``Date`` header."""
    from email.utils import parsedate_to_datetime

    header = response.headers.get("Date")
    try:
        moment = parsedate_to_datetime(header) if header else None
    except (TypeError, ValueError):
        moment = None
    if moment is not None and moment.tzinfo is not None:
        began(moment)


def soql_datetime(moment: datetime) -> str:
    """A SOQL dateTime literal, in UTC, to the second: ``2026-12-01T09:00:05Z`` (SOQL and SOSL
    Reference, "Date Formats and Date Literals in WHERE": ``YYYY-MM-DDThh:mm:ssZ``, unquoted)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _message(exc: Exception) -> str:
    content = getattr(exc, "content", None)
    if isinstance(content, list) and content and isinstance(content[0], Mapping):
        first = content[0]
        return f"{first.get('errorCode', '')}: {first.get('message', '')}".strip(": ")
    return str(exc)

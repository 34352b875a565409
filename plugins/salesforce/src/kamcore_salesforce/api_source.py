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
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kamcore.documents import Document, load_document, validate_model
from kamcore.errors import InvalidInputError, Problem
from kamcore.importing import note

from .mapping import OBJECTS
from .plans import KAM_ID, PLAN_OBJECTS, SWOT_FIELDS
from .rows import DictRow, flatten

ObjectName = Literal["Account", "Contact", "Opportunity", "OpportunityContactRole",
                     "AccountContactRelation", "AccountPlan", "AccountPlanObjective",
                     "AccountPlanObjectiveMeasure"]

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
    "AccountPlan": ("Id", "AccountId", "Name", "AccountVision", *SWOT_FIELDS.values()),
    "AccountPlanObjective": ("Id", "AccountPlanId", "Name", "Description", "EndDate",
                             "Status"),
    "AccountPlanObjectiveMeasure": ("Id", "AccountPlanObjectiveId", "Name", "CurrentValue",
                                    "TargetValue"),
}
#: Objects an org may not have: read unless absent ("Contacts to Multiple Accounts" off, sales
#: account plans off or an API version before 62.0), when the connection file does not name
#: ``objects``.
OPTIONAL_OBJECTS = frozenset({"AccountContactRelation", *PLAN_OBJECTS})

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

    def __init__(self, path: Path) -> None:
        self.connection, self.doc = load_connection(path)
        self.label = str(path)
        self._client: Any = None
        self._kept: dict[str, list[DictRow]] = {}

    def objects(self) -> frozenset[str]:
        return frozenset(self.connection.objects or OBJECTS)

    def soql(self, sobject: str) -> str:
        """The query for one object (ordered by Id, so results do not depend on the server)."""
        fields = FIELDS[sobject]
        if self.connection.kam_ids and sobject in PLAN_OBJECTS:
            fields = (*fields, KAM_ID)
        query = f"SELECT {', '.join(fields)} FROM {sobject}"
        where = self.connection.where.get(sobject)  # type: ignore[call-overload]
        if where:
            query += f" WHERE {where}"
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
        for index, record in enumerate(self._query(sobject)):
            row = self._row(sobject, index, record)
            if kept is not None:
                kept.append(row)
            yield row
        if kept is not None:
            self._kept[sobject] = kept

    def _query(self, sobject: str) -> Iterator[Mapping[str, Any]]:
        import requests
        from simple_salesforce.exceptions import SalesforceError, SalesforceMalformedRequest

        query = self.soql(sobject)
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


def _message(exc: Exception) -> str:
    content = getattr(exc, "content", None)
    if isinstance(content, list) and content and isinstance(content[0], Mapping):
        first = content[0]
        return f"{first.get('errorCode', '')}: {first.get('message', '')}".strip(": ")
    return str(exc)

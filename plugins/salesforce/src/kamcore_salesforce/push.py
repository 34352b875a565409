"""Push a plan into the org's Account Plan objects: ``kam sync push PLAN --to salesforce``.

:func:`push_plan` is the operation (the CLI command calls it; an HTTP route would too):

1. the plan's records (:mod:`kamcore_salesforce.outbound`) are compared field by field with
   what Salesforce holds under the same external ids (one SOQL query per object);
2. a record Salesforce changed since this workspace last pushed it -- its ``SystemModstamp``
   is not the one remembered -- whose fields the push would change is a **conflict**: every
   conflict is reported (field, ours, theirs), :class:`PushConflictError` (exit code 1) is
   raised and nothing is written, in Salesforce or in the workspace. Pull the plan first
   (``kam import salesforce-api``), or change it in kamcore, then push again; a record pushed
   from no workspace yet (no stamp remembered) that already holds other values is a conflict
   too;
3. otherwise the changed records are upserted by external id with sObject Collections
   (``PATCH /composite/sobjects/{object}/Kam_Id__c``, ``allOrNone``, up to 200 records per
   request; parents first), and the ``SystemModstamp`` of every record of the plan is read
   back and remembered in the workspace (setting ``salesforce.pushed:<plan id>``).

A dry run does 1 and 2 and reports the changes per field; nothing is written. A push with no
change writes nothing to Salesforce (it only remembers the stamps read). A push never deletes a
Salesforce record (an objective removed in kamcore stays in Salesforce). A refused login
(401), a network error or a Salesforce error leaves the workspace as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from kamcore.errors import InvalidInputError, KamError, Problem
from kamcore.model import Account, Plan
from kamcore.store import Workspace

from .outbound import Outbound, plan_records
from .plans import KAM_ID

#: Records per sObject Collections request (Salesforce's limit).
BATCH = 200
STATE_PREFIX = "salesforce.pushed:"
#: The id of a plan read from a Salesforce AccountPlan without Kam_Id__c (``sf-<Id>``,
#: ``sf-ref-<referenceId>``).
IMPORTED = re.compile(r"^sf-(?:ref-.+|[A-Za-z0-9]{18})$")


@attrs.frozen
class FieldChange:
    """One field the push sets: Salesforce's value now (None: empty, or a new record)."""

    sobject: str
    kam_id: str
    field: str
    theirs: str | None
    ours: str | None
    new: bool

    def as_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class Conflict:
    """A record changed in Salesforce since the last push (``stamp`` remembered, ``now``
    Salesforce's), with the fields the push would overwrite."""

    sobject: str
    kam_id: str
    stamp: str | None
    now: str
    changes: tuple[FieldChange, ...]

    def describe(self) -> str:
        since = f"since the push of {self.stamp}" if self.stamp else "by someone else"
        fields = "; ".join(f"{c.field}: Salesforce {c.theirs!r}, kamcore {c.ours!r}"
                           for c in self.changes)
        return f"{self.sobject} {self.kam_id}: changed in Salesforce {since} " \
               f"(SystemModstamp {self.now}): {fields}"

    def as_dict(self) -> dict[str, Any]:
        return {"sobject": self.sobject, "kam_id": self.kam_id, "stamp": self.stamp,
                "now": self.now, "changes": [c.as_dict() for c in self.changes]}


class PushConflictError(KamError):
    """The plan changed in Salesforce since the last push; nothing was written (exit 1)."""

    exit_code = 1

    def __init__(self, plan_id: str, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = tuple(conflicts)
        lines = [f"plan {plan_id!r}: {len(conflicts)} record(s) changed in Salesforce since the "
                 "last push; nothing written (pull them with kam import salesforce-api, or "
                 "change the plan, then push again)"]
        lines += [f"  {conflict.describe()}" for conflict in conflicts]
        super().__init__("\n".join(lines))


@attrs.frozen
class PushResult:
    """What a push changed (or, ``dry_run``, would change): the fields set, per record."""

    plan_id: str
    dry_run: bool
    changes: tuple[FieldChange, ...]
    records: int

    def as_dict(self) -> dict[str, Any]:
        return {"plan": self.plan_id, "dry_run": self.dry_run, "records": self.records,
                "changes": [c.as_dict() for c in self.changes]}


def _soql_text(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _compare(record: Outbound, current: Mapping[str, Any] | None) -> list[FieldChange]:
    changes = []
    for field, ours in record.fields.items():
        theirs = None if current is None else current.get(field)
        theirs = None if theirs in (None, "") else str(theirs)
        if theirs != ours:
            changes.append(FieldChange(record.sobject, record.kam_id, field, theirs, ours,
                                       current is None))
    return changes


class _Org:
    """The org, through a logged-in simple-salesforce client; every failure an input error
    naming the connection file (never a secret)."""

    def __init__(self, connection: Path) -> None:
        from .api_source import ApiSource

        self.source = ApiSource(connection)
        self.label = str(connection)

    def _call(self, what: str, call: Any) -> Any:
        import requests
        from simple_salesforce.exceptions import SalesforceError

        from .api_source import _message

        try:
            return call()
        except SalesforceError as exc:
            raise InvalidInputError(f"{self.label}: Salesforce refused {what}", [
                Problem(_message(exc), source=self.label)]) from None
        except requests.RequestException as exc:
            raise InvalidInputError(f"{self.label}: cannot reach Salesforce", [
                Problem(f"{what}: {exc}", source=self.label)]) from None

    def current(self, sobject: str, fields: Iterable[str],
                kam_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Salesforce's records of ``sobject`` with these external ids, by external id."""
        names = ", ".join(dict.fromkeys(("Id", KAM_ID, "SystemModstamp", *fields)))
        found: dict[str, dict[str, Any]] = {}
        client = self._call("the login", self.source.client)
        for start in range(0, len(kam_ids), BATCH):
            chunk = ", ".join(_soql_text(k) for k in kam_ids[start:start + BATCH])
            query = f"SELECT {names} FROM {sobject} WHERE {KAM_ID} IN ({chunk})"
            for record in self._call(f"the {sobject} query",
                                     lambda q=query: list(client.query_all_iter(
                                         q, timeout=self.source.connection.timeout))):
                found[record[KAM_ID]] = record
        return found

    def upsert(self, sobject: str, records: Sequence[Outbound]) -> None:
        """Upsert by external id, ``allOrNone`` per request; a record refused fails the push."""
        client = self._call("the login", self.source.client)
        for start in range(0, len(records), BATCH):
            body = {"allOrNone": True,
                    "records": [r.body() for r in records[start:start + BATCH]]}
            results = self._call(f"the {sobject} upsert", lambda b=body: client.restful(
                f"composite/sobjects/{sobject}/{KAM_ID}", method="PATCH", json=b,
                timeout=self.source.connection.timeout))
            refused = [r for r in results or () if not r.get("success")]
            if refused:
                errors = refused[0].get("errors") or [{}]
                raise InvalidInputError(f"{self.label}: Salesforce refused the {sobject} "
                                        "upsert", [Problem(
                                            f"{errors[0].get('statusCode', '')}: "
                                            f"{errors[0].get('message', '')}",
                                            source=self.label)])


def pushed_stamps(workspace: Workspace, plan_id: str) -> dict[str, str]:
    """The ``SystemModstamp`` of each record of the plan at its last push, by external id."""
    text = workspace.settings().get(STATE_PREFIX + plan_id)
    return json.loads(text) if text else {}


def push_plan(workspace: Workspace, plan_id: str, connection: Path, *,
              dry_run: bool = False) -> PushResult:
    """Push plan ``plan_id`` into Salesforce's Account Plan objects (see the module docs).

    :param connection: a ``salesforce-api`` connection file (credentials from the environment
        variables it names).
    :raises NotFoundError: no such plan.
    :raises InvalidInputError: the plan was imported from Salesforce (``sf-<Id>``), its
        account has no Salesforce Id, the connection file has no ``kam_ids: true``, the login
        or a request failed (the workspace is unchanged).
    :raises PushConflictError: records changed in Salesforce since the last push; nothing
        written.
    """
    plan = workspace.get(Plan, plan_id)
    if IMPORTED.match(plan.id):
        raise InvalidInputError(
            f"plan {plan_id!r} was imported from a Salesforce Account Plan (it has no "
            f"{KAM_ID}); push writes plans made in kamcore: change this one in Salesforce, or "
            "start a plan in kamcore (kam plan new) and push that")
    account = workspace.get(Account, plan.account_id)
    salesforce_account = account.external_ids.get("salesforce")
    if salesforce_account is None:
        raise InvalidInputError(f"plan {plan_id!r}: its account {account.id!r} has no "
                                "Salesforce Id; import the account from Salesforce first")
    records = list(plan_records(plan, account, salesforce_account))
    org = _Org(connection)
    if not org.source.connection.kam_ids:
        raise InvalidInputError(f"{connection}: push needs kamcore's external id field", [
            org.source.doc.problem((), f"add a Text(255) External ID, Unique field {KAM_ID} to "
                                       "AccountPlan, AccountPlanObjective and "
                                       "AccountPlanObjectiveMeasure, then set kam_ids: true")])
    stamps = pushed_stamps(workspace, plan_id)
    by_object: dict[str, list[Outbound]] = {}
    for record in records:
        by_object.setdefault(record.sobject, []).append(record)
    current: dict[str, dict[str, Any]] = {}
    for sobject, own in by_object.items():
        fields = {field for record in own for field in record.fields}
        current.update(org.current(sobject, sorted(fields), [r.kam_id for r in own]))
    changes: list[FieldChange] = []
    changed: list[Outbound] = []
    conflicts: list[Conflict] = []
    for record in records:
        found = current.get(record.kam_id)
        differs = _compare(record, found)
        if not differs:
            continue
        if found is not None and found["SystemModstamp"] != stamps.get(record.kam_id):
            conflicts.append(Conflict(record.sobject, record.kam_id, stamps.get(record.kam_id),
                                      found["SystemModstamp"], tuple(differs)))
        changes += differs
        changed.append(record)
    if conflicts:
        raise PushConflictError(plan_id, conflicts)
    if not dry_run:
        for sobject in by_object:
            own = [record for record in changed if record.sobject == sobject]
            if own:
                org.upsert(sobject, own)
        if changed:  # the stamps Salesforce gave the records written
            current = {}
            for sobject, own in by_object.items():
                current.update(org.current(sobject, (), [r.kam_id for r in own]))
        workspace.set_setting(STATE_PREFIX + plan_id, json.dumps(
            {kam_id: record["SystemModstamp"] for kam_id, record in sorted(current.items())}))
    return PushResult(plan_id, dry_run, tuple(changes), len(changed))

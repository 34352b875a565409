"""Derived results kept: what was computed from an account's records, until they change.

Portfolio views compute something per account (a rubric's row, each plan's findings) from the
account's records. :class:`DerivedStore` keeps each result in ``derived`` under a *name* (what
was computed) with the *fingerprint* of everything it was computed from:

* the kind, id and current revision of every record of the account (read from the heads, so a
  fingerprint costs no parsing; a save, a removal or a new record changes it), less the kinds
  the computation declares it does not read;
* a *salt* the caller makes of everything else the result depends on: the rubric or
  methodology names and versions, the installed plugins and their versions, kamcore's own code
  and the date the result is for (:func:`salt`).

A result is reused only while its fingerprint matches; otherwise it is computed again and the
new one replaces it. Keeping results is best effort: a read-only workspace, or a write that
loses a race with another process, just means they are computed again next time.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Collection, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, select
from sqlalchemy.exc import DBAPIError

from ..errors import WorkspaceError
from . import tables
from .tablestore import TableStore
from .writing import insert_new

#: A kept result: its fingerprint and its data (JSON text).
Kept = tuple[str, str]


def salt(*parts: Any) -> str:
    """A digest of what a result depends on besides the account's records (JSON data)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


class DerivedStore(TableStore):
    """The derived results of one workspace (``workspace.derived``)."""

    def fingerprints(self, salted: str, *, ignoring: Collection[str] = ()
                     ) -> Iterator[tuple[str, str]]:
        """``(account id, fingerprint)`` of every account, in account id order, from the
        heads of its records (kinds in ``ignoring`` left out) and ``salted``.

        An account whose own head does not carry its id as its account (as a kamcore before
        0.1 stored accounts) gets a fingerprint that matches nothing: computed every time."""
        records = tables.records
        statement = select(records.c.account_id, records.c.kind, records.c.id,
                           records.c.revision).where(records.c.account_id.is_not(None))
        if ignoring:
            statement = statement.where(records.c.kind.not_in(list(ignoring)))
        statement = statement.order_by(records.c.account_id, records.c.kind, records.c.id)
        accounts = select(records.c.id).where(records.c.kind == "account")
        digests: dict[str, Any] = {}
        keyed: set[str] = set()  # accounts whose own head was among their records
        with self._read() as conn:
            existing = sorted(conn.execute(accounts).scalars())
            for account_id, kind, record_id, revision in conn.execute(
                    statement, execution_options={"yield_per": 2000}):
                digest = digests.get(account_id)
                if digest is None:
                    digest = digests[account_id] = hashlib.sha256(salted.encode())
                digest.update(f"\0{kind}\0{record_id}\0{revision}".encode())
                if kind == "account" and record_id == account_id:
                    keyed.add(account_id)
        unkeyed = f"unkeyed {secrets.token_hex(16)}"
        for account_id in existing:
            yield account_id, digests[account_id].hexdigest() if account_id in keyed else unkeyed

    def kept(self, name: str) -> dict[str, Kept]:
        """Every kept result of ``name``, by account id."""
        table = tables.derived
        with self._read() as conn:
            rows = conn.execute(select(table.c.account_id, table.c.fingerprint, table.c.data)
                                .where(table.c.name == name))
            return {account_id: (fingerprint, data) for account_id, fingerprint, data in rows}

    def keep(self, name: str, results: Iterable[tuple[str, str, str]]) -> bool:
        """Keep ``(account id, fingerprint, data)`` results of ``name`` in place of the ones
        before, and drop the results of accounts that no longer exist. True when kept; False
        when the workspace refused the write (read-only, busy): nothing is kept then."""
        rows = list(results)
        if not rows:
            return True
        table = tables.derived
        now = datetime.now(UTC).isoformat()
        try:
            with self._write() as conn:
                ids = [account_id for account_id, _, _ in rows]
                for start in range(0, len(ids), 500):
                    conn.execute(delete(table).where(
                        and_(table.c.name == name,
                             table.c.account_id.in_(ids[start:start + 500]))))
                for account_id, fingerprint, data in rows:
                    insert_new(conn, table, {"name": name, "account_id": account_id,
                                             "fingerprint": fingerprint, "data": data,
                                             "computed_at": now})
                accounts = select(tables.records.c.id).where(tables.records.c.kind == "account")
                conn.execute(delete(table).where(
                    (table.c.name == name) & table.c.account_id.not_in(accounts)))
        except (WorkspaceError, DBAPIError):
            return False
        return True

"""Reading account snapshots: an account with all its records, in a few statements.

:func:`read_account` reads one account's records in one statement; :func:`stream_snapshots`
reads every account's in one ordered pass per kind, holding one account's records at a time.
Both are what :meth:`Workspace.snapshot` and :meth:`Workspace.snapshots` run on a connection.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, select

from ..model import (
    Account,
    Opportunity,
    Plan,
    Record,
    Relationship,
    RevenueFact,
    Review,
    ScoreCard,
    Stakeholder,
)
from ..snapshot import AccountSnapshot
from . import tables
from .stored import record_json
from .writing import R

#: The kinds a snapshot gathers besides the account itself.
_SNAPSHOT_KINDS: tuple[type[Record], ...] = (
    Stakeholder, Relationship, Opportunity, Plan, Review, ScoreCard, RevenueFact)


def read_account(conn: Connection, account_id: str, *,
                 sqlite: bool) -> tuple[Account | None, dict[str, list[str]]]:
    """The account (None when its row does not carry its own id, as an older kamcore stored
    it, or it does not exist) and the stored data of its records by kind, each in id order.

    One read for the account and all its records: an account's row carries its own id as
    account_id, so records_by_account finds it with the others (probed once per kind).
    """
    rows = conn.execute(_snapshot_statement(sqlite), {"account_id": account_id}).all()
    found: dict[str, list[str]] = {cls.kind: [] for cls in _SNAPSHOT_KINDS}
    account: Account | None = None
    for kind, *row in rows:
        if kind == Account.kind:
            if row[0] == account_id:
                account = Account.model_validate_json(record_json(*row))
        else:
            found[kind].append(record_json(*row))
    return account, found


def stream_snapshots(conn: Connection,
                     among: Collection[str] | None = None) -> Iterator[AccountSnapshot]:
    """The snapshot of every account (or of those ``among``), in account id order; records
    whose account does not exist are skipped, and those of accounts not ``among`` are read
    past without parsing."""
    records = tables.records
    streaming = {"yield_per": 500}  # per statement: the connection may be a transaction's
    accounts = conn.execute(
        select(*tables.revision_row).select_from(tables.current)
        .where(records.c.kind == Account.kind).order_by(records.c.id),
        execution_options=streaming)
    streams = {cls.kind: _AccountRows(conn.execute(_by_account_statement(cls.kind),
                                                   execution_options=streaming))
               for cls in _SNAPSHOT_KINDS}
    for row in accounts:
        account_id = row[0]
        found = {kind: stream.take(account_id) for kind, stream in streams.items()}
        if among is None or account_id in among:
            yield assemble(Account.model_validate_json(record_json(*row)), found)


def assemble(account: Account, found: dict[str, list[str]]) -> AccountSnapshot:
    """An account snapshot from the stored data of its records, by kind (each in id order)."""
    def parse(cls: type[R]) -> list[R]:
        return [cls.model_validate_json(data) for data in found[cls.kind]]

    return AccountSnapshot(
        account=account,
        stakeholders=tuple(parse(Stakeholder)),
        relationships=tuple(parse(Relationship)),
        opportunities=tuple(parse(Opportunity)),
        plans=tuple(parse(Plan)),
        reviews=tuple(sorted(parse(Review), key=lambda r: (r.date, r.id))),
        score_cards=tuple(sorted(parse(ScoreCard), key=lambda c: (c.scored_at, c.id))),
        revenue=tuple(parse(RevenueFact)),
    )


class _AccountRows:
    """One kind's ``(account_id, *revision_row)`` rows in account id order, taken account by
    account."""

    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        self._rows = iter(rows)
        self._head: Sequence[Any] | None = next(self._rows, None)

    def take(self, account_id: str) -> list[str]:
        """The JSON of the records of ``account_id``; rows of accounts before it are dropped
        unread (their account does not exist)."""
        taken = []
        while self._head is not None and self._head[0] <= account_id:
            if self._head[0] == account_id:
                taken.append(record_json(*self._head[1:]))
            self._head = next(self._rows, None)
        return taken


@functools.cache
def _by_account_statement(kind: str) -> Any:
    """One kind's records with a non-null account, in (account id, id) order: walks the
    records_by_account index (kind, account_id), sorting only within each account."""
    table = tables.records
    return select(table.c.account_id, *tables.revision_row).select_from(tables.current).where(
        (table.c.kind == kind) & table.c.account_id.is_not(None)
    ).order_by(table.c.account_id, table.c.id)


@functools.cache
def _snapshot_statement(sqlite: bool) -> Any:
    """The snapshot's query, built once (building a statement costs more than running it)."""
    table = tables.records
    kinds = [Account.kind] + [cls.kind for cls in _SNAPSHOT_KINDS]
    stmt = select(table.c.kind, *tables.revision_row).select_from(
        tables.current).where(
        table.c.kind.in_(kinds) & (table.c.account_id == bindparam("account_id")))
    if sqlite:  # see Workspace.iter(): keep SQLite off the primary key
        return stmt.order_by(table.c.kind.concat(""), table.c.id.concat(""))
    return stmt.order_by(table.c.kind, table.c.id)

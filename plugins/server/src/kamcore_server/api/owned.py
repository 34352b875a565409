"""Records that belong to an account (stakeholders, relationships, opportunities): found
under the account's URL, pages of one account's records, and the body of a new one.

A record is reached as ``/api/v1/accounts/{account_id}/<kind>/{record_id}``: it must belong
to that account (else 404, as if it did not exist) and the caller must be allowed to see the
account (:func:`~kamcore_server.rules.require_account`).
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, create_model

from kamcore.model import Record
from kamcore.store import Workspace

from ..principal import Principal
from ..problems import Denied
from ..revisions import tagged
from ..rules import require_account
from .paging import Page, page

R = TypeVar("R", bound=Record)

#: Fields of a record the workspace or the URL sets, never the body of a new one.
_NOT_IN_BODY = frozenset({"id", "account_id", "revision", "created_at", "updated_at",
                          "updated_by"})


def owned(ws: Workspace, who: Principal, cls: type[R], account_id: str, record_id: str, *,
          write: bool = False) -> R:
    """The record ``record_id`` of ``account_id``, if the caller may see (with ``write``:
    change) that account.

    :raises Denied: 404 when the account is not the caller's to see or the record is not of
        that account; 403 when the caller may only read.
    :raises NotFoundError: no such record.
    """
    require_account(who, account_id, write=write)
    record = ws.get(cls, record_id)
    if record.owner_account_id() != account_id:
        raise Denied(404, f"no {cls.kind} {record_id!r} of account {account_id!r}")
    return record


def account_page(ws: Workspace, who: Principal, cls: type[Record], account_id: str,
                 after: str | None, limit: int) -> Page:
    """A page of the account's records of ``cls``, in id order (read ``limit + 1`` at most)."""
    require_account(who, account_id)
    return page(ws.iter(cls, account_id=account_id, after=after, limit=limit + 1), limit)


def shown(record: Record, status: int = 200) -> JSONResponse:
    """The record as JSON, its revision as the ETag."""
    return tagged(record.model_dump(mode="json"), record.revision, status)


@functools.cache
def new_body(cls: type[Record], links: tuple[str, ...] = ()) -> type[BaseModel]:
    """The request body that adds a record of ``cls`` to an account: the record's own fields
    and their constraints (so the OpenAPI document shows them), minus what the workspace and
    the URL set, plus an optional ``id`` (default: ``ACCOUNT.name-in-lower-case-dashes``) and
    the optional record ids named in ``links`` (``reports_to``). Unknown fields are refused."""
    fields: dict[str, Any] = {name: (info.annotation, info)
                              for name, info in cls.model_fields.items()
                              if name not in _NOT_IN_BODY}
    for name in ("id", *links):
        fields[name] = (str | None, Field(default=None, min_length=1, max_length=128))
    model: type[BaseModel] = create_model(  # type: ignore[call-overload]
        f"New{cls.__name__}", __config__=ConfigDict(extra="forbid"),
        __doc__=f"A {cls.kind} to add to the account.", **fields)
    return model


def given(body: BaseModel) -> dict[str, Any]:
    """The fields the client sent, as plain values (not the defaults of those it left out,
    which the operation supplies)."""
    return body.model_dump(exclude_unset=True)


def changes_and_clears(changes: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A PATCH body split into new values and the fields ``null`` sets back to their default
    (:func:`kamcore.operations.records.edit`'s ``clear``, which names a field that cannot be
    cleared)."""
    return ({name: value for name, value in changes.items() if value is not None},
            [name for name, value in changes.items() if value is None])

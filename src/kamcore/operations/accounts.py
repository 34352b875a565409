"""Accounts: add one, edit one."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from ..model import Account
from ..store import Workspace
from .actor import Actor
from .ids import slug
from .records import build, create, edit


def add_account(workspace: Workspace, actor: Actor, name: str, *, account_id: str | None = None,
                industry: str | None = None, annual_revenue: float | None = None,
                owner: str | None = None, tier: str | None = None,
                parent_id: str | None = None, business_units: Collection[str] = (),
                external_ids: Mapping[str, str] | None = None) -> Account:
    """Add an account; its id defaults to the name in lower-case-dashes.

    :raises InvalidInputError: a field is invalid.
    :raises NotFoundError: ``parent_id`` names no account.
    :raises ConflictError: an account with that id exists.
    """
    record = build(Account, {
        "id": account_id or slug(name, "account"), "name": name, "industry": industry,
        "annual_revenue": annual_revenue, "owner": owner, "tier": tier, "parent_id": parent_id,
        "business_units": frozenset(business_units), "external_ids": dict(external_ids or {}),
    })
    if parent_id:
        workspace.get(Account, parent_id)
    return create(workspace, actor, record)


def edit_account(workspace: Workspace, actor: Actor, account_id: str,
                 changes: Mapping[str, Any], *, base_revision: int | None = None) -> Account:
    """Change fields of an account (see :func:`kamcore.operations.records.edit`); a new
    ``parent_id`` must name another existing account."""
    parent_id = changes.get("parent_id")
    if parent_id:
        if parent_id == account_id:
            from ..errors import InvalidInputError, Problem

            raise InvalidInputError(f"account {account_id!r} cannot be its own parent",
                                    [Problem("names the account itself", path=("parent_id",))])
        workspace.get(Account, parent_id)
    return edit(workspace, actor, Account, account_id, changes, base_revision=base_revision)

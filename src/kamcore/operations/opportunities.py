"""Opportunities: deals in an account's pipeline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model import Opportunity
from ..store import Workspace
from .actor import Actor
from .records import add_to_account, edit


def add_opportunity(workspace: Workspace, actor: Actor, account_id: str, name: str, *,
                    opportunity_id: str | None = None, **fields: Any) -> Opportunity:
    """Add a deal to an existing account.

    :param opportunity_id: default ``ACCOUNT.name-in-lower-case-dashes``.
    :param fields: any other :class:`~kamcore.model.Opportunity` field (amount, stage,
        close_date, ...), validated as the record is.
    :raises NotFoundError: no such account.
    :raises InvalidInputError: a field is invalid.
    :raises ConflictError: an opportunity with that id exists.
    """
    return add_to_account(workspace, actor, Opportunity, account_id, name, opportunity_id,
                          fields)


def edit_opportunity(workspace: Workspace, actor: Actor, opportunity_id: str,
                     changes: Mapping[str, Any], *,
                     base_revision: int | None = None) -> Opportunity:
    """Change fields of an opportunity (see :func:`kamcore.operations.records.edit`)."""
    return edit(workspace, actor, Opportunity, opportunity_id, changes,
                base_revision=base_revision)

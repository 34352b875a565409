"""The stakeholder map: stakeholders and the relationships between them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import InvalidInputError, Problem
from ..model import Relationship, Stakeholder
from ..store import Workspace
from .actor import Actor
from .records import add_to_account, build, create, edit


def add_stakeholder(workspace: Workspace, actor: Actor, account_id: str, name: str, *,
                    stakeholder_id: str | None = None, **fields: Any) -> Stakeholder:
    """Add a person at the customer to an existing account.

    :param stakeholder_id: default ``ACCOUNT.name-in-lower-case-dashes``.
    :param fields: any other :class:`~kamcore.model.Stakeholder` field (title, roles,
        influence, support, ...), validated as the record is.
    :raises NotFoundError: no such account.
    :raises InvalidInputError: a field is invalid.
    :raises ConflictError: a stakeholder with that id exists.
    """
    return add_to_account(workspace, actor, Stakeholder, account_id, name, stakeholder_id,
                          fields)


def edit_stakeholder(workspace: Workspace, actor: Actor, stakeholder_id: str,
                     changes: Mapping[str, Any], *,
                     base_revision: int | None = None) -> Stakeholder:
    """Change fields of a stakeholder (see :func:`kamcore.operations.records.edit`)."""
    return edit(workspace, actor, Stakeholder, stakeholder_id, changes,
                base_revision=base_revision)


def add_relationship(workspace: Workspace, actor: Actor, source_id: str, relationship_type: str,
                     target_id: str, *, relationship_id: str | None = None,
                     note: str | None = None) -> Relationship:
    """Link two stakeholders of one account (``source`` reports_to ``target``, ...).

    :param relationship_id: default ``SOURCE.TYPE.TARGET-ID-LAST-PART``.
    :raises NotFoundError: a stakeholder does not exist.
    :raises InvalidInputError: the type is unknown, the stakeholders are one person or belong
        to different accounts.
    :raises ConflictError: a relationship with that id exists.
    """
    source = workspace.get(Stakeholder, source_id)
    target = workspace.get(Stakeholder, target_id)
    if source.account_id != target.account_id:
        raise InvalidInputError(
            f"{source_id!r} and {target_id!r} belong to different accounts "
            f"({source.account_id}, {target.account_id})",
            [Problem(f"a stakeholder of {target.account_id}, not {source.account_id}",
                     path=("target_id",))])
    person = target_id.rpartition(".")[2]
    record = build(Relationship, {
        "id": relationship_id or f"{source_id}.{relationship_type}.{person}",
        "account_id": source.account_id, "source_id": source_id, "target_id": target_id,
        "type": relationship_type, "note": note})
    return create(workspace, actor, record)


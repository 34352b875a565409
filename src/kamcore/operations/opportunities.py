"""Opportunities: deals in an account's pipeline."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from ..errors import InvalidInputError, Problem
from ..model import Opportunity, Stakeholder
from ..store import Workspace
from .actor import Actor
from .records import add_to_account, edit, remove


def add_opportunity(workspace: Workspace, actor: Actor, account_id: str, name: str, *,
                    opportunity_id: str | None = None, **fields: Any) -> Opportunity:
    """Add a deal to an existing account.

    :param opportunity_id: default ``ACCOUNT.name-in-lower-case-dashes``.
    :param fields: any other :class:`~kamcore.model.Opportunity` field (amount, stage,
        close_date, contact_roles, ...), validated as the record is.
    :raises NotFoundError: no such account.
    :raises InvalidInputError: a field is invalid; a contact is not a stakeholder of the
        account.
    :raises ConflictError: an opportunity with that id exists.
    """
    _check_contacts(workspace, account_id, fields.get("contact_roles") or {})
    return add_to_account(workspace, actor, Opportunity, account_id, name, opportunity_id,
                          fields)


def edit_opportunity(workspace: Workspace, actor: Actor, opportunity_id: str,
                     changes: Mapping[str, Any], *, clear: Collection[str] = (),
                     base_revision: int | None = None) -> Opportunity:
    """Change fields of an opportunity (see :func:`kamcore.operations.records.edit`); new
    ``contact_roles`` must name stakeholders of the opportunity's account."""
    if changes.get("contact_roles"):
        deal = workspace.get(Opportunity, opportunity_id)
        _check_contacts(workspace, deal.account_id, changes["contact_roles"])
    return edit(workspace, actor, Opportunity, opportunity_id, changes, clear=clear,
                base_revision=base_revision)


def remove_opportunity(workspace: Workspace, actor: Actor, opportunity_id: str, *,
                       base_revision: int | None = None) -> Opportunity:
    """Remove an opportunity (its history stays); return it as it was.

    :raises NotFoundError: no such opportunity.
    :raises ConflictError: it moved past ``base_revision``.
    """
    return remove(workspace, actor, Opportunity, opportunity_id, base_revision=base_revision)


def _check_contacts(workspace: Workspace, account_id: str, contacts: Mapping[str, Any]) -> None:
    """Refuse contacts that are not stakeholders of ``account_id``."""
    problems = []
    for person_id in sorted(contacts):
        person = workspace.find(Stakeholder, str(person_id))
        if person is None or person.account_id != account_id:
            problems.append(Problem(f"not a stakeholder of {account_id}",
                                    path=("contact_roles", str(person_id))))
    if problems:
        raise InvalidInputError("unknown contacts", problems)

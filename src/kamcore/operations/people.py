"""The stakeholder map: stakeholders and the relationships between them.

A stakeholder may stand for a person not known yet in a known role (``placeholder``); the
``reports_to`` lines between stakeholders never form a cycle (:mod:`kamcore.reporting`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

import attrs

from ..errors import InvalidInputError, Problem
from ..model import Opportunity, Relationship, Stakeholder
from ..references import PlanEntry, references_to
from ..reporting import reporting_cycle
from ..store import Workspace
from .actor import Actor
from .records import add_to_account, build, create, edit, remove


def add_stakeholder(workspace: Workspace, actor: Actor, account_id: str, name: str, *,
                    stakeholder_id: str | None = None, reports_to: str | None = None,
                    **fields: Any) -> Stakeholder:
    """Add a person at the customer to an existing account.

    :param stakeholder_id: default ``ACCOUNT.name-in-lower-case-dashes``.
    :param reports_to: the id of their manager, a stakeholder of the same account: a
        ``reports_to`` relationship is saved with them (one transaction).
    :param fields: any other :class:`~kamcore.model.Stakeholder` field (title, roles,
        influence, support, placeholder, ...), validated as the record is.
    :raises NotFoundError: no such account or manager.
    :raises InvalidInputError: a field is invalid; the manager is of another account.
    :raises ConflictError: a stakeholder with that id exists.
    """
    with workspace.transaction():
        person = add_to_account(workspace, actor, Stakeholder, account_id, name,
                                stakeholder_id, fields)
        if reports_to is not None:
            add_relationship(workspace, actor, person.id, "reports_to", reports_to)
    return person


def edit_stakeholder(workspace: Workspace, actor: Actor, stakeholder_id: str,
                     changes: Mapping[str, Any], *, clear: Collection[str] = (),
                     reports_to: str | None = None, clear_reports_to: bool = False,
                     base_revision: int | None = None) -> Stakeholder:
    """Change fields of a stakeholder (see :func:`kamcore.operations.records.edit`), and
    their manager: ``reports_to`` replaces their ``reports_to`` relationships with one to that
    stakeholder, ``clear_reports_to`` removes them (all in one transaction).

    :raises InvalidInputError: as :func:`~kamcore.operations.records.edit`; both
        ``reports_to`` and ``clear_reports_to``; the new line would close a cycle.
    :raises ConflictError: the stakeholder moved past ``base_revision``.
    """
    if reports_to is not None and clear_reports_to:
        raise InvalidInputError("a new manager and no manager at once",
                                [Problem("both set and cleared", path=("reports_to",))])
    with workspace.transaction():
        person = edit(workspace, actor, Stakeholder, stakeholder_id, changes, clear=clear,
                      base_revision=base_revision)
        if reports_to is not None or clear_reports_to:
            lines = [r for r in workspace.iter(Relationship, account_id=person.account_id)
                     if r.type == "reports_to" and r.source_id == person.id]
            if reports_to is not None and [r.target_id for r in lines] == [reports_to]:
                return person
            for line in lines:
                remove(workspace, actor, Relationship, line.id)
            if reports_to is not None:
                add_relationship(workspace, actor, person.id, "reports_to", reports_to)
    return person


def touch_stakeholder(workspace: Workspace, actor: Actor, stakeholder_id: str, *,
                      on: date | None = None, today: date | None = None,
                      base_revision: int | None = None) -> Stakeholder:
    """Record a contact with a stakeholder on ``on`` (default: today): their
    ``last_contact`` becomes that date, unless a later contact is recorded already (then
    nothing changes and the stored stakeholder is returned).

    :param today: the date ``on`` may not be after (default: today).
    :raises InvalidInputError: the date is in the future; the stakeholder is a placeholder
        (there is no one to have met: name the person first).
    :raises ConflictError: the stakeholder moved past ``base_revision``.
    """
    today = today or date.today()
    day = on or today
    if day > today:
        raise InvalidInputError(f"contact with {stakeholder_id} refused: {day} is in the future",
                                [Problem("in the future", path=("last_contact",))])
    person = workspace.get(Stakeholder, stakeholder_id)
    if person.placeholder:
        raise InvalidInputError(
            f"{stakeholder_id} is a placeholder ({person.name}): name the person and clear "
            "the placeholder mark before recording a contact",
            [Problem("a placeholder has no one to contact", path=("placeholder",))])
    if person.last_contact is not None and person.last_contact >= day:
        return person
    return edit(workspace, actor, Stakeholder, stakeholder_id, {"last_contact": day},
                base_revision=base_revision)


@attrs.frozen
class StakeholderRemoval:
    """What :func:`remove_stakeholder` did: the stakeholder removed (as it was), the
    relationships removed with them, the opportunities saved without them among their
    contacts, and the plan entries that still name them (plans are not rewritten)."""

    stakeholder: Stakeholder
    relationships: tuple[Relationship, ...] = ()
    opportunities: tuple[Opportunity, ...] = ()
    plan_entries: tuple[PlanEntry, ...] = ()


def remove_stakeholder(workspace: Workspace, actor: Actor, stakeholder_id: str, *,
                       cascade: bool = False,
                       base_revision: int | None = None) -> StakeholderRemoval:
    """Remove a stakeholder (their history stays).

    Without ``cascade`` the removal is refused while anything refers to them: a
    relationship from or to them, an opportunity naming them among its contacts, a plan's
    stakeholder-map entry naming their id. With ``cascade``, in one transaction, their
    relationships are removed and each such opportunity is saved without them; plans are
    left as they are (a plan is the team's document, checked against its methodology and
    reviewed as written): their entries are reported, and show as people assessed in the plan
    only.

    :raises InvalidInputError: references exist and ``cascade`` is false (every one listed);
        nothing is written.
    :raises NotFoundError: no such stakeholder.
    :raises ConflictError: the stakeholder (or a record the cascade changes) moved on.
    """
    person = workspace.get(Stakeholder, stakeholder_id)
    found = references_to(workspace.snapshot(person.account_id), stakeholder_id)
    if found and not cascade:
        raise InvalidInputError(
            f"stakeholder {stakeholder_id!r} is referred to; remove or change these first, or "
            "cascade (removes the relationships and the opportunities' contact entries; "
            "plans keep their entries)", found.problems())
    with workspace.transaction():
        for rel in found.relationships:
            remove(workspace, actor, Relationship, rel.id, base_revision=rel.revision)
        deals = tuple(
            edit(workspace, actor, Opportunity, deal.id, {"contact_roles": {
                key: role for key, role in deal.contact_roles.items() if key != stakeholder_id}},
                base_revision=deal.revision)
            for deal in found.opportunities)
        removed = remove(workspace, actor, Stakeholder, stakeholder_id,
                         base_revision=base_revision)
    return StakeholderRemoval(removed, found.relationships, deals, found.plan_entries)


def add_relationship(workspace: Workspace, actor: Actor, source_id: str, relationship_type: str,
                     target_id: str, *, relationship_id: str | None = None,
                     note: str | None = None) -> Relationship:
    """Link two stakeholders of one account (``source`` reports_to ``target``, ...).

    :param relationship_id: default ``SOURCE.TYPE.TARGET-ID-LAST-PART``.
    :raises NotFoundError: a stakeholder does not exist.
    :raises InvalidInputError: the type is unknown, the stakeholders are one person or belong
        to different accounts, or a ``reports_to`` line would close a cycle (named:
        ``a -> b -> c -> a``).
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
    if record.type == "reports_to":
        cycle = reporting_cycle(workspace.iter(Relationship, account_id=source.account_id),
                                source_id, target_id)
        if cycle is not None:
            raise InvalidInputError(
                f"{source_id} cannot report to {target_id}: the reporting lines would form a "
                f"cycle: {' -> '.join(cycle)}",
                [Problem("closes a reports_to cycle", path=("target_id",))])
    return create(workspace, actor, record)


def edit_relationship(workspace: Workspace, actor: Actor, relationship_id: str,
                      changes: Mapping[str, Any], *, clear: Collection[str] = (),
                      base_revision: int | None = None) -> Relationship:
    """Change a relationship's type or note (see :func:`kamcore.operations.records.edit`);
    the stakeholders it links are fixed (link others with a new relationship).

    :raises InvalidInputError: as :func:`~kamcore.operations.records.edit`; a change of
        ``source_id`` or ``target_id``; a new ``reports_to`` type that would close a cycle.
    :raises ConflictError: the relationship moved past ``base_revision``.
    """
    ends = sorted({"source_id", "target_id"} & (set(changes) | set(clear)))
    if ends:
        raise InvalidInputError(
            f"relationship {relationship_id!r}: cannot change {', '.join(ends)} (add a new "
            "relationship between the other stakeholders instead)",
            [Problem("fixed once the relationship exists", path=(name,)) for name in ends])
    with workspace.transaction():
        line = workspace.get(Relationship, relationship_id)
        if changes.get("type") == "reports_to" and line.type != "reports_to":
            others = (r for r in workspace.iter(Relationship, account_id=line.account_id)
                      if r.id != line.id)
            cycle = reporting_cycle(others, line.source_id, line.target_id)
            if cycle is not None:
                raise InvalidInputError(
                    f"{line.source_id} cannot report to {line.target_id}: the reporting lines "
                    f"would form a cycle: {' -> '.join(cycle)}",
                    [Problem("closes a reports_to cycle", path=("type",))])
        return edit(workspace, actor, Relationship, relationship_id, changes, clear=clear,
                    base_revision=base_revision)


def remove_relationship(workspace: Workspace, actor: Actor, relationship_id: str, *,
                        base_revision: int | None = None) -> Relationship:
    """Remove a relationship (its history stays); return it as it was.

    :raises NotFoundError: no such relationship.
    :raises ConflictError: it moved past ``base_revision``.
    """
    return remove(workspace, actor, Relationship, relationship_id, base_revision=base_revision)

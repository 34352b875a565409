"""Creating, editing and removing a stored record, the same way for every kind.

The per-kind operations (:mod:`.accounts`, :mod:`.people`, :mod:`.opportunities`) check what
is particular to their kind (parents, ids, references) and save through :func:`create`,
:func:`edit` and :func:`remove`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from ..errors import ConflictError, InvalidInputError, Problem
from ..model import Record
from ..store import Workspace
from .actor import Actor
from .ids import slug

R = TypeVar("R", bound=Record)

#: Fields an edit may not change: the id and what the store keeps about revisions (and the
#: record's account, see :func:`edit`).
FIXED_FIELDS = frozenset({"id", "revision", "created_at", "updated_at", "updated_by"})


def build(cls: type[R], fields: Mapping[str, Any]) -> R:
    """A new record of ``cls`` from plain ``fields``, validated.

    :raises InvalidInputError: naming each field that fails, by its path.
    """
    from pydantic import ValidationError

    try:
        return cls.model_validate(dict(fields))
    except ValidationError as exc:
        raise InvalidInputError(f"invalid {cls.kind}", [
            Problem(error["msg"], path=tuple(error["loc"])) for error in exc.errors()
        ]) from None


def add_to_account(workspace: Workspace, actor: Actor, cls: type[R], account_id: str,
                   name: str, record_id: str | None, fields: Mapping[str, Any]) -> R:
    """Add a named record of ``cls`` (a stakeholder, an opportunity) to an existing account;
    its id defaults to ``ACCOUNT.name-in-lower-case-dashes``.

    :raises InvalidInputError: a field is invalid.
    :raises NotFoundError: no such account.
    :raises ConflictError: a record of that kind and id exists.
    """
    from ..model import Account

    record = build(cls, {"id": record_id or f"{account_id}.{slug(name, cls.kind)}",
                         "account_id": account_id, "name": name, **fields})
    workspace.get(Account, account_id)
    return create(workspace, actor, record)


def create(workspace: Workspace, actor: Actor, record: R) -> R:
    """Save ``record`` as revision 1.

    :raises ConflictError: a record of that kind and id exists already; nothing is written.
    """
    return workspace.save(record, base_revision=0, by=actor.name)


def edit(workspace: Workspace, actor: Actor, cls: type[R], record_id: str,
         changes: Mapping[str, Any], *, clear: Collection[str] = (),
         base_revision: int | None = None) -> R:
    """Change some fields of a stored record and save it as a new revision.

    :param changes: field name -> new value (None clears an optional field); the other
        fields keep their stored values.
    :param clear: fields to set back to their default (None, an empty set or mapping,
        false); a required field cannot be cleared, nor a field also in ``changes``.
    :param base_revision: the revision the change was based on (what the user saw); None
        takes the current one. Either way a concurrent save between read and write is a
        conflict, never a lost update.
    :return: the saved record, or the stored one unchanged when ``changes`` change nothing.
    :raises NotFoundError: no such record.
    :raises InvalidInputError: a field is unknown, fixed (the id, the revision fields, the
        account a record belongs to), or gets an invalid value.
    :raises ConflictError: the record is no longer at ``base_revision``; nothing is written.
    """
    current = workspace.get(cls, record_id)
    fixed = sorted((FIXED_FIELDS | {cls.account_field or "id"}) & set(changes))
    if fixed:
        raise InvalidInputError(f"{cls.kind} {record_id!r}: cannot change {', '.join(fixed)}",
                                [Problem("fixed once the record exists", path=(name,))
                                 for name in fixed])
    if base_revision is not None and base_revision != current.revision:
        raise ConflictError(cls.kind, record_id, base_revision, current.revision,
                            changed_by=current.updated_by, changed_at=current.updated_at)
    updated = build(cls, {**current.model_dump(), **changes, **defaults(cls, clear, changes)})
    if updated.model_dump() == current.model_dump():
        return current
    return workspace.save(updated, base_revision=current.revision, by=actor.name)


def defaults(cls: type[Record], fields: Collection[str],
             changes: Mapping[str, Any]) -> dict[str, Any]:
    """The default value of each of ``fields`` of ``cls`` (what clearing it means).

    :raises InvalidInputError: a field is unknown, required, fixed or also in ``changes``.
    """
    problems, values = [], {}
    for name in sorted(set(fields)):
        info = cls.model_fields.get(name)
        if info is None or name in FIXED_FIELDS or name == cls.account_field:
            problems.append(Problem("not a field that can be cleared", path=(name,)))
        elif info.is_required():
            problems.append(Problem("required: give a new value instead", path=(name,)))
        elif name in changes:
            problems.append(Problem("both changed and cleared", path=(name,)))
        else:
            values[name] = info.get_default(call_default_factory=True)
    if problems:
        raise InvalidInputError(f"cannot clear fields of a {cls.kind}", problems)
    return values


def remove(workspace: Workspace, actor: Actor, cls: type[R], record_id: str, *,
           base_revision: int | None = None) -> R:
    """Remove a stored record (its history stays: see :meth:`Workspace.delete`).

    :param base_revision: the revision the removal was based on; None: the current one.
    :return: the record as it was when removed.
    :raises NotFoundError: no such record.
    :raises ConflictError: the record is no longer at ``base_revision``; nothing is removed.
    """
    return workspace.delete(cls, record_id, base_revision=base_revision, by=actor.name)

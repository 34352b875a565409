"""The stored form of a revision, and the record it gives back.

A revision row holds the record's id, revision, save time and saver in its own columns
(``revisions.id``, ``revision``, ``saved_at``, ``saved_by``); its ``data`` is the rest of the
record as compact JSON without the fields that hold their defaults. A record's creation time
is left out too when it is the save time (the first revision of a record); otherwise it is the
JSON's first field (``null`` when not known). :func:`record_json` puts it all back, so reading
a revision gives the record that was saved, field for field.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TypeVar

from ..model import Record

R = TypeVar("R", bound=Record)

#: The fields a revision row keeps in its columns, left out of its stored JSON.
IN_COLUMNS = frozenset({"id", "revision", "updated_at", "updated_by"})
#: What is left out of every stored JSON (the creation time is put back when needed).
_LEFT_OUT: set[str] = {*IN_COLUMNS, "created_at"}
#: How stored JSON starts when it carries the creation time itself.
_CREATED = '{"created_at":'
#: The fields a save stamps on the record it stores.
_STAMP = frozenset({"revision", "updated_at", "updated_by", "created_at"})


def stamped(record: R, revision: int, saved_at: datetime, saved_by: str | None,
            created_at: datetime | None) -> R:
    """``record`` as a save stores it: a copy with its new ``revision``, ``updated_at`` =
    ``saved_at``, ``updated_by`` = ``saved_by`` and ``created_at``, which then count as set.

    The same copy as ``record.model_copy(update=...)`` (nothing is validated again, the
    other fields are shared, not copied), made without pydantic's generic copying, which
    costs more than the rest of a batch save of a record. A model with extra fields or private
    attributes (none of kamcore's) is copied by ``model_copy``.
    """
    update = {"revision": revision, "updated_at": saved_at, "updated_by": saved_by,
              "created_at": created_at}
    if record.__pydantic_extra__ is not None or record.__pydantic_private__ is not None:
        return record.model_copy(update=update)
    cls = type(record)
    copy = cls.__new__(cls)
    fields = record.__dict__.copy()
    fields.update(update)
    object.__setattr__(copy, "__dict__", fields)
    object.__setattr__(copy, "__pydantic_fields_set__", record.__pydantic_fields_set__ | _STAMP)
    object.__setattr__(copy, "__pydantic_extra__", None)
    object.__setattr__(copy, "__pydantic_private__", None)
    return copy


def stored_json(record: Record) -> str:
    """The JSON a revision of ``record`` is stored as (see the module). Its row's
    ``saved_at`` is ``record.updated_at`` in ISO 8601 (``""`` when unset) and its
    ``saved_by`` is ``record.updated_by``."""
    rest = record.model_dump_json(exclude_defaults=True, exclude=_LEFT_OUT)
    created = record.created_at
    if created is not None and created == record.updated_at:
        return rest
    lead = "null" if created is None else \
        record.model_dump_json(include={"created_at"})[len(_CREATED):-1]
    return _CREATED + lead + ("}" if rest == "{}" else "," + rest[1:])


def record_json(record_id: str, revision: int, saved_at: str, saved_by: str | None,
                data: str) -> str:
    """The whole record's JSON from a revision row's columns and its stored ``data``."""
    fields = [f'"id":{json.dumps(record_id)}', f'"revision":{revision}']
    if saved_at:
        fields.append(f'"updated_at":"{saved_at}"')
        if not data.startswith(_CREATED):
            fields.append(f'"created_at":"{saved_at}"')
    if saved_by is not None:
        fields.append(f'"updated_by":{json.dumps(saved_by)}')
    rest = data[1:]  # after the opening brace: "}" or the stored fields then "}"
    return "{" + ",".join(fields) + ("}" if rest == "}" else "," + rest)

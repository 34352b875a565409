"""The stored form of a revision, and the record it gives back.

A revision row holds the record's id, revision, save time and saver in its own columns
(``revisions.id``, ``revision``, ``saved_at``, ``saved_by``); its ``data`` is the rest of the
record as compact JSON without the fields that hold their defaults. :func:`record_json` puts
the columns back, so reading a revision gives the record that was saved, field for field.
"""

from __future__ import annotations

import json

from ..model import Record

#: The fields a revision row keeps in its columns, left out of its stored JSON.
IN_COLUMNS = frozenset({"id", "revision", "updated_at", "updated_by"})


def stored_json(record: Record) -> str:
    """The JSON a revision of ``record`` is stored as (see the module). Its row's
    ``saved_at`` is ``record.updated_at`` in ISO 8601 (``""`` when unset) and its
    ``saved_by`` is ``record.updated_by``."""
    return record.model_dump_json(exclude_defaults=True, exclude=IN_COLUMNS)


def record_json(record_id: str, revision: int, saved_at: str, saved_by: str | None,
                data: str) -> str:
    """The whole record's JSON from a revision row's columns and its stored ``data``."""
    fields = [f'"id":{json.dumps(record_id)}', f'"revision":{revision}']
    if saved_at:
        fields.append(f'"updated_at":"{saved_at}"')
    if saved_by is not None:
        fields.append(f'"updated_by":{json.dumps(saved_by)}')
    rest = data[1:]  # after the opening brace: "}" or the stored fields then "}"
    return "{" + ",".join(fields) + ("}" if rest == "}" else "," + rest)

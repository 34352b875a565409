"""The stored form of a revision (:mod:`kamcore.store.stored`): what is left out of its JSON
comes back from its row, for first and later revisions, unknown creation times and records
never saved by a workspace."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from kamcore import Account
from kamcore.model import Stakeholder
from kamcore.store.stored import IN_COLUMNS, record_json, stored_json

SAVED = datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)
CREATED = datetime(2025, 11, 2, 8, 0, tzinfo=UTC)


def _read_back(record: Account | Stakeholder) -> tuple[str, Account | Stakeholder]:
    stored = stored_json(record)
    saved_at = record.updated_at.isoformat() if record.updated_at else ""
    text = record_json(record.id, record.revision, saved_at, record.updated_by, stored)
    return stored, type(record).model_validate_json(text)


@pytest.mark.parametrize(("created_at", "updated_at", "created_in_json"), [
    (SAVED, SAVED, False),     # a first revision: created when saved, implied by the row
    (CREATED, SAVED, True),    # a later revision: its own creation time, first in the JSON
    (None, SAVED, True),       # not known (older workspaces): null, not the save time
    (None, None, True),        # never saved
    (CREATED, None, True),
])
def test_every_record_reads_back_as_saved(created_at: datetime | None,
                                          updated_at: datetime | None,
                                          created_in_json: bool) -> None:
    record = Stakeholder(id="acme.cfo", account_id="acme", name="Dana \u00c9lise \"CFO\"",
                         revision=3, created_at=created_at, updated_at=updated_at,
                         updated_by="ana", external_ids={"salesforce": "003A"})
    stored, back = _read_back(record)
    assert back == record
    fields = json.loads(stored)
    assert not IN_COLUMNS & set(fields)
    assert ("created_at" in fields) is created_in_json
    if created_in_json:
        assert stored.startswith('{"created_at":')
    assert stored_json(back) == stored  # stable


def test_a_record_with_nothing_but_its_metadata() -> None:
    record = Account(id="acme", name="Acme", revision=1, created_at=SAVED, updated_at=SAVED)
    stored, back = _read_back(record)
    assert back == record and json.loads(stored) == {"name": "Acme"}
    unknown = record.model_copy(update={"created_at": None})
    stored, back = _read_back(unknown)
    assert back == unknown and json.loads(stored) == {"created_at": None, "name": "Acme"}

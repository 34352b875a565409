"""The stored form of a revision (:mod:`kamcore.store.stored`): what is left out of its JSON
comes back from its row, for first and later revisions, unknown creation times and records
never saved by a workspace."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from kamcore import Account
from kamcore.model import Record, Stakeholder
from kamcore.store.stored import IN_COLUMNS, record_json, stamped, stored_json

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


def _every_kind() -> list[Record]:
    """A record of each kind, with collections and nested models set."""
    from kamcore.model import MethodologyRef, Opportunity, Plan, Relationship, Review, ScoreCard

    return [
        Account(id="acme", name="Acme", business_units=["Retail"], external_ids={"sf": "001"}),
        Stakeholder(id="acme.cfo", account_id="acme", name="Dana", roles={"economic_buyer"},
                    external_ids={"salesforce": "003A"}),
        Relationship(id="r1", account_id="acme", source_id="a", target_id="b",
                     type="reports_to"),
        Opportunity(id="o1", account_id="acme", name="Renewal", amount=10.0),
        Plan(id="p1", account_id="acme", step="start",
             methodology=MethodologyRef(name="simple_plan", version="1"),
             sections={"objectives": {"items": [{"id": "o1"}]}}),
        Review(id="rv1", plan_id="p1", account_id="acme", review_kind="internal",
               date="2026-03-01", plan_revision=1, decisions=["go"]),
        ScoreCard(id="sc1", account_id="acme", rubric={"name": "r", "version": "1"},
                  total=1.0, scored_at=SAVED),
    ]


@pytest.mark.parametrize("record", _every_kind(), ids=lambda r: r.kind)
@pytest.mark.parametrize("created_at", [SAVED, CREATED, None])
def test_a_stamped_record_is_the_model_copy_a_save_made(record: Record,
                                                        created_at: datetime | None) -> None:
    """:func:`stamped` gives what ``model_copy(update=...)`` gave: equal fields, the same
    fields counted as set, the same JSON; and a copy (assigning to it, validated, leaves the
    original alone)."""
    update = {"revision": 4, "updated_at": SAVED, "updated_by": "ana", "created_at": created_at}
    copied = record.model_copy(update=update)
    stamp = stamped(record, 4, SAVED, "ana", created_at)
    assert type(stamp) is type(record)
    assert stamp == copied and stamp.model_fields_set == copied.model_fields_set
    assert stamp.model_dump_json() == copied.model_dump_json()
    assert stored_json(stamp) == stored_json(copied)
    assert (record.revision, record.updated_by) == (0, None)
    stamp.revision = 5
    with pytest.raises(ValidationError):
        stamp.revision = -1
    assert record.revision == 0 and stamp.revision == 5

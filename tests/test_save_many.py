"""``Workspace.save_many``: external ids claimed in a batch, and the rows a batch writes -- on a
real SQLite file and on a real PostgreSQL server (``backend``, as in ``test_workspace.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from kamcore import Account, HookEvents, Stakeholder, Workspace
from kamcore.errors import InvalidInputError

if TYPE_CHECKING:
    from conftest import Backend


@pytest.fixture
def ws(backend: Backend, core_host: Any) -> Iterator[Workspace]:
    with Workspace.open(backend.target, create=True, listener=HookEvents(core_host)) as workspace:
        yield workspace


def _account(key: str, **ids: str) -> Account:
    return Account(id=key, name=key.title(), external_ids=ids)


def test_a_new_record_claiming_a_held_id_refuses_the_batch(ws: Workspace) -> None:
    ws.save(_account("acme", salesforce="001A"))
    with pytest.raises(InvalidInputError, match="'001A' already belongs to account 'acme'"):
        ws.save_many([_account("initech", salesforce="001I"),
                      _account("globex", salesforce="001A")])
    assert ws.ids(Account) == ["acme"]  # nothing of the batch written


def test_two_new_records_claiming_one_id_refuse_the_batch(ws: Workspace) -> None:
    with pytest.raises(InvalidInputError, match="'001A' already belongs to account 'acme'"):
        ws.save_many([_account("acme", salesforce="001A"), _account("globex", salesforce="001A")])
    assert ws.ids(Account) == []


def test_an_id_given_up_earlier_in_the_batch_can_be_taken(ws: Workspace) -> None:
    ws.save(_account("acme", salesforce="001A"))
    outcomes = ws.save_many([_account("acme", salesforce="001B"),
                             _account("globex", salesforce="001A")])
    assert [(r.id, o) for r, o in outcomes] == [("acme", "updated"), ("globex", "created")]
    assert ws.find_by_external_id(Account, "salesforce", "001A").id == "globex"
    assert ws.find_by_external_id(Account, "salesforce", "001B").id == "acme"


def test_an_id_taken_before_it_is_given_up_refuses_the_batch(ws: Workspace) -> None:
    ws.save(_account("acme", salesforce="001A"))
    with pytest.raises(InvalidInputError, match="'001A' already belongs to account 'acme'"):
        ws.save_many([_account("globex", salesforce="001A"),
                      _account("acme", salesforce="001B")])
    assert ws.get(Account, "acme").external_ids == {"salesforce": "001A"}


def test_records_keep_their_own_ids_on_update(ws: Workspace) -> None:
    ws.save_many([_account("acme", salesforce="001A", hubspot="9"),
                  _account("globex", salesforce="001G")])
    renamed = ws.get(Account, "acme").model_copy(update={"name": "Acme Corp"})
    outcomes = ws.save_many([renamed, _account("globex", salesforce="001G")])
    assert [o for _r, o in outcomes] == ["updated", "unchanged"]
    assert ws.find_by_external_id(Account, "hubspot", "9").id == "acme"


def test_the_rows_of_new_records(ws: Workspace, backend: Backend) -> None:
    """A created record: its head (no copy of its data), revision 1 holding its data once, in
    compact JSON without the fields left at their defaults or held in the row's columns (id,
    revision, save time and saver; the creation time is the save time), and its external
    ids."""
    [(stored, outcome)] = ws.save_many([
        Stakeholder(id="cfo", account_id="acme", name="Dana", roles=frozenset({"champion"}),
                    external_ids={"salesforce": "003A", "hubspot": "7"})], by="importer")
    assert outcome == "created" and stored.revision == 1 and stored.updated_by == "importer"
    assert stored.created_at == stored.updated_at is not None
    saved_at = stored.updated_at.isoformat()
    data = stored.model_dump_json(exclude_defaults=True, exclude={
        "id", "revision", "created_at", "updated_at", "updated_by"})
    assert '"email"' not in data and ", " not in data  # left at its default; compact
    assert data.startswith('{"account_id":')  # the metadata is in the row's columns
    assert backend.columns("records") == [
        "account_id", "created_at", "id", "kind", "revision", "updated_at", "updated_by"]
    assert backend.rows("SELECT kind, id, account_id, revision, updated_at, updated_by, "
                        "created_at FROM records") == [
        ("stakeholder", "cfo", "acme", 1, saved_at, "importer", saved_at)]
    assert backend.rows("SELECT kind, id, revision, data, saved_at, saved_by FROM revisions") == [
        ("stakeholder", "cfo", 1, data, saved_at, "importer")]
    assert backend.rows("SELECT kind, system, external_id, record_id FROM external_ids "
                        "ORDER BY system") == [("stakeholder", "hubspot", "7", "cfo"),
                                               ("stakeholder", "salesforce", "003A", "cfo")]
    assert ws.get(Stakeholder, "cfo") == stored

"""Removing a record from the store keeps its history: a tombstone revision, the external ids
released, a new record of that id going on after it -- on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from kamcore.errors import ConflictError, NotFoundError
from kamcore.model import Account, Stakeholder
from kamcore.store import Workspace

if TYPE_CHECKING:
    from conftest import Backend


@pytest.fixture
def ws(backend: Backend) -> Iterator[Workspace]:
    workspace = Workspace.open(backend.target, create=True)
    yield workspace
    workspace.close()


def _person(**fields: Any) -> Stakeholder:
    return Stakeholder(**{"id": "acme.helen", "account_id": "acme", "name": "Helen",
                          "external_ids": {"crm": "c-1"}, **fields})


@pytest.fixture
def helen(ws: Workspace) -> Stakeholder:
    ws.save(Account(id="acme", name="Acme"), by="dana")
    first = ws.save(_person(), by="dana")
    return ws.save(first.model_copy(update={"title": "CEO"}), by="lee")


def test_delete_leaves_the_current_table_and_keeps_every_revision(
        ws: Workspace, backend: Backend, helen: Stakeholder) -> None:
    removed = ws.delete(Stakeholder, "acme.helen", base_revision=2, by="kim")
    assert (removed.id, removed.revision, removed.title) == ("acme.helen", 2, "CEO")
    assert ws.find(Stakeholder, "acme.helen") is None
    assert list(ws.iter(Stakeholder)) == [] and ws.snapshot("acme").stakeholders == ()
    history = ws.history(Stakeholder, "acme.helen")
    assert [(h.revision, h.saved_by, h.removed) for h in history] == [
        (1, "dana", False), (2, "lee", False), (3, "kim", True)]
    assert ws.at_revision(Stakeholder, "acme.helen", 2).title == "CEO"
    with pytest.raises(NotFoundError, match="available: 1, 2"):
        ws.at_revision(Stakeholder, "acme.helen", 3)
    assert backend.rows("SELECT count(*) FROM revisions WHERE id = 'acme.helen'") == [(3,)]
    # its external id is free again
    assert backend.rows("SELECT count(*) FROM external_ids") == [(0,)]
    assert ws.find_by_external_id(Stakeholder, "crm", "c-1") is None


def test_delete_based_on_an_old_revision_conflicts_and_removes_nothing(
        ws: Workspace, backend: Backend, helen: Stakeholder) -> None:
    before = backend.dump()
    with pytest.raises(ConflictError, match=r"revision 1 refused, it is now at revision 2 "
                                            r"\(changed by lee at \d{4}-\d\d-\d\d ") as info:
        ws.delete(Stakeholder, "acme.helen", base_revision=1, by="kim")
    assert (info.value.changed_by, info.value.exit_code) == ("lee", 1)
    assert backend.dump() == before
    with pytest.raises(NotFoundError, match="no stakeholder named 'ghost'"):
        ws.delete(Stakeholder, "ghost")


def test_a_stale_save_of_a_removed_record_names_who_removed_it(
        ws: Workspace, helen: Stakeholder) -> None:
    ws.delete(Stakeholder, "acme.helen", by="kim")
    with pytest.raises(ConflictError, match=r"it does not exist \(removed by kim at "):
        ws.save(helen.model_copy(update={"title": "Chair"}), by="lee")


@pytest.mark.parametrize("how", ["save", "save_many"])
def test_a_record_created_again_goes_on_after_the_tombstone(
        ws: Workspace, helen: Stakeholder, how: str) -> None:
    ws.delete(Stakeholder, "acme.helen", by="kim")
    again = _person(title="Chair")
    if how == "save":
        stored = ws.save(again, base_revision=0, by="crm")
    else:
        [(stored, outcome)] = ws.save_many([again], by="crm")
        assert outcome == "created"
    assert stored.revision == 4 and ws.get(Stakeholder, "acme.helen").revision == 4
    assert [(h.revision, h.removed) for h in ws.history(Stakeholder, "acme.helen")] == [
        (1, False), (2, False), (3, True), (4, False)]
    assert ws.find_by_external_id(Stakeholder, "crm", "c-1") == stored
    assert ws.at_revision(Stakeholder, "acme.helen", 2).title == "CEO"
    # and it can be changed and removed again like any record
    ws.save(stored.model_copy(update={"title": "Board"}), by="crm")
    ws.delete(Stakeholder, "acme.helen", base_revision=5, by="kim")
    assert [h.removed for h in ws.history(Stakeholder, "acme.helen")][-1] is True


def test_a_delete_inside_a_failed_transaction_is_rolled_back(
        ws: Workspace, backend: Backend, helen: Stakeholder) -> None:
    before = backend.dump()
    with pytest.raises(RuntimeError), ws.transaction():
        ws.delete(Stakeholder, "acme.helen", by="kim")
        raise RuntimeError("later step failed")
    assert backend.dump() == before

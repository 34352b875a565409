"""The workspace: revisions, conflicts, transactions, external ids — on a real SQLite file and
on a real PostgreSQL server (``backend``: PostgreSQL when ``$KAM_TEST_POSTGRES_URL`` is set)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from kamcore import Account, HookEvents, Opportunity, Plan, Stakeholder, Workspace
from kamcore.errors import ConflictError, InvalidInputError, NotFoundError, WorkspaceError
from kamcore.model import MethodologyRef
from kamcore.store.tables import SCHEMA_VERSION

if TYPE_CHECKING:
    from conftest import Backend


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """An SQLite workspace file (for the tests about SQLite files)."""
    return tmp_path / "kam.db"


@pytest.fixture
def ws(backend: Backend, core_host: Any) -> Iterator[Workspace]:
    with Workspace.open(backend.target, create=True, listener=HookEvents(core_host)) as workspace:
        yield workspace


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _plan(**fields: Any) -> Plan:
    return Plan(**{"id": "p1", "account_id": "acme", "step": "analyse",
                   "methodology": MethodologyRef(name="kt-gated", version="1.0"), **fields})


def test_workspace_is_a_real_sqlite_file_in_wal_mode(db: Path, core_host: Any) -> None:
    with Workspace.open(db, create=True, listener=HookEvents(core_host)) as ws:
        assert db.is_file()
        assert ws.url == f"sqlite:///{db.resolve()}"
    assert _rows(db, "PRAGMA journal_mode") == [("wal",)]
    assert {"records", "revisions", "external_ids", "meta", "alembic_version", "users",
            "team_members", "tokens", "share_links", "login_failures", "derived"} == {
        name for (name,) in _rows(db, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert _rows(db, "SELECT value FROM meta WHERE key='schema_version'") == [
        (str(SCHEMA_VERSION),)]
    assert _rows(db, "SELECT version_num FROM alembic_version") == [(f"{SCHEMA_VERSION:04d}",)]


def test_sqlite_url_is_accepted(db: Path, core_host: Any) -> None:
    with Workspace.open(f"sqlite:///{db}", create=True,
                        listener=HookEvents(core_host)) as workspace:
        workspace.save(Account(id="acme", name="Acme"))
    with Workspace.open(db, listener=HookEvents(core_host)) as again:
        assert again.get(Account, "acme").name == "Acme"


def test_save_appends_revisions(ws: Workspace, backend: Backend) -> None:
    first = ws.save(Account(id="acme", name="Acme"), by="dana")
    assert first.revision == 1 and first.updated_by == "dana"
    assert first.created_at is not None and first.updated_at == first.created_at
    second = ws.save(first.model_copy(update={"name": "Acme Corp"}), by="lee")
    third = ws.save(second.model_copy(update={"tier": "key"}))
    assert (second.revision, third.revision) == (2, 3)
    assert third.created_at == first.created_at
    assert ws.get(Account, "acme") == third
    history = ws.history(Account, "acme")
    assert [(h.revision, h.saved_by) for h in history] == [(1, "dana"), (2, "lee"), (3, None)]
    assert ws.at_revision(Account, "acme", 1).name == "Acme"
    assert ws.at_revision(Account, "acme", 2).name == "Acme Corp"
    assert ws.at_revision(Account, "acme", 2).tier is None
    # one current row, every revision kept
    assert backend.rows("SELECT revision FROM records WHERE id='acme'") == [(3,)]
    assert backend.rows("SELECT revision FROM revisions WHERE id='acme' ORDER BY revision") == [
        (1,), (2,), (3,)]
    # created_at (schema version 2): the first revision's time, kept by later revisions
    assert backend.rows("SELECT created_at FROM records WHERE id='acme'") == [
        (first.created_at.isoformat(),)]
    with pytest.raises(NotFoundError, match="1, 2, 3"):
        ws.at_revision(Account, "acme", 9)
    with pytest.raises(NotFoundError):
        ws.history(Account, "nobody")


def test_reading_a_stream_inside_a_transaction_leaves_its_writes_alone(
        ws: Workspace, backend: Backend) -> None:
    # a streamed read once switched the transaction's connection to server-side cursors, and
    # PostgreSQL then refused the next INSERT (kam stakeholder add --reports-to failed there)
    with ws.transaction():
        ws.save(Account(id="acme", name="Acme"))
        assert [a.id for a in ws.iter(Account)] == ["acme"]
        assert [s.account.id for s in ws.snapshots()] == ["acme"]
        ws.save(Account(id="beta", name="Beta"))
    assert [a.id for a in ws.iter(Account)] == ["acme", "beta"]


def test_stale_save_from_a_second_handle_conflicts(ws: Workspace, backend: Backend,
                                                   core_host: Any) -> None:
    ws.save(Account(id="acme", name="Acme"))
    with Workspace.open(backend.target, listener=HookEvents(core_host)) as other:
        mine = ws.get(Account, "acme")
        theirs = other.get(Account, "acme")
        saved = other.save(theirs.model_copy(update={"name": "Theirs"}))
        assert saved.revision == 2
        with pytest.raises(ConflictError) as info:
            ws.save(mine.model_copy(update={"name": "Mine", "tier": "key"}))
        error = info.value
        assert (error.base_revision, error.current_revision) == (1, 2)
        assert "revision 1" in str(error) and "now at revision 2" in str(error)
    stored = ws.get(Account, "acme")
    assert stored.revision == 2 and stored.name == "Theirs" and stored.tier is None
    assert [h.revision for h in ws.history(Account, "acme")] == [1, 2]
    assert backend.rows("SELECT count(*) FROM revisions") == [(2,)]


def test_explicit_base_revision(ws: Workspace) -> None:
    saved = ws.save(Account(id="acme", name="Acme"))
    saved = ws.save(saved.model_copy(update={"name": "B"}))
    with pytest.raises(ConflictError):
        ws.save(saved.model_copy(update={"name": "C"}), base_revision=1)
    assert ws.save(saved.model_copy(update={"name": "C"}), base_revision=2).revision == 3


def test_creating_an_existing_id_conflicts(ws: Workspace) -> None:
    ws.save(Account(id="acme", name="Acme"))
    with pytest.raises(ConflictError, match="already exists at revision 1"):
        ws.save(Account(id="acme", name="Impostor"))
    with pytest.raises(ConflictError):
        ws.save(Account(id="acme", name="Impostor", revision=5), base_revision=0)
    assert ws.get(Account, "acme").name == "Acme"
    # the same id in another kind is another record
    ws.save(Stakeholder(id="acme", account_id="acme", name="Ann"))


def test_updating_a_missing_record_conflicts(ws: Workspace) -> None:
    with pytest.raises(ConflictError, match="does not exist"):
        ws.save(Account(id="ghost", name="Ghost", revision=3))
    assert ws.find(Account, "ghost") is None


def test_a_transaction_that_raises_writes_nothing(ws: Workspace, backend: Backend) -> None:
    ws.save(Account(id="acme", name="Acme"))
    with pytest.raises(RuntimeError, match="boom"), ws.transaction():
        current = ws.get(Account, "acme")
        ws.save(current.model_copy(update={"name": "Changed"}))
        ws.save(Account(id="globex", name="Globex"))
        assert ws.get(Account, "globex").revision == 1  # visible inside the transaction
        raise RuntimeError("boom")
    assert ws.get(Account, "acme").name == "Acme"
    assert ws.find(Account, "globex") is None
    assert backend.rows("SELECT count(*) FROM revisions") == [(1,)]
    assert ws.count(Account) == 1


def test_a_conflict_inside_a_transaction_rolls_back_earlier_saves(ws: Workspace) -> None:
    ws.save(Account(id="acme", name="Acme"))
    with pytest.raises(ConflictError), ws.transaction():
        ws.save(Account(id="globex", name="Globex"))
        ws.save(Account(id="acme", name="Again"))  # base 0 but it exists
    assert ws.ids(Account) == ["acme"]


def test_transaction_commits_together(ws: Workspace, backend: Backend) -> None:
    with ws.transaction():
        ws.save(Account(id="a1", name="One"))
        with ws.transaction():  # nested blocks join the outer one
            ws.save(Account(id="a2", name="Two"))
        assert backend.rows("SELECT count(*) FROM records") == [(0,)]  # not committed yet
    assert backend.rows("SELECT count(*) FROM records") == [(2,)]


def test_a_conflict_caught_inside_a_transaction_leaves_it_usable(ws: Workspace) -> None:
    """PostgreSQL refuses every statement after a failed one in a transaction: a refused
    save must not leave the transaction in that state (the same as on SQLite)."""
    ws.save(Account(id="acme", name="Acme", external_ids={"salesforce": "001A"}))
    with ws.transaction():
        with pytest.raises(ConflictError):
            ws.save(Account(id="acme", name="Again"))
        with pytest.raises(InvalidInputError):
            ws.save(Account(id="globex", name="Globex", external_ids={"salesforce": "001A"}))
        ws.save(Account(id="initech", name="Initech"))
    assert ws.ids(Account) == ["acme", "initech"]
    assert [h.revision for h in ws.history(Account, "acme")] == [1]


def test_external_ids_index_and_clash(ws: Workspace) -> None:
    ws.save(Account(id="acme", name="Acme", external_ids={"salesforce": "001A", "hubspot": "9"}))
    assert ws.find_by_external_id(Account, "salesforce", "001A").id == "acme"
    assert ws.find_by_external_id(Account, "hubspot", "9").id == "acme"
    assert ws.find_by_external_id(Account, "salesforce", "nope") is None
    assert ws.find_by_external_id(Stakeholder, "salesforce", "001A") is None  # per kind

    with pytest.raises(InvalidInputError) as info:
        ws.save(Account(id="globex", name="Globex", external_ids={"salesforce": "001A"}))
    assert "salesforce id '001A' already belongs to account 'acme'" in str(info.value)
    assert ws.find(Account, "globex") is None  # nothing written

    # changing a record's external id moves the index entry
    acme = ws.get(Account, "acme")
    ws.save(acme.model_copy(update={"external_ids": {"salesforce": "001B"}}))
    assert ws.find_by_external_id(Account, "salesforce", "001A") is None
    assert ws.find_by_external_id(Account, "salesforce", "001B").id == "acme"
    assert ws.find_by_external_id(Account, "hubspot", "9") is None
    ws.save(Account(id="globex", name="Globex", external_ids={"salesforce": "001A"}))
    assert ws.find_by_external_id(Account, "salesforce", "001A").id == "globex"


def test_iter_streams_by_account_in_id_order(ws: Workspace) -> None:
    with ws.transaction():
        for account in ("acme", "globex"):
            ws.save(Account(id=account, name=account.title()))
        for index in (3, 1, 2):
            ws.save(Stakeholder(id=f"acme.s{index}", account_id="acme", name=f"A{index}"))
        ws.save(Stakeholder(id="globex.s1", account_id="globex", name="G1"))
        ws.save(Opportunity(id="acme.o1", account_id="acme", name="Deal"))
    stream = ws.iter(Stakeholder, account_id="acme")
    assert next(stream).id == "acme.s1"  # a generator: records arrive one by one
    assert [s.id for s in stream] == ["acme.s2", "acme.s3"]
    assert [s.id for s in ws.iter(Stakeholder)] == ["acme.s1", "acme.s2", "acme.s3",
                                                    "globex.s1"]
    assert [s.id for s in ws.iter(Stakeholder, account_id="nobody")] == []
    assert ws.count(Stakeholder) == 4 and ws.count(Opportunity) == 1
    snapshot = ws.snapshot("acme")
    assert [s.id for s in snapshot.stakeholders] == ["acme.s1", "acme.s2", "acme.s3"]
    assert [o.id for o in snapshot.opportunities] == ["acme.o1"]
    assert [a.id for a in ws.iter(Account, account_id="globex")] == ["globex"]


def test_iter_streams_many_records(ws: Workspace) -> None:
    with ws.transaction():
        ws.save(Account(id="big", name="Big"))
        for index in range(520):
            ws.save(Stakeholder(id=f"big.s{index:05d}", account_id="big", name=f"S{index}"))
    ids = [s.id for s in ws.iter(Stakeholder, account_id="big")]
    assert len(ids) == 520 and ids == sorted(ids)  # more than one fetch batch (500)


def test_snapshots_stream_the_same_snapshots_in_account_order(ws: Workspace) -> None:
    # ids chosen so that byte order, case and punctuation matter (ids are ASCII); one account
    # has more stakeholders than a fetch batch; "ghost" and "aaa" records have no account
    accounts = ["Zeta", "alpha", "b-1", "b.1", "b1", "b:1", "B_2", "empty"]
    with ws.transaction():
        for name in accounts:
            ws.save(Account(id=name, name=name.title()))
        for index in range(510):
            ws.save(Stakeholder(id=f"alpha.s{index:04d}", account_id="alpha", name=f"S{index}"))
        for name in ("Zeta", "b-1", "b1", "b:1", "B_2"):
            ws.save(Stakeholder(id=f"{name}.s1", account_id=name, name="One"))
            ws.save(Opportunity(id=f"{name}.o1", account_id=name, name="Deal"))
            ws.save(_plan(id=f"{name}.plan", account_id=name))
        ws.save(Stakeholder(id="ghost.s1", account_id="ghost", name="Nobody's"))
        ws.save(Stakeholder(id="aaa.s1", account_id="aaa", name="Before everyone"))
    streamed = list(ws.snapshots())
    assert [s.account.id for s in streamed] == ws.ids(Account) == sorted(accounts)
    assert streamed == [ws.snapshot(account_id) for account_id in ws.ids(Account)]
    by_id = {s.account.id: s for s in streamed}
    assert len(by_id["alpha"].stakeholders) == 510
    assert [p.id for p in by_id["b1"].plans] == ["b1.plan"]
    assert by_id["empty"].stakeholders == () and by_id["empty"].plans == ()
    assert all(s.account_id == snapshot.account.id
               for snapshot in streamed for s in snapshot.stakeholders)


def test_get_unknown_lists_existing(ws: Workspace) -> None:
    ws.save(Account(id="acme", name="Acme"))
    with pytest.raises(NotFoundError, match="no account named 'nope'; available: acme"):
        ws.get(Account, "nope")


def test_plan_saved_event_reaches_plugins(backend: Backend, core_host: Any) -> None:
    from kamcore import hookimpl
    from kamcore.plugin.host import PluginInfo

    seen: list[tuple[int, int | None]] = []

    class Listener:
        @hookimpl
        def kam_plan_saved(self, plan, previous):  # type: ignore[no-untyped-def]
            seen.append((plan.revision, previous.revision if previous else None))

    core_host.register(Listener(), PluginInfo(name="listener", builtin=False))
    with Workspace.open(backend.target, create=True, listener=HookEvents(core_host)) as ws:
        ws.save(Account(id="acme", name="Acme"))
        plan = ws.save(_plan())
        ws.save(plan.model_copy(update={"period": "FY27"}))
        with pytest.raises(RuntimeError), ws.transaction():
            ws.save(ws.get(Plan, "p1").model_copy(update={"period": "FY28"}))
            raise RuntimeError("rolled back")
    assert seen == [(1, None), (2, 1)]  # nothing for the rolled-back save


# -- opening --------------------------------------------------------------------------------------


def test_opening_a_missing_file_without_create_fails(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    with pytest.raises(WorkspaceError, match=r"no workspace at .*nope\.db.*kam init"):
        Workspace.open(missing)
    assert not missing.exists()


def test_create_makes_parent_folders_and_is_idempotent(tmp_path: Path, core_host: Any) -> None:
    target = tmp_path / "a" / "b" / "kam.db"
    with Workspace.open(target, create=True, listener=HookEvents(core_host)) as ws:
        ws.save(Account(id="acme", name="Acme"))
    with Workspace.open(target, create=True, listener=HookEvents(core_host)) as ws:
        assert ws.ids(Account) == ["acme"]
        assert _rows(target, "SELECT count(*) FROM meta") == [(1,)]


def test_a_file_that_is_not_a_workspace_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello, I am not a database\n" * 100)
    before = text.read_bytes()
    with pytest.raises(WorkspaceError, match="not a database"):
        Workspace.open(text)
    with pytest.raises(WorkspaceError):
        Workspace.open(text, create=True)
    assert text.read_bytes() == before

    other = tmp_path / "other-app.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (a)")
    with pytest.raises(WorkspaceError, match="not a kamcore workspace"):
        Workspace.open(other)
    assert _rows(other, "SELECT name FROM sqlite_master") == [("things",)]


def test_refusing_a_foreign_database_leaves_its_journal_mode(tmp_path: Path) -> None:
    other = tmp_path / "other-app.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (a)")
    with pytest.raises(WorkspaceError):
        Workspace.open(other)
    with pytest.raises(WorkspaceError, match="not a kamcore workspace"):
        Workspace.open(other, create=True)  # kam init never adds tables to another app's file
    assert _rows(other, "PRAGMA journal_mode") == [("delete",)]
    assert _rows(other, "SELECT name FROM sqlite_master") == [("things",)]


def test_a_newer_schema_version_is_refused(backend: Backend, core_host: Any) -> None:
    Workspace.open(backend.target, create=True, listener=HookEvents(core_host)).close()
    newer = SCHEMA_VERSION + 1
    backend.execute(f"UPDATE meta SET value='{newer}' WHERE key='schema_version'")
    before = backend.dump()
    with pytest.raises(WorkspaceError, match=rf"schema version {newer}: it was created by a "
                                             r"newer kamcore .*; upgrade kamcore"):
        Workspace.open(backend.target)
    with pytest.raises(WorkspaceError):
        Workspace.open(backend.target, create=True)  # create never downgrades
    assert backend.dump() == before
    assert backend.rows("SELECT value FROM meta") == [(str(newer),)]


def test_an_older_schema_version_asks_for_kam_migrate(backend: Backend, core_host: Any) -> None:
    Workspace.open(backend.target, create=True, listener=HookEvents(core_host)).close()
    backend.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    before = backend.dump()
    for create in (False, True):
        with pytest.raises(WorkspaceError, match=r"schema version 1, older than this kamcore's "
                                                 rf"\({SCHEMA_VERSION}\); run `kam migrate`"):
            Workspace.open(backend.target, create=create)
    assert backend.dump() == before


def test_a_database_that_is_not_a_workspace_is_refused(backend: Backend) -> None:
    backend.execute("CREATE TABLE things (a INTEGER)")
    with pytest.raises(WorkspaceError, match="not a kamcore workspace"):
        Workspace.open(backend.target)
    with pytest.raises(WorkspaceError, match="not a kamcore workspace"):
        Workspace.open(backend.target, create=True)
    assert backend.rows("SELECT count(*) FROM things") == [(0,)]


def test_unknown_database_url_is_a_workspace_error() -> None:
    with pytest.raises(WorkspaceError):
        Workspace.open("nosuchdialect://host/db")

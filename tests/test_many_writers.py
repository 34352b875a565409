"""Many writers on one workspace, in real processes, on SQLite and on PostgreSQL.

* N processes x M saves leave exactly N x M new revisions; a record they all update, each
  change built on the last one read (retrying on ConflictError), keeps every change.
* Two writers from the same base revision: exactly one ConflictError, no lost update.
* A process killed (SIGKILL) in the middle of an import leaves the workspace exactly as it
  was: no partial rows, and it still opens and accepts saves.
* Processes creating the same workspace at once make one workspace.

The children are forked (no re-import) and open their own ``Workspace``; the parent closes
its own before forking so that no connection is shared.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

import pytest

from kamcore import Account, Stakeholder, Workspace
from kamcore.errors import ConflictError
from kamcore.importing import import_records

if TYPE_CHECKING:
    from conftest import Backend

PROCESSES = 4
SAVES = 50  # per process: half on its own record, half on the shared one
TIMEOUT = 120

fork = multiprocessing.get_context("fork")


def _run(processes: list[Any]) -> None:
    for process in processes:
        process.start()


def _join(processes: list[Any]) -> None:
    deadline = time.monotonic() + TIMEOUT
    for process in processes:
        process.join(max(0.1, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():  # pragma: no cover - diagnostic
            process.kill()
            pytest.fail(f"{process.name} did not finish in {TIMEOUT}s")
    assert [p.exitcode for p in processes] == [0] * len(processes)


# -- N processes x M saves ---------------------------------------------------------------------


def _writer(target: Any, number: int, saves: int, start: Any, results: Any) -> None:
    me = f"writer-{number}"
    shared_saves = conflicts = 0
    with Workspace.open(target) as ws:
        start.wait(TIMEOUT)
        own: Account | None = None
        for index in range(saves):
            if index % 2 == 0:  # its own record: created, then updated
                if own is None:
                    own = ws.save(Account(id=me, name=me, attributes={"step": index}), by=me)
                else:
                    own = ws.save(own.model_copy(update={"attributes": {"step": index}}), by=me)
                continue
            while True:  # the shared record: read, change, save; again if someone was first
                current = ws.get(Account, "shared")
                counter = current.attributes["counter"] + 1
                try:
                    ws.save(current.model_copy(
                        update={"attributes": {"counter": counter, "by": me}}), by=me)
                except ConflictError:
                    conflicts += 1
                    continue
                shared_saves += 1
                break
    results.put((number, shared_saves, conflicts))


def test_processes_saving_at_once_lose_no_revision(backend: Backend) -> None:
    with Workspace.open(backend.target, create=True) as ws:
        ws.save(Account(id="shared", name="Shared", attributes={"counter": 0}))
    (before,) = backend.rows("SELECT count(*) FROM revisions")[0]

    start, results = fork.Event(), fork.Queue()
    processes = [fork.Process(target=_writer, args=(backend.target, n, SAVES, start, results),
                              name=f"writer-{n}") for n in range(PROCESSES)]
    _run(processes)
    start.set()
    _join(processes)
    outcome = {number: (shared, conflicts)
               for number, shared, conflicts in (results.get(timeout=10) for _ in processes)}

    (after,) = backend.rows("SELECT count(*) FROM revisions")[0]
    assert after - before == PROCESSES * SAVES == 200
    shared_saves = sum(shared for shared, _ in outcome.values())
    assert shared_saves == PROCESSES * SAVES // 2
    with Workspace.open(backend.target) as ws:
        # the shared record: one revision per successful save, each built on the one before
        shared = ws.get(Account, "shared")
        assert shared.revision == 1 + shared_saves
        assert shared.attributes["counter"] == shared_saves  # no increment lost
        history = ws.history(Account, "shared")
        assert [h.revision for h in history] == list(range(1, shared_saves + 2))
        for info in history[1:]:
            assert ws.at_revision(Account, "shared", info.revision).attributes["counter"] == (
                info.revision - 1)
        for number, (saved, _) in outcome.items():
            assert sum(h.saved_by == f"writer-{number}" for h in history) == saved
            own = ws.get(Account, f"writer-{number}")
            assert own.revision == SAVES // 2
            assert own.attributes["step"] == SAVES - 2
            assert [h.revision for h in ws.history(Account, own.id)] == list(
                range(1, SAVES // 2 + 1))
    assert backend.rows("SELECT count(*) FROM records") == [(1 + PROCESSES,)]


# -- two writers, one base ---------------------------------------------------------------------


ROUNDS = 8


def _racer(target: Any, name: str, rounds: int, barrier: Any, results: Any) -> None:
    with Workspace.open(target) as ws:
        for round_ in range(rounds):
            base = ws.get(Account, "acme")
            barrier.wait(TIMEOUT)  # both now hold the same base revision
            try:
                saved = ws.save(base.model_copy(update={"name": f"{name} {round_}"}), by=name)
            except ConflictError as exc:
                results.put((round_, name, "conflict", exc.base_revision,
                             exc.current_revision))
            else:
                results.put((round_, name, "saved", base.revision, saved.revision))
            barrier.wait(TIMEOUT)  # both are done before the next round reads


def test_two_writers_from_one_base_give_exactly_one_conflict(backend: Backend) -> None:
    with Workspace.open(backend.target, create=True) as ws:
        ws.save(Account(id="acme", name="Acme"))
    barrier, results = fork.Barrier(2), fork.Queue()
    processes = [fork.Process(target=_racer, args=(backend.target, name, ROUNDS, barrier,
                                                   results), name=name)
                 for name in ("ann", "bob")]
    _run(processes)
    _join(processes)
    outcomes = sorted(results.get(timeout=10) for _ in range(2 * ROUNDS))

    winners = []
    for round_ in range(ROUNDS):
        pair = [o for o in outcomes if o[0] == round_]
        assert sorted(o[2] for o in pair) == ["conflict", "saved"], pair
        saved = next(o for o in pair if o[2] == "saved")
        conflict = next(o for o in pair if o[2] == "conflict")
        base = round_ + 1
        assert saved[3:] == (base, base + 1)
        assert conflict[3:] == (base, base + 1)  # refused: the record moved on under it
        winners.append(saved[1])
    with Workspace.open(backend.target) as ws:
        final = ws.get(Account, "acme")
        assert final.revision == ROUNDS + 1
        assert final.name == f"{winners[-1]} {ROUNDS - 1}"  # the last winner's change is kept
        history = ws.history(Account, "acme")
        assert [h.saved_by for h in history] == [None, *winners]  # one revision per winner
        for round_, winner in enumerate(winners):
            assert ws.at_revision(Account, "acme", round_ + 2).name == f"{winner} {round_}"
    assert backend.rows("SELECT count(*) FROM revisions") == [(ROUNDS + 1,)]


# -- a killed import ---------------------------------------------------------------------------

KILL_AFTER = 30


def _import_records(count: int, progress: Connection | None) -> Iterator[Any]:
    """Changes to the 10 existing accounts (name, a new external id), then new stakeholders;
    after ``KILL_AFTER`` records have been saved it says so and waits to be killed."""
    for index in range(count):
        if index == KILL_AFTER and progress is not None:
            progress.send(index)
            time.sleep(TIMEOUT)
        if index < 10:
            yield Account(id=f"acct-{index}", name=f"Account {index} (renamed)",
                          external_ids={"crm": f"A{index}", "erp": f"E{index}"})
        else:
            yield Stakeholder(id=f"acct-{index % 10}.s{index}", account_id=f"acct-{index % 10}",
                              name=f"Person {index}", external_ids={"crm": f"S{index}"})


def _importer(target: Any, progress: Connection) -> None:
    with Workspace.open(target) as ws:
        import_records(ws, _import_records(60, progress), by="killed import")


def test_a_killed_import_leaves_the_workspace_as_it_was(backend: Backend) -> None:
    with Workspace.open(backend.target, create=True) as ws:
        import_records(ws, [Account(id=f"acct-{n}", name=f"Account {n}",
                                    external_ids={"crm": f"A{n}"}) for n in range(10)],
                       by="setup")
        ws.save(ws.get(Account, "acct-0").model_copy(update={"tier": "key"}))
    before = backend.dump()
    assert len(before["records"]) == 10 and len(before["revisions"]) == 11

    parent_end, child_end = fork.Pipe()
    child = fork.Process(target=_importer, args=(backend.target, child_end), name="importer")
    child.start()
    try:
        assert parent_end.poll(TIMEOUT), "the import never got going"
        assert parent_end.recv() == KILL_AFTER  # 30 records saved, not committed
        assert backend.dump() == before  # nothing visible to others meanwhile
    finally:
        os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
        child.join(TIMEOUT)
    assert child.exitcode == -signal.SIGKILL

    assert backend.dump() == before  # no partial rows: records, revisions, external ids
    if backend.sqlite:
        assert backend.rows("PRAGMA integrity_check") == [("ok",)]
    with Workspace.open(backend.target) as ws:
        acct = ws.get(Account, "acct-0")
        assert acct.revision == 2 and acct.name == "Account 0"
        ws.save(acct.model_copy(update={"name": "Still works"}))  # rows it had changed
        ws.save(Account(id="new", name="New"))
        summary = import_records(ws, _import_records(60, None), by="second import")
        assert (summary.total("created"), summary.total("updated")) == (50, 10)
        assert ws.count(Stakeholder) == 50
        assert ws.find_by_external_id(Account, "erp", "E3").id == "acct-3"
    assert len(backend.rows("SELECT * FROM revisions")) == 11 + 2 + 60


# -- creating one workspace at once -----------------------------------------------------------


def _creator(target: Any, start: Any) -> None:
    start.wait(TIMEOUT)
    with Workspace.open(target, create=True) as ws:
        ws.save(Account(id=f"by-{os.getpid()}", name="Creator"))


def test_processes_creating_one_workspace_at_once_make_one(backend: Backend) -> None:
    start = fork.Event()
    processes = [fork.Process(target=_creator, args=(backend.target, start)) for _ in range(3)]
    _run(processes)
    start.set()
    _join(processes)
    assert backend.rows("SELECT count(*) FROM meta") == [(1,)]
    assert backend.rows("SELECT count(*) FROM alembic_version") == [(1,)]
    assert backend.rows("SELECT count(*) FROM records") == [(3,)]


"""Schema migrations (Alembic inside the package) and ``kam migrate``, on SQLite and PostgreSQL.

A workspace at schema version 1 is built two ways: from ``fixtures/workspace_v1.sql`` (an SQLite
workspace written by kamcore 0.1.0, before Alembic: no ``alembic_version``), and by running
only migration 0001 and then writing that workspace's rows. ``kam migrate`` must bring either
to the newest schema keeping every record and revision, be idempotent, refuse newer
workspaces untouched, and change nothing when it fails.
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa

from kamcore import Account, Workspace
from kamcore.model import Opportunity, Plan, Relationship, Review, ScoreCard, Stakeholder
from kamcore.store import migrate as migrations
from kamcore.store import tables
from kamcore.store.engine import make_engine, workspace_url
from kamcore.store.writing import TOMBSTONE

if TYPE_CHECKING:
    from collections.abc import Callable

    from conftest import Backend, KamRunner

    NewBackend = Callable[..., Backend]
    Row = tuple[tuple[str, Any], ...]

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "workspace_v1.sql"
KINDS = (Account, Stakeholder, Relationship, Opportunity, Plan, Review, ScoreCard)
V1_TABLES = {
    "records": ("kind", "id", "account_id", "revision", "data", "updated_at", "updated_by"),
    "revisions": ("kind", "id", "revision", "data", "saved_at", "saved_by"),
    "external_ids": ("kind", "system", "external_id", "record_id"),
}


def _fixture_rows(tmp_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of the kamcore 0.1 workspace in the fixture."""
    db = tmp_path / "fixture-v1.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(FIXTURE.read_text(encoding="utf-8"))
        return {table: conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
                for table, columns in V1_TABLES.items()}


def _run_migrations(backend: Backend, action: Any, *args: str) -> None:
    """Run ``action(conn, *args)`` (upgrade/downgrade) in one write transaction."""
    engine = make_engine(workspace_url(backend.target), create=True)
    try:
        with engine.connect().execution_options(kam_write=True) as conn, conn.begin():
            action(conn, *args)
    finally:
        engine.dispose()


def _v1_workspace(backend: Backend, how: str, tmp_path: Path) -> None:
    """A schema-version-1 workspace holding the fixture's records, built ``how``."""
    if how == "kamcore-0.1-file":
        assert backend.sqlite
        with sqlite3.connect(backend.target) as conn:
            conn.executescript(FIXTURE.read_text(encoding="utf-8"))
        return
    _run_migrations(backend, migrations.upgrade, "0001")  # only the first migration
    engine = make_engine(workspace_url(backend.target))
    try:
        with engine.begin() as conn:
            for table, rows in _fixture_rows(tmp_path).items():
                columns = V1_TABLES[table]
                conn.execute(sa.table(table, *map(sa.column, columns)).insert(),
                             [dict(zip(columns, row, strict=True)) for row in rows])
    finally:
        engine.dispose()


def _assert_kept(before: dict[str, list[Row]], backend: Backend) -> None:
    """Every record, revision and external id of ``before`` (v1) is there, unchanged: the
    heads (without the copy of their data that v1 kept), every revision row, and every
    record reads back identical to the copy v1 held of it."""
    after = backend.dump()
    def heads(rows: list[Row], leave_out: str) -> dict[tuple[str, str], dict[str, Any]]:
        return {(row["kind"], row["id"]): {k: v for k, v in row.items() if k != leave_out}
                for row in map(dict, rows)}

    assert heads(after["records"], "created_at") == heads(before["records"], "data")

    def keys(rows: list[Row]) -> list[tuple[Any, ...]]:
        return sorted((row["kind"], row["id"], row["revision"], row["data"] == TOMBSTONE)
                      for row in map(dict, rows))

    assert keys(after["revisions"]) == keys(before["revisions"])
    assert after["external_ids"] == before["external_ids"]
    assert after["meta"] == [(("key", "schema_version"), ("value", str(tables.SCHEMA_VERSION)))]
    classes = {cls.kind: cls for cls in KINDS}
    with Workspace.open(backend.target) as ws:
        for row in map(dict, before["revisions"]):  # every version of every record
            if row["data"] != TOMBSTONE:
                cls = classes[row["kind"]]
                assert ws.at_revision(cls, row["id"], row["revision"]) == \
                    cls.model_validate_json(row["data"]), (row["kind"], row["id"])
        for row in map(dict, before["records"]):
            cls = classes[row["kind"]]
            assert ws.get(cls, row["id"]) == cls.model_validate_json(row["data"])
            assert ws.at_revision(cls, row["id"], row["revision"]) == ws.get(cls, row["id"])


# -- the migration scripts ---------------------------------------------------------------------


def test_the_newest_migration_is_this_kamcores_schema_version() -> None:
    script = migrations.script_directory()
    chain = [s.revision for s in reversed(list(script.walk_revisions()))]
    assert chain == [migrations.revision_for(n) for n in range(1, tables.SCHEMA_VERSION + 1)]
    assert migrations.head_version() == tables.SCHEMA_VERSION
    for revision in chain:  # files are named by their revision
        path = Path(script.get_revision(revision).path)
        assert path.name.startswith(f"{revision}_") and path.parent.name == "versions"


def test_the_migrations_build_the_schema_that_create_builds(
        backend: Backend, new_backend: NewBackend) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    _run_migrations(backend, migrations.upgrade, "head")
    engine = make_engine(workspace_url(backend.target))
    try:
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), tables.metadata) == []
            migrated = _describe(conn)
    finally:
        engine.dispose()
    created = new_backend(backend.name, "created.db")
    Workspace.open(created.target, create=True).close()
    engine = make_engine(workspace_url(created.target))
    try:
        with engine.connect() as conn:
            assert _describe(conn) == migrated
    finally:
        engine.dispose()
    assert created.dump()["meta"] == backend.dump()["meta"]
    assert created.rows("SELECT * FROM alembic_version") == backend.rows(
        "SELECT * FROM alembic_version") == [(migrations.revision_for(tables.SCHEMA_VERSION),)]


def _describe(conn: sa.Connection) -> dict[str, Any]:
    """Tables, columns (type, null, collation), keys and indexes as the database reports;
    on SQLite, also the tables stored without rowids."""
    inspector = sa.inspect(conn)
    described: dict[str, Any] = {
        table: (
            [(c["name"], str(c["type"]), c["nullable"], getattr(c["type"], "collation", None))
             for c in inspector.get_columns(table)],
            inspector.get_pk_constraint(table)["constrained_columns"],
            sorted((i["name"], tuple(i["column_names"])) for i in inspector.get_indexes(table)),
        )
        for table in sorted(inspector.get_table_names())
    }
    if conn.dialect.name == "sqlite":
        described["without rowid"] = sorted(conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND sql LIKE '%WITHOUT ROWID%'").scalars())
        assert described["without rowid"] == ["external_ids", "records", "revisions"]
    return described


def test_migration_0001_is_the_schema_kamcore_0_1_made(tmp_path: Path,
                                                      new_backend: NewBackend) -> None:
    """The SQLite tables and indexes 0001 creates are those of a kamcore 0.1 workspace."""
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as conn:
        conn.executescript(FIXTURE.read_text(encoding="utf-8"))
    new = new_backend("sqlite", "new.db")
    _run_migrations(new, migrations.upgrade, "0001")

    def schema(db: Path) -> list[tuple[str, str, str]]:
        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                                "AND name != 'alembic_version'").fetchall()
        return sorted((kind, name, " ".join(sql.split())) for kind, name, sql in rows)

    assert schema(old) == schema(new.target)
    assert new.rows("SELECT * FROM meta") == [("schema_version", "1")]
    assert new.rows("SELECT * FROM alembic_version") == [("0001",)]


# -- kam migrate -------------------------------------------------------------------------------

V1_CASES = [
    pytest.param("sqlite", "kamcore-0.1-file", id="sqlite-kamcore-0.1-file"),
    pytest.param("sqlite", "migration-0001", id="sqlite-migration-0001"),
    pytest.param("postgresql", "migration-0001", id="postgresql-migration-0001",
                 marks=pytest.mark.postgresql),
]


@pytest.mark.parametrize(("backend_name", "how"), V1_CASES)
def test_kam_migrate_upgrades_an_old_workspace_keeping_every_record(
        backend_name: str, how: str, tmp_path: Path, new_backend: NewBackend,
        kam_run: KamRunner) -> None:
    backend = new_backend(backend_name)
    _v1_workspace(backend, how, tmp_path)
    before = backend.dump()
    assert len(before["records"]) == 59 and len(before["revisions"]) == 86
    assert len(before["external_ids"]) == 7
    workspace = ["--workspace", str(backend.target)]

    # used as it is: refused with a clear message, nothing touched
    result = kam_run(*workspace, "account", "list")
    result.assert_usage_error("schema version 1, older than this kamcore's", "run `kam migrate`")
    assert backend.dump() == before

    result = kam_run(*workspace, "migrate")
    assert result.code == 0, result
    assert f"schema version 1 -> {tables.SCHEMA_VERSION}" in result.out
    assert "  0002: records.created_at: when each record was created" in result.out
    assert "  0004: One copy of each version: records keeps each record's head" in result.out
    assert "kam:kam@" not in result.out  # the password is not printed
    _assert_kept(before, backend)
    # 0002 filled created_at from each record's first revision = the record's own created_at
    with Workspace.open(backend.target) as ws:
        created = dict(((kind, key), value) for kind, key, value in backend.rows(
            "SELECT kind, id, created_at FROM records"))
        for cls in KINDS:
            for record in ws.iter(cls):
                first = ws.history(cls, record.id)[0]
                assert created[(cls.kind, record.id)] == first.saved_at
                assert record.created_at is not None
                assert created[(cls.kind, record.id)] == record.created_at.isoformat()
        assert sum(ws.count(cls) for cls in KINDS) == 59
        # every revision still reads as a record
        for kind, key, revision in backend.rows("SELECT kind, id, revision FROM revisions"):
            cls = next(c for c in KINDS if c.kind == kind)
            assert ws.at_revision(cls, key, revision).revision == revision
        atlas = ws.get(Account, "atlas")
        assert atlas.name == "Atlas Financial Group (EMEA)" and atlas.revision == 3
        assert ws.find_by_external_id(Account, "hubspot", "hs-1001") == atlas
        assert [h.saved_by for h in ws.history(Account, "atlas")] == ["kam demo", "lee", "dana"]
        # and it works: a new revision of an old record, a new record
        ws.save(atlas.model_copy(update={"tier": "strategic"}), by="migrated")
        new = ws.save(Account(id="after-migration", name="New"))
    assert backend.rows("SELECT created_at FROM records WHERE id = 'after-migration'") == [
        (new.created_at.isoformat(),)]

    again = kam_run(*workspace, "migrate", "--json")  # idempotent
    assert again.code == 0, again
    assert again.json() == {"workspace": again.json()["workspace"],
                            "from_version": tables.SCHEMA_VERSION,
                            "to_version": tables.SCHEMA_VERSION, "migrated": False,
                            "steps": []}
    assert kam_run(*workspace, "account", "show", "atlas").code == 0


def test_the_kam_script_migrates_a_kamcore_0_1_file(kam: KamRunner, tmp_path: Path) -> None:
    """The installed console script on the kamcore 0.1 file (the other tests run ``kam``
    in-process)."""
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(FIXTURE.read_text(encoding="utf-8"))
    done = kam("--workspace", str(db), "migrate", "--json")
    assert done.code == 0, done
    assert done.json() == {"workspace": f"sqlite:///{db.resolve()}", "from_version": 1,
                           "to_version": tables.SCHEMA_VERSION, "migrated": True,
                           "steps": list(migrations.steps_between(1, tables.SCHEMA_VERSION))}
    assert len(done.json()["steps"]) == tables.SCHEMA_VERSION - 1
    assert migrations.migrate_workspace(db) == migrations.MigrationReport(
        f"sqlite:///{db.resolve()}", tables.SCHEMA_VERSION, tables.SCHEMA_VERSION)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchall() == [("wal",)]
        assert conn.execute("SELECT * FROM alembic_version").fetchall() == [
            (migrations.revision_for(tables.SCHEMA_VERSION),)]


def test_a_new_workspace_needs_no_migration(backend: Backend, kam_run: KamRunner) -> None:
    Workspace.open(backend.target, create=True).close()
    result = kam_run("--workspace", str(backend.target), "migrate")
    assert result.code == 0, result
    version = tables.SCHEMA_VERSION
    assert result.out.endswith(f" is already at schema version {version} ({version} -> "
                               f"{version}); nothing to do\n")


def test_kam_migrate_refuses_a_newer_workspace_untouched(backend: Backend,
                                                         kam_run: KamRunner) -> None:
    with Workspace.open(backend.target, create=True) as ws:
        ws.save(Account(id="acme", name="Acme"))
    newer = tables.SCHEMA_VERSION + 1
    backend.execute(f"UPDATE meta SET value = '{newer}' WHERE key = 'schema_version'",
                    f"UPDATE alembic_version SET version_num = '{newer:04d}'")
    before = backend.dump()
    result = kam_run("--workspace", str(backend.target), "migrate")
    result.assert_usage_error(f"schema version {newer}: it was created by a newer kamcore",
                              "upgrade kamcore")
    assert backend.dump() == before
    assert backend.rows("SELECT * FROM alembic_version") == [(f"{newer:04d}",)]

    # an unknown migration under an old version number is refused as well
    backend.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    before = backend.dump()
    result = kam_run("--workspace", str(backend.target), "migrate")
    result.assert_usage_error(f"is at migration '{newer:04d}'", "newer kamcore")
    assert backend.dump() == before


def test_kam_migrate_on_something_else(tmp_path: Path, kam_run: KamRunner) -> None:
    kam_run("--workspace", "missing.db", "migrate").assert_usage_error("no workspace at")
    assert not (tmp_path / "missing.db").exists()
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (a)")
    kam_run("--workspace", str(other), "migrate").assert_usage_error("not a kamcore workspace")
    with sqlite3.connect(other) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("things",)]
        assert conn.execute("PRAGMA journal_mode").fetchall() == [("delete",)]


def test_a_failed_migration_changes_nothing(backend: Backend, tmp_path: Path,
                                            kam_run: KamRunner) -> None:
    """0002 fails half-way (the column exists already): the stamp of a pre-Alembic workspace
    and everything else roll back."""
    _v1_workspace(backend, "migration-0001", tmp_path)
    backend.execute("DROP TABLE alembic_version",  # as made before kamcore used Alembic
                    "ALTER TABLE records ADD COLUMN created_at VARCHAR(40)")
    before = backend.dump()
    result = kam_run("--workspace", str(backend.target), "migrate")
    result.assert_usage_error("cannot migrate workspace", "nothing was changed")
    assert backend.dump() == before
    engine = make_engine(workspace_url(backend.target))
    try:
        with engine.connect() as conn:
            assert not sa.inspect(conn).has_table("alembic_version")
    finally:
        engine.dispose()


def test_downgrading_and_upgrading_again_keep_every_record(backend: Backend,
                                                            tmp_path: Path) -> None:
    _v1_workspace(backend, "migration-0001", tmp_path)
    v1 = backend.dump()
    _run_migrations(backend, migrations.upgrade, "head")
    v2 = backend.dump()
    _run_migrations(backend, migrations.downgrade, "0001")
    assert _versions(backend.dump()) == _versions(v1)
    _run_migrations(backend, migrations.upgrade, "head")
    assert backend.dump() == v2


def _versions(dump: dict[str, list[Row]]) -> dict[tuple[Any, ...], Any]:
    """A dump with each stored version as the record it reads back as (a downgrade writes
    the JSON back in full; it cannot know which fields an older kamcore wrote at their
    defaults), every other column and table as it is."""
    classes = {cls.kind: cls for cls in KINDS}
    found: dict[tuple[Any, ...], Any] = {
        ("table", name): rows for name, rows in dump.items() if name not in ("records",
                                                                            "revisions")}
    for table in ("records", "revisions"):
        for row in map(dict, dump[table]):
            data = row.pop("data")
            row["data"] = data if data == TOMBSTONE else \
                classes[row["kind"]].model_validate_json(data)
            found[(table, row["kind"], row["id"], row.get("revision"))] = row
    return found


def _migrator(target: Any, results: Any, start: Any) -> None:
    start.wait(60)
    report = migrations.migrate_workspace(target)
    results.put((report.from_version, report.to_version))


def test_two_migrations_at_once_migrate_once(backend: Backend, tmp_path: Path) -> None:
    _v1_workspace(backend, "migration-0001", tmp_path)
    before = backend.dump()
    fork = multiprocessing.get_context("fork")
    results, start = fork.Queue(), fork.Event()
    processes = [fork.Process(target=_migrator, args=(backend.target, results, start))
                 for _ in range(2)]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(60)
    assert [p.exitcode for p in processes] == [0, 0]
    head = tables.SCHEMA_VERSION
    assert sorted(results.get(timeout=5) for _ in processes) == [(1, head), (head, head)]
    _assert_kept(before, backend)


# -- fast help ---------------------------------------------------------------------------------


def test_help_imports_neither_alembic_nor_the_driver(kam_env: Any) -> None:
    code = ("import sys\nfrom kamcore.cli import run\n"
            "codes = [run(['--help']), run(['migrate', '--help'])]\n"
            "print(codes, sorted({m.split('.')[0] for m in sys.modules}"
            " & {'alembic', 'psycopg', 'sqlalchemy', 'mako'}))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=kam_env(None), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[0, 0] []"
    assert "migrate" in proc.stdout and "Upgrade the workspace" in proc.stdout


def test_fixture_is_what_the_tests_say(tmp_path: Path) -> None:
    rows = _fixture_rows(tmp_path)
    assert {table: len(found) for table, found in rows.items()} == {
        "records": 59, "revisions": 86, "external_ids": 7}
    kinds = {json.loads(data)["id"]: kind for kind, _, _, _, data, _, _ in rows["records"]}
    assert set(kinds.values()) == {cls.kind for cls in KINDS}


# -- one copy of each version (0004) -----------------------------------------------------------


def test_every_version_reads_back_identical_from_its_compact_form(tmp_path: Path) -> None:
    """kamcore stores a version's JSON compact, leaving out the fields at their defaults and
    those its row holds in columns: every version kamcore 0.1 stored in full (all seven
    kinds) reads back the same record from the stored form and its row's columns, and the
    stored form is stable."""
    from kamcore.store.stored import IN_COLUMNS, record_json, stored_json

    classes = {cls.kind: cls for cls in KINDS}
    versions = _fixture_rows(tmp_path)["revisions"]
    full = [(classes[kind], data) for kind, _id, _revision, data, *_ in versions
            if data != TOMBSTONE]
    assert {cls for cls, _ in full} == set(KINDS)
    for cls, data in full:
        record = cls.model_validate_json(data)
        stored = stored_json(record)
        assert not IN_COLUMNS & set(json.loads(stored))
        saved_at = record.updated_at.isoformat() if record.updated_at else ""
        back = cls.model_validate_json(record_json(record.id, record.revision, saved_at,
                                                   record.updated_by, stored))
        assert back == record
        assert stored_json(back) == stored
        assert len(stored) < len(data)


def test_migrating_keeps_no_second_copy_and_gives_its_space_back(tmp_path: Path,
                                                             kam: KamRunner) -> None:
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(FIXTURE.read_text(encoding="utf-8"))
        assert conn.execute("SELECT sum(length(data)) FROM records").fetchone()[0] > 10_000
    assert kam("--workspace", str(db), "migrate").code == 0
    with sqlite3.connect(db) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(records)")]
        free_pages = conn.execute("PRAGMA freelist_count").fetchone()[0]
    assert "data" not in columns
    assert free_pages == 0  # the pages the copies took were given back (VACUUM)

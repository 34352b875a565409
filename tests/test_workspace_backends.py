"""Choosing the backend: URLs, the PostgreSQL driver, errors, and ``kam`` on a PostgreSQL server.

The workspace behaviour itself is tested on both backends by ``test_workspace.py``,
``test_many_writers.py`` and ``test_migrations.py``; this file covers what differs.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import pytest

from kamcore import Account, Stakeholder, Workspace
from kamcore.errors import WorkspaceError
from kamcore.store.engine import display_url, hide_secrets, workspace_url

if TYPE_CHECKING:
    from conftest import Backend, KamRunner, PostgresServer


@pytest.mark.parametrize(("given", "url"), [
    ("postgresql://kam:pw@db.example:5432/kam", "postgresql+psycopg://kam:pw@db.example:5432/kam"),
    ("postgres://kam@db/kam?sslmode=require", "postgresql+psycopg://kam@db/kam?sslmode=require"),
    ("postgresql+psycopg://kam@db/kam", "postgresql+psycopg://kam@db/kam"),
    ("postgresql+psycopg2://kam@db/kam", "postgresql+psycopg2://kam@db/kam"),  # named: kept
    ("sqlite:///x/kam.db", "sqlite:///x/kam.db"),
])
def test_workspace_url(given: str, url: str) -> None:
    assert workspace_url(given) == url


def test_a_path_is_an_sqlite_file(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert workspace_url("kam.db") == f"sqlite:///{tmp_path.resolve() / 'kam.db'}"


def test_messages_hide_the_password() -> None:
    assert display_url("postgresql+psycopg://kam:s3cret@db/kam") == (
        "postgresql+psycopg://kam:***@db/kam")
    # nothing listens on port 1: the error names the server, never the password
    with pytest.raises(WorkspaceError, match=r"cannot use workspace .*kam:\*\*\*@127\.0\.0\.1:1/"
                       ) as info:
        Workspace.open("postgresql://kam:s3cret@127.0.0.1:1/kam")
    assert "s3cret" not in str(info.value)


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql:///kamtest?host=127.0.0.1&user=kam&password=S3cretPW",
     "postgresql:///kamtest?host=127.0.0.1&password=***&user=kam"),
    ("postgresql://kam:S3cretPW@db/kam?sslpassword=S3cretPW&sslmode=require",
     "postgresql://kam:***@db/kam?sslmode=require&sslpassword=***"),
    ("postgresql://kam@db/kam?PASSWORD=S3cretPW&password=S3cretPW",
     "postgresql://kam@db/kam?PASSWORD=***&password=***"),
    # SQLAlchemy cannot parse it (a bad port): the secrets are masked all the same
    ("postgresql://kam:S3cretPW@db:port/kam?password=S3cretPW",
     "postgresql://kam:***@db:port/kam?password=***"),
])
def test_display_url_masks_a_password_wherever_the_url_carries_it(url: str, shown: str) -> None:
    assert display_url(url) == shown


@pytest.mark.parametrize("url", [
    "postgresql:///kam?host=db&password=S3cretPW",
    "postgresql://kam:S3cretPW@db/kam",
    "postgresql://kam:S3cretPW@db:port/kam",  # SQLAlchemy cannot parse it
])
def test_a_driver_message_loses_the_password(url: str) -> None:
    assert hide_secrets("refused S3cretPW (S3cretPW)", url) == "refused *** (***)"


@pytest.mark.parametrize("url", [
    "postgresql://kam:S3cretPW@127.0.0.1:1/kam",
    "postgresql:///kam?host=127.0.0.1&port=1&user=kam&password=S3cretPW",
])
def test_errors_never_show_the_password(kam: KamRunner, url: str) -> None:
    """Nothing listens on port 1: the error names the workspace, password masked."""
    result = kam("--workspace", url, "plan", "list")
    result.assert_usage_error("cannot use workspace", "127.0.0.1", "***")
    assert "S3cretPW" not in result.err + result.out


def test_a_missing_driver_is_a_clear_workspace_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if ``kamcore[postgres]`` were not installed: importing psycopg fails."""
    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` raises ImportError
    with pytest.raises(WorkspaceError) as info:
        Workspace.open("postgresql://kam:pw@127.0.0.1/kam")
    message = str(info.value)
    assert "PostgreSQL workspaces need the psycopg driver" in message
    assert "pip install 'kamcore[postgres]'" in message and "pw" not in message


def test_a_missing_driver_through_kam(kam_run: KamRunner,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    kam_run("--workspace", "postgresql://kam@127.0.0.1/kam", "account", "list"
            ).assert_usage_error("need the psycopg driver", "kamcore[postgres]")


# -- on a PostgreSQL server ----------------------------------------------------------------------

#: the ``backend`` fixture, on PostgreSQL only (skipped without ``$KAM_TEST_POSTGRES_URL``)
on_postgresql = pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgresql)], indirect=True)


@on_postgresql
def test_kam_on_postgresql(backend: Backend, kam: KamRunner, kam_run: KamRunner) -> None:
    """``kam --workspace postgresql://...`` through the real console script and in-process."""
    url = backend.url.replace("postgresql+psycopg://", "postgresql://")
    init = kam("--workspace", url, "init")
    assert init.code == 0, init
    assert "workspace ready" in init.out
    added = kam_run("--workspace", url, "--user", "dana", "account", "add", "Acme Industrial",
                    "--industry", "Manufacturing")
    assert added.code == 0, added
    listed = kam_run("--workspace", url, "account", "list", "--json")
    assert listed.code == 0, listed
    assert [a["id"] for a in listed.json()] == ["acme-industrial"]
    assert backend.rows("SELECT kind, id, revision, updated_by FROM records") == [
        ("account", "acme-industrial", 1, "dana")]
    with Workspace.open(url) as ws:
        assert ws.history(Account, "acme-industrial")[0].saved_by == "dana"


@on_postgresql
def test_kam_init_masks_a_password_given_as_a_query_parameter(backend: Backend,
                                                              kam: KamRunner) -> None:
    from sqlalchemy import URL, make_url

    url = make_url(backend.url)
    if not url.password:
        pytest.skip("the test server's URL has no password to mask")
    query = {**url.query, "host": url.host or "", "port": str(url.port or 5432),
             "user": url.username or "", "password": url.password}
    given = URL.create("postgresql", database=url.database, query=query).render_as_string(
        hide_password=False)
    assert f"password={url.password}" in given
    result = kam("--workspace", given, "init")
    assert result.code == 0, result
    assert "workspace ready: postgresql:///" in result.out and "password=***" in result.out
    assert f"password={url.password}" not in result.out + result.err


@on_postgresql
def test_postgresql_failures_are_workspace_errors(backend: Backend, postgres_server: PostgresServer,
                                                  kam_run: KamRunner) -> None:
    good = postgres_server.url
    for url, needle in [
        (good.set(password="wrong"), "password authentication failed"),
        (good.set(database="kam_no_such_database"), "does not exist"),
    ]:
        text = url.render_as_string(hide_password=False)
        with pytest.raises(WorkspaceError, match=needle):
            Workspace.open(text)
        kam_run("--workspace", text, "account", "list").assert_usage_error(needle)
    # an empty database (schema) is no workspace until it is created
    kam_run("--workspace", backend.url, "account", "list").assert_usage_error(
        "is not a kamcore workspace; create one with kam init")
    assert kam_run("--workspace", backend.url, "init").code == 0
    assert kam_run("--workspace", backend.url, "account", "list", "--json").json() == []


@on_postgresql
def test_keys_sort_as_on_sqlite(backend: Backend) -> None:
    """Ids list in byte order on PostgreSQL whatever the server's locale (collation "C")."""
    ids = ["b-1", "B", "a.s", "a-s", "a_s", "Z", "a:b", "a@b", "a1", "A1"]
    with Workspace.open(backend.target, create=True) as ws, ws.transaction():
        ws.save(Account(id="acme", name="Acme"))
        for key in ids:
            ws.save(Stakeholder(id=key, account_id="acme", name=key))
    with Workspace.open(backend.target) as ws:
        assert ws.ids(Stakeholder) == sorted(ids)
        assert [s.id for s in ws.iter(Stakeholder, account_id="acme")] == sorted(ids)
    collations = dict(backend.rows(
        "SELECT table_name || '.' || column_name, collation_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND column_name IN ('kind', 'id', 'record_id') "
        "AND table_name IN ('records', 'revisions', 'external_ids')"))
    assert collations == {f"{t}.{c}": "C" for t, c in [
        ("records", "kind"), ("records", "id"), ("revisions", "kind"), ("revisions", "id"),
        ("external_ids", "kind"), ("external_ids", "record_id")]}


def test_sqlite_write_transactions_get_a_larger_page_cache(tmp_path: Any) -> None:
    """A write transaction's connection has a page cache of WRITE_CACHE_KIB, a read's SQLite's
    default, whichever sort the pooled connection served last."""
    from sqlalchemy import text

    from kamcore.store.engine import READ_CACHE_KIB, WRITE_CACHE_KIB, make_engine

    engine = make_engine(workspace_url(tmp_path / "cache.db"), create=True)
    query = text("PRAGMA cache_size")
    try:
        seen = []
        for write in (False, True, True, False, True):
            with engine.connect().execution_options(kam_write=write) as conn, conn.begin():
                seen.append(conn.execute(query).scalar())
        assert seen == [-READ_CACHE_KIB, -WRITE_CACHE_KIB, -WRITE_CACHE_KIB, -READ_CACHE_KIB,
                        -WRITE_CACHE_KIB]
        assert WRITE_CACHE_KIB > READ_CACHE_KIB
    finally:
        engine.dispose()

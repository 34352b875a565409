"""Shared fixtures of the core's tests.

* ``kam``: runs the real ``kam`` console script in a subprocess (clean environment, cwd in
  ``tmp_path``) and returns a :class:`Result` (code, stdout, stderr).
* ``kam_run``: the same through ``kamcore.cli.run`` in-process (faster), with the process-wide
  plugin host and registry rebuilt for each call so environment changes take effect.
* ``methodology_dir``: a folder holding ``kt-gated.yaml``, a methodology with a gate, for
  ``KAMCORE_METHODOLOGY_PATH`` (the built-in ``local_documents`` plugin).
* ``test_plugins``: the distributions under ``tests/plugin_dists`` installed for real with
  pip (offline) into a session folder; put it on ``sys.path``/``PYTHONPATH`` to use them.

By default both runners set ``KAMCORE_LOAD_PLUGINS=`` (no external plugin) so that the tests
do not depend on which plugin packages happen to be installed in the venv; tests about plugins
pass ``KAMCORE_LOAD_PLUGINS=None`` to unset it.

The whole test session (and every ``kam`` it runs) uses a fresh on-disk cache folder
(``KAMCORE_CACHE_DIR``), removed at the end: tests never read or write the user's cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent
PLUGIN_DISTS = TESTS / "plugin_dists"
KAM = Path(sys.executable).parent / "kam"

#: Variables of the outer environment that would change what kam does.
_SCRUBBED = ("KAM_WORKSPACE", "KAMCORE_LOAD_PLUGINS", "KAMCORE_STRICT_PLUGINS",
             "KAMCORE_METHODOLOGY_PATH", "KAMCORE_RUBRIC_PATH", "KAMCORE_DEBUG",
             "KAMCORE_MAX_INPUT_MB", "PYTHONPATH")

#: Default environment additions: no external plugins, plain output.
DEFAULT_ENV: dict[str, str] = {"KAMCORE_LOAD_PLUGINS": "", "NO_COLOR": "1", "COLUMNS": "200"}


@dataclass
class Result:
    """What one ``kam`` run gave."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """stdout parsed as JSON (fails the test with the output if it is not JSON)."""
        try:
            return json.loads(self.out)
        except json.JSONDecodeError as exc:  # pragma: no cover - diagnostic
            raise AssertionError(f"stdout is not JSON ({exc}):\n{self.out}\n{self.err}") from None

    def assert_usage_error(self, *needles: str) -> None:
        """Exit 2 with a clear message on stderr containing each needle, and no traceback."""
        assert self.code == 2, self
        assert "Traceback" not in self.err and "Traceback" not in self.out, self
        assert "internal error" not in self.err, self
        for needle in needles:
            assert needle in self.err, self

    def __str__(self) -> str:  # shown by pytest when an assert on the result fails
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def _environment(overrides: Mapping[str, str | None] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env.update(DEFAULT_ENV)
    for key, value in (overrides or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


@pytest.fixture
def kam_env() -> Callable[[Mapping[str, str | None] | None], dict[str, str]]:
    """Build a subprocess environment the way the ``kam`` runner does."""
    return _environment


# -- runners --------------------------------------------------------------------------------

KamRunner = Callable[..., Result]


@pytest.fixture
def kam(tmp_path: Path) -> KamRunner:
    """Run the installed ``kam`` script: ``kam("plan", "show", "x", env={...}, cwd=...)``."""
    assert KAM.exists(), f"console script missing: {KAM}"

    def run(*args: str, env: Mapping[str, str | None] | None = None, cwd: Path | None = None,
            input: str | None = None, timeout: float = 60) -> Result:
        proc = subprocess.run(
            [str(KAM), *args], cwd=cwd or tmp_path, env=_environment(env), input=input,
            capture_output=True, text=True, timeout=timeout,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


def _reset_process_plugins() -> None:
    from kamcore.plugin.host import get_plugin_host
    from kamcore.plugin.registry import get_registry

    get_registry.cache_clear()
    get_plugin_host.cache_clear()


@pytest.fixture
def kam_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> Iterator[KamRunner]:
    """Run ``kamcore.cli.run`` in-process with a clean environment, cwd ``tmp_path``."""
    from kamcore.cli import run as cli_run

    monkeypatch.chdir(tmp_path)
    for key in _SCRUBBED:
        monkeypatch.delenv(key, raising=False)
    for key, value in DEFAULT_ENV.items():
        monkeypatch.setenv(key, value)

    def run(*args: str, env: Mapping[str, str | None] | None = None) -> Result:
        for key, value in (env or {}).items():
            if value is None:
                monkeypatch.delenv(key, raising=False)
            else:
                monkeypatch.setenv(key, value)
        _reset_process_plugins()
        capsys.readouterr()
        code = cli_run(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    yield run
    _reset_process_plugins()


# -- methodology documents ------------------------------------------------------------------

GATED = textwrap.dedent("""\
    # A methodology with a gate, used across the CLI tests.
    name: kt-gated
    version: "1.0"
    title: Gated test methodology
    description: Three steps; leaving the first needs signed-off objectives.
    roles: [economic_buyer, champion, coach]
    cadence:
      internal: {every: "1 month"}
      customer: {every: "3 months", title: Quarterly business review}
    settings:
      stale_after_days: 90
    steps:
      - key: analyse
        title: Analyse the account
        purpose: Understand the customer's goals.
        sections: [objectives, risks]
        gate:
          message: every joint objective needs the customer's sign-off
          schema:
            type: object
            required: [objectives]
            properties:
              objectives:
                type: array
                minItems: 1
                items: {required: [customer_signoff]}
      - key: act
        title: Act on the plan
        sections: [actions]
      - key: review
        title: Review with the customer
    sections:
      - key: objectives
        title: Joint objectives
        schema: {type: array, items: {$ref: "urn:kamcore:shape:objective"}}
      - key: risks
        title: Risks
        schema: {type: array, items: {$ref: "urn:kamcore:shape:risk"}}
      - key: actions
        title: Actions
        schema: {type: array, items: {$ref: "urn:kamcore:shape:action"}}
    example:
      step: act
      sections:
        objectives:
          - id: o1
            title: Cut warehouse costs by 10%
            customer_signoff: {name: Helen Park, date: "2026-01-15"}
        actions:
          - {id: a1, title: Run the pilot, owner: Dana, status: open}
    """)


@pytest.fixture(scope="session")
def methodology_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with ``kt-gated.yaml`` (read-only for tests: copy it to change it)."""
    folder = tmp_path_factory.mktemp("methodologies")
    (folder / "kt-gated.yaml").write_text(GATED, encoding="utf-8")
    return folder


@pytest.fixture
def method_env(methodology_dir: Path) -> dict[str, str]:
    """Environment that makes ``kt-gated`` available."""
    return {"KAMCORE_METHODOLOGY_PATH": str(methodology_dir)}


# -- test plugin distributions ---------------------------------------------------------------

TEST_DISTS = ("good", "broken", "raising", "misspelt", "exiting", "exiting_hook")


@pytest.fixture(scope="session")
def test_plugins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test plugin distributions, built and installed by pip into a folder (offline).

    The sources are copied first so that the build leaves nothing behind in ``tests/``.
    """
    root = tmp_path_factory.mktemp("plugin-install")
    sources = root / "src"
    for name in TEST_DISTS:
        shutil.copytree(PLUGIN_DISTS / name, sources / name)
    target = root / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation",
         "--no-index", "--no-cache-dir", "--disable-pip-version-check", "--quiet",
         "--target", str(target), *(str(sources / name) for name in TEST_DISTS)],
        capture_output=True, text=True, timeout=300,
        env={**_environment(None), "PIP_NO_INPUT": "1"},
    )
    assert proc.returncode == 0, f"pip install failed:\n{proc.stdout}\n{proc.stderr}"
    for name in TEST_DISTS:
        assert list(target.glob(f"kamcore_test_{name}-*.dist-info/entry_points.txt")), name
    return target


@pytest.fixture
def plugin_env(test_plugins: Path) -> dict[str, str | None]:
    """Subprocess environment that sees the test plugins (and every installed one)."""
    return {"PYTHONPATH": str(test_plugins), "KAMCORE_LOAD_PLUGINS": None}


@pytest.fixture
def plugins_on_path(test_plugins: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put the installed test plugins on ``sys.path`` for in-process checks."""
    monkeypatch.syspath_prepend(str(test_plugins))
    monkeypatch.delenv("KAMCORE_LOAD_PLUGINS", raising=False)
    monkeypatch.delenv("KAMCORE_STRICT_PLUGINS", raising=False)
    return test_plugins


# -- workspaces ------------------------------------------------------------------------------


@pytest.fixture
def core_host() -> Any:
    """A plugin host with only the built-in plugins (no entry points)."""
    from kamcore.plugin.host import make_plugin_host

    return make_plugin_host(entry_points=False, strict=False)


@pytest.fixture
def gated(methodology_dir: Path) -> Any:
    """The ``kt-gated`` methodology, loaded from its file."""
    from kamcore.documents import load_document
    from kamcore.methodology import build_methodology

    return build_methodology(load_document(methodology_dir / "kt-gated.yaml"))


# -- workspace backends: SQLite and PostgreSQL -------------------------------------------------

POSTGRES_ENV = "KAM_TEST_POSTGRES_URL"
NO_POSTGRES = (f"${POSTGRES_ENV} is not set: no PostgreSQL server to test against "
               "(.ci/run starts one with .ci/setup.d/20-postgres.sh)")


#: The session's cache folder.
_CACHE_KEY = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"postgresql: needs the PostgreSQL server named by ${POSTGRES_ENV}")
    # isolate kamcore's on-disk cache for the session (inherited by subprocesses)
    config.stash[_CACHE_KEY] = Path(tempfile.mkdtemp(prefix="kamcore-test-cache-"))
    os.environ["KAMCORE_CACHE_DIR"] = str(config.stash[_CACHE_KEY])


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_CACHE_KEY, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


class PostgresServer:
    """The PostgreSQL server of ``$KAM_TEST_POSTGRES_URL``.

    Every test gets a schema of its own in the URL's database (``kamtest_<pid>_<n>``), put
    first on the search path through the URL (``?options=-csearch_path=...``), so tests (and
    test runs) never see each other's tables. The schemas are dropped at the end of the
    session, all at once (cheaper than one by one; DROP DATABASE would force a checkpoint).
    """

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine, make_url, text
        from sqlalchemy.exc import DBAPIError
        from sqlalchemy.pool import NullPool

        from kamcore.store.engine import workspace_url

        self.url = make_url(workspace_url(url))
        self.engine = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError as exc:
            pytest.fail(f"${POSTGRES_ENV} is set but the server does not answer: {exc.orig}",
                        pytrace=False)
        self._prefix = f"kamtest_{os.getpid()}_{os.urandom(2).hex()}"
        self.schemas: list[str] = []

    def new_schema(self) -> tuple[str, str]:
        """A new empty schema: ``(name, URL that uses it)``; the URL keeps the password."""
        from sqlalchemy import text

        name = f"{self._prefix}_{len(self.schemas) + 1}"
        with self.engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        self.schemas.append(name)
        url = self.url.update_query_dict({"options": f"-csearch_path={name}"})
        return name, url.render_as_string(hide_password=False)

    def close(self) -> None:
        """Drop every schema the session made."""
        from sqlalchemy import text

        if self.schemas:
            names = ", ".join(f'"{name}"' for name in self.schemas)
            with self.engine.connect() as conn:
                conn.execute(text("SET lock_timeout = '10s'"))
                conn.execute(text(f"DROP SCHEMA IF EXISTS {names} CASCADE"))
        self.engine.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The test PostgreSQL server; skips every test that needs it when none is configured."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(NO_POSTGRES)
    server = PostgresServer(url)
    yield server
    server.close()


@dataclass
class Backend:
    """Where a test's workspace lives: ``target`` is what ``Workspace.open`` and
    ``kam --workspace`` are given (a path for SQLite, a URL for PostgreSQL)."""

    name: str
    target: Any
    url: str

    @property
    def sqlite(self) -> bool:
        return self.name == "sqlite"

    def _engine(self) -> Any:
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        from kamcore.store.engine import workspace_url

        return create_engine(workspace_url(self.url), poolclass=NullPool)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one query straight on the database (not through kamcore)."""
        if self.sqlite:
            import sqlite3

            with sqlite3.connect(self.target) as conn:
                return conn.execute(sql).fetchall()
        from sqlalchemy import text

        engine = self._engine()
        try:
            with engine.connect() as conn:
                return [tuple(row) for row in conn.execute(text(sql))]
        finally:
            engine.dispose()

    def execute(self, *statements: str) -> None:
        """Run statements straight on the database, in one committed transaction."""
        if self.sqlite:
            import sqlite3

            conn = sqlite3.connect(self.target)
            try:
                with conn:
                    for statement in statements:
                        conn.execute(statement)
            finally:
                conn.close()
            return
        from sqlalchemy import text

        engine = self._engine()
        try:
            with engine.begin() as conn:
                for statement in statements:
                    conn.execute(text(statement))
        finally:
            engine.dispose()

    def columns(self, table: str) -> list[str]:
        """The names of ``table``'s columns, in name order (not in the database's)."""
        if self.sqlite:
            names = [row[1] for row in self.rows(f"PRAGMA table_info({table})")]
        else:
            names = [row[0] for row in self.rows(
                "SELECT column_name FROM information_schema.columns "
                f"WHERE table_schema = current_schema() AND table_name = '{table}'")]
        return sorted(names)

    def dump(self) -> dict[str, list[tuple[tuple[str, Any], ...]]]:
        """Every row of the workspace tables as (column, value) pairs in column name order,
        sorted: to compare before and after (whichever order the database keeps columns)."""
        order = {"records": "kind, id", "revisions": "kind, id, revision",
                 "external_ids": "kind, system, external_id", "meta": "key"}
        dumped = {}
        for table, keys in order.items():
            names = self.columns(table)
            rows = self.rows(f"SELECT {', '.join(names)} FROM {table} ORDER BY {keys}")
            dumped[table] = sorted(tuple(zip(names, row, strict=True)) for row in rows)
        return dumped


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def make_backend(name: str, tmp_path: Path, request: pytest.FixtureRequest,
                 file_name: str = "kam.db") -> Backend:
    """A new, empty place for a workspace on ``name`` (cleaned up after the test)."""
    if name == "sqlite":
        path = tmp_path / file_name
        return Backend("sqlite", path, f"sqlite:///{path.resolve()}")
    server: PostgresServer = request.getfixturevalue("postgres_server")
    _, url = server.new_schema()
    return Backend("postgresql", url, url)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """An empty place for a workspace, on SQLite and (when configured) on PostgreSQL."""
    return make_backend(request.param, tmp_path, request)


@pytest.fixture
def new_backend(request: pytest.FixtureRequest,
                tmp_path: Path) -> Callable[..., Backend]:
    """Make more empty places for workspaces: ``new_backend("postgresql", "other.db")``."""

    def make(name: str, file_name: str = "kam.db") -> Backend:
        return make_backend(name, tmp_path, request, file_name)

    return make

"""Fixtures: a served demo workspace with one user of every kind and their tokens.

``workspace_file`` is the demo portfolio (``kamcore.operations.sample``) with users, built once
per session and copied for each test. ``people`` holds, by name, each user's write token (and
``ann_read``: a read-only token of ann; ``expired`` and ``revoked``: tokens that no longer work;
``share``: the token of a share link of ``helios-sama7`` for its customer, ``share_revoked`` a
revoked one, ``share_expired`` an expired one). ``client`` is a
:class:`fastapi.testclient.TestClient` on the application serving the copy, ``as_(name)`` the
headers of that person's token, ``htmx_as(name)`` signs that user in through the sign-in
form and gives the headers an htmx request of their pages sends (CSRF token included).

Users: ``ada`` admin; ``ann`` member on the team of ``helios``; ``mo`` member on the team of
``atlas``; ``vic`` viewer. Password of each: ``password-<name>``.

For the browser tests (Playwright): ``browser_type_launch_args`` makes pytest-playwright launch
Debian's Chromium; ``serving(workspace)`` runs ``kam serve`` on a free port of 127.0.0.1 until
the test ends and gives the address it printed (``server``: that of ``workspace_file``);
``watch(page)`` collects what a page requests and the problems it meets; ``sign_in(page,
server, name)`` signs a user in through the form; ``artefacts`` is the folder screenshots go
to.

``pg_served`` is the same portfolio and users (not the expired token) in a schema of its own on
the PostgreSQL server of ``$KAM_TEST_POSTGRES_URL`` (skipped without it): its URL, a client of
the application serving it, and the secrets.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from kamcore_server.app import create_app
from kamcore_server.passwords import hash_password

from kamcore.operations import Actor, access
from kamcore.operations.sample import build_sample
from kamcore.store import Workspace

ADMIN = Actor("setup")
USERS = {"ada": "admin", "ann": "member", "mo": "member", "vic": "viewer"}
TEAMS = {"ann": "helios", "mo": "atlas"}
SHARED_PLAN = "helios-sama7"


def password(name: str) -> str:
    """The password of a test user."""
    return f"password-{name}"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The demo workspace with users, tokens and share links, and the secrets by name."""
    path = tmp_path_factory.mktemp("served") / "kam.db"
    with Workspace.open(path, create=True) as ws:
        secrets = _populate(ws)
        secrets["expired"] = access.create_token(ws, ADMIN, "ada", expires_days=1)[1]
        old, secrets["share_expired"] = access.create_share(ws, ADMIN, SHARED_PLAN, "Former")
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE tokens SET expires_at = '2020-01-01T00:00:00+00:00' "
                   "WHERE expires_at IS NOT NULL")
        db.execute("UPDATE share_links SET expires_at = '2020-01-01T00:00:00+00:00' "
                   "WHERE id = ?", (old.id,))
    db.close()
    return path, secrets


def _populate(ws: Workspace) -> dict[str, str]:
    """The demo portfolio, the users, their teams, tokens and share links; the secrets."""
    secrets: dict[str, str] = {}
    build_sample(ws, ADMIN, date.today())
    for name, role in USERS.items():
        access.add_user(ws, ADMIN, name, role, password_hash=hash_password(password(name)))
        secrets[name] = access.create_token(ws, ADMIN, name)[1]
    for name, account in TEAMS.items():
        access.add_team_member(ws, ADMIN, account, name)
    secrets["ann_read"] = access.create_token(ws, ADMIN, "ann", scope="read")[1]
    revoked, secrets["revoked"] = access.create_token(ws, ADMIN, "ada")
    access.revoke_token(ws, ADMIN, revoked.id)
    secrets["share"] = access.create_share(ws, ADMIN, SHARED_PLAN, "Chris Finance")[1]
    gone, secrets["share_revoked"] = access.create_share(ws, ADMIN, SHARED_PLAN, "Old Contact")
    access.revoke_share(ws, ADMIN, gone.id)
    return secrets


@pytest.fixture
def pg_served() -> Iterator[tuple[str, TestClient, dict[str, str]]]:
    """The served portfolio in a new schema on the test PostgreSQL server (dropped after)."""
    from sqlalchemy import create_engine, make_url, text
    from sqlalchemy.pool import NullPool

    server = os.environ.get("KAM_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("$KAM_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against")
    url = make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
    schema = f"kamserver_{os.getpid()}_{os.urandom(3).hex()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    target = url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)
    try:
        with Workspace.open(target, create=True) as ws:
            secrets = _populate(ws)
        with TestClient(create_app(target), base_url="http://localhost",
                        raise_server_exceptions=False) as test_client:
            yield target, test_client, secrets
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def workspace_file(built: tuple[Path, dict[str, str]], tmp_path: Path) -> Path:
    """A fresh copy of the served workspace for this test."""
    copy = tmp_path / "kam.db"
    shutil.copyfile(built[0], copy)
    return copy


@pytest.fixture
def people(built: tuple[Path, dict[str, str]]) -> dict[str, str]:
    """Token (or share-link token) secrets by name."""
    return built[1]


@pytest.fixture
def client(workspace_file: Path) -> Iterator[TestClient]:
    """A test client of the application serving the copy."""
    with TestClient(create_app(workspace_file), base_url="http://localhost",
                    raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def as_(people: dict[str, str]) -> Callable[[str], dict[str, str]]:
    """``as_("ann")``: the Authorization header of that token."""
    return lambda name: {"Authorization": f"Bearer {people[name]}"}


@pytest.fixture
def htmx_as(client: TestClient) -> Callable[[str], dict[str, str]]:
    """``htmx_as("ann")``: sign ann in on ``client``; the headers her pages' htmx requests
    send (the session's CSRF token, ``HX-Request``)."""
    def sign_in(name: str) -> dict[str, str]:
        client.post("/signin", data={"name": name, "password": password(name)})
        token = re.search(r'name="csrf-token" content="([0-9a-f]+)"', client.get("/").text)
        assert token, "not signed in"
        return {"X-CSRF-Token": token.group(1), "HX-Request": "true"}
    return sign_in

# -- the browser tests: a real `kam serve`, Debian's Chromium ----------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright launches Debian's Chromium (Playwright downloads no browser here)."""
    from kamcore.testing import chromium

    return {**browser_type_launch_args, "executable_path": chromium(),
            "args": ["--no-sandbox", "--disable-dev-shm-usage"]}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _kam_serve(workspace: Path, log_path: Path, env: Mapping[str, str] | None) -> Iterator[str]:
    """``kam serve`` of ``workspace`` on a free port of 127.0.0.1 (its output in
    ``log_path``) while the block runs; the address it printed, once it answers."""
    port = _free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "kamcore", "--workspace", str(workspace), "serve",
             "--host", "127.0.0.1", "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        try:
            deadline = time.monotonic() + 60
            while True:
                printed = re.search(r" on (http://127\.0\.0\.1:\d+)", log_path.read_text())
                if printed and _answers(printed.group(1)):
                    break
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("kam serve did not start:\n" + log_path.read_text())
                time.sleep(0.2)
            yield printed.group(1)
        finally:
            process.terminate()
            process.wait(timeout=20)


def _answers(base: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"{base}/signin", timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """``serving(workspace, env=None)``: ``kam serve`` of that workspace on 127.0.0.1 until the
    test ends; the address it printed (``http://127.0.0.1:PORT``)."""
    with ExitStack() as stack:
        def serve(workspace: Path, env: Mapping[str, str] | None = None) -> str:
            log = tmp_path / f"serve-{workspace.stem}.log"
            return stack.enter_context(_kam_serve(workspace, log, env))
        yield serve


@pytest.fixture
def watch() -> Callable[[Any], tuple[list[str], list[str]]]:
    """``watch(page)``: the URLs the page requests and the problems it meets (console errors,
    page errors, HTTP errors), as they happen."""
    def start(page: Any) -> tuple[list[str], list[str]]:
        requests: list[str] = []
        problems: list[str] = []
        page.on("request", lambda req: requests.append(req.url))
        page.on("console", lambda msg: problems.append(
            f"console {msg.type} on {page.url}: {msg.text}") if msg.type == "error" else None)
        page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        page.on("response", lambda res: problems.append(f"HTTP {res.status}: {res.url}")
                if res.status >= 400 else None)
        return requests, problems
    return start


@pytest.fixture
def artefacts(request: pytest.FixtureRequest) -> Path:
    """Where the screenshots go: ``$KAM_TEST_ARTEFACTS/web`` or ``build/test-artefacts/web``."""
    root = Path(os.environ.get("KAM_TEST_ARTEFACTS")
                or request.config.rootpath / "build" / "test-artefacts")
    folder = root / "web"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sign_in_page(page: Any, server: str, name: str) -> None:
    """Sign ``name`` in on ``page`` through the sign-in form; returns on the portfolio."""
    from playwright.sync_api import expect

    page.goto(f"{server}/signin")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(f"password-{name}")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()


@pytest.fixture
def server(serving: Callable[..., str], workspace_file: Path) -> str:
    """``kam serve`` of the sample workspace (a copy) on 127.0.0.1: its address."""
    return serving(workspace_file)


@pytest.fixture
def sign_in() -> Callable[[Any, str, str], None]:
    """:func:`sign_in_page`, for the browser tests."""
    return sign_in_page

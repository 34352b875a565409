"""``kam serve`` as a user runs it: a real process (two uvicorn workers) on 127.0.0.1, after
``kam user add`` and ``kam token create``, spoken to over real HTTP with a bearer token.

Covers what only a running server shows: reading and changing a plan with a token, the live
event streams (the save and the stream may be served by different workers: events come from
the store, not from a worker's memory), and saves racing each other from the API and the CLI.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

KAM = Path(sys.executable).parent / "kam"
PLAN = "/api/v1/plans/helios-sama7"
SECTION = f"{PLAN}/sections/joint_objectives"


def kam(workspace: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``kam`` on ``workspace`` as the user ``setup``."""
    env = {**os.environ, "KAM_WORKSPACE": str(workspace), "KAM_USER": "setup"}
    env.pop("KAMCORE_LOAD_PLUGINS", None)
    return subprocess.run([str(KAM), *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=120)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Served:
    """The running server: its base URL, the workspace file and kim's token."""

    def __init__(self, url: str, workspace: Path, token: str) -> None:
        self.url, self.workspace, self.token = url, workspace, token

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30,
                            headers={"Authorization": f"Bearer {self.token}"})


@pytest.fixture(scope="module")
def served(built: tuple[Path, dict[str, str]],
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``kam serve --workers 2`` on a copy of the demo workspace, with user kim (a member of
    helios's team) and kim's token made by the ``kam`` commands first."""
    folder = tmp_path_factory.mktemp("live")
    workspace = folder / "kam.db"
    shutil.copyfile(built[0], workspace)
    assert kam(workspace, "user", "add", "kim", "--role", "member", "--no-password"
               ).returncode == 0
    assert kam(workspace, "team", "add", "helios", "kim").returncode == 0
    made = kam(workspace, "token", "create", "--user", "kim", "--label", "live test")
    assert made.returncode == 0, made.stderr
    port = free_port()
    env = {**os.environ, "KAM_WORKSPACE": str(workspace), "KAM_EVENTS_POLL": "0.2"}
    env.pop("KAMCORE_LOAD_PLUGINS", None)
    log = (folder / "serve.log").open("w")
    process = subprocess.Popen([str(KAM), "serve", "--port", str(port), "--workers", "2"],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield Served(url, workspace, made.stdout.strip())
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
    assert "Traceback" not in (folder / "serve.log").read_text()


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "kam serve exited"
        try:
            if httpx.get(f"{url}/api/v1/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("kam serve did not answer within 60 s")


def _objectives(title: str) -> dict[str, object]:
    return {"objectives": [{"id": "o1", "title": title}]}


def test_a_token_reads_and_changes_a_plan_over_http(served: Served) -> None:
    with served.client() as http:
        read = http.get(PLAN)
        assert read.status_code == 200 and read.headers["etag"]
        saved = http.put(SECTION, json=_objectives("Grow uptime contracts by 30%"),
                         headers={"If-Match": read.headers["etag"]})
        assert saved.status_code == 200, saved.text
        assert saved.json()["updated_by"] == "kim"
        history = http.get(f"{PLAN}/history").json()["revisions"]
        assert history[-1] == {**history[-1], "revision": saved.json()["revision"],
                               "saved_by": "kim"}
        assert http.get("/api/v1/accounts/atlas").status_code == 404  # not kim's team
    assert httpx.get(f"{served.url}{PLAN}").status_code == 401


class Events:
    """Reads ``change`` events of an open stream, line by line, with a deadline."""

    def __init__(self, response: httpx.Response) -> None:
        self.lines = response.iter_lines()

    def next_change(self, within: float = 15) -> tuple[str, dict[str, object]]:
        """The id and data of the next ``change`` event."""
        deadline, event_id, kind = time.monotonic() + within, "", ""
        for line in self.lines:
            assert time.monotonic() < deadline, "no change event in time"
            if line.startswith("id: "):
                event_id = line[4:]
            elif line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind == "change":
                return event_id, json.loads(line[6:])
        raise AssertionError("the stream ended")


def test_plan_and_account_streams_tell_who_saved_what(served: Served) -> None:
    with served.client() as http, \
            http.stream("GET", f"{PLAN}/events") as plan_stream, \
            http.stream("GET", "/api/v1/accounts/helios/events") as account_stream:
        assert plan_stream.status_code == 200
        assert plan_stream.headers["content-type"].startswith("text/event-stream")
        plan_events, account_events = Events(plan_stream), Events(account_stream)
        with served.client() as writer:  # another connection: maybe another worker
            tag = writer.get(PLAN).headers["etag"]
            saved = writer.put(SECTION, json=_objectives("Streamed"),
                               headers={"If-Match": tag}).json()
        event_id, data = plan_events.next_change()
        assert data == {**data, "kind": "plan", "id": "helios-sama7",
                        "revision": saved["revision"], "saved_by": "kim"}
        assert event_id == str(saved["revision"])
        moment, seen = account_events.next_change()
        assert seen == {**seen, "kind": "plan", "id": "helios-sama7",
                        "revision": saved["revision"], "saved_by": "kim"}
        assert moment == seen["saved_at"]
    with served.client() as http, http.stream(
            "GET", f"{PLAN}/events",
            headers={"Last-Event-ID": str(saved["revision"] - 1)}) as resumed:
        _, again = Events(resumed).next_change()
        assert again["revision"] == saved["revision"]  # missed while away: sent on reconnect
    with served.client() as http, http.stream(
            "GET", "/api/v1/accounts/helios/events", params={"after": moment}) as resumed:
        _, again = Events(resumed).next_change()  # at least once: the last seconds again
        assert (again["kind"], again["revision"]) == ("plan", saved["revision"])


def test_streams_refuse_those_who_may_not_see(served: Served,
                                              people: dict[str, str]) -> None:
    with served.client() as http:
        assert http.get("/api/v1/accounts/atlas/events").status_code == 404
        revoked = {"Authorization": f"Bearer {people['revoked']}"}
        assert http.get(f"{PLAN}/events", headers=revoked).status_code == 401
    assert httpx.get(f"{served.url}{PLAN}/events").status_code == 401


def _race(*saves: Callable[[], int]) -> list[int]:
    """Run the saves at once (released together); their outcomes in order."""
    start = threading.Barrier(len(saves))
    outcomes: list[int] = [0] * len(saves)

    def run(index: int) -> None:
        start.wait()
        outcomes[index] = saves[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(saves))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def _put(http: httpx.Client, body: dict[str, object], tag: str, delay: float = 0) -> int:
    """Save the section with ``If-Match: tag`` (after ``delay`` seconds); the status."""
    time.sleep(delay)
    return http.put(SECTION, json=body, headers={"If-Match": tag}).status_code


def _finish(process: subprocess.Popen[str], body: dict[str, object]) -> int:
    """Give a waiting ``kam plan set -`` its section; its exit code."""
    _, err = process.communicate(json.dumps(body), timeout=120)
    assert "Traceback" not in err
    return process.returncode


def test_two_clients_saving_from_the_same_revision_one_wins_nothing_is_lost(
        served: Served) -> None:
    won = set()
    with served.client() as first, served.client() as second:
        for round_ in range(5):
            tag = first.get(PLAN).headers["etag"]
            bodies = [_objectives(f"first {round_}"), _objectives(f"second {round_}")]

            outcomes = _race(functools.partial(_put, first, bodies[0], tag),
                             functools.partial(_put, second, bodies[1], tag))
            assert sorted(outcomes) == [200, 412], outcomes
            now = first.get(PLAN)
            assert int(now.headers["etag"].strip('"')) == int(tag.strip('"')) + 1
            winner = bodies[outcomes.index(200)]
            assert now.json()["sections"]["joint_objectives"] == winner
            won.add(outcomes.index(200))
    print("winners:", sorted(won))


def test_the_cli_and_the_api_saving_at_once_one_wins_nothing_is_lost(served: Served) -> None:
    env = {**os.environ, "KAM_WORKSPACE": str(served.workspace), "KAM_USER": "setup"}
    env.pop("KAMCORE_LOAD_PLUGINS", None)
    won = set()
    with served.client() as http:
        for round_ in range(4):
            tag = http.get(PLAN).headers["etag"]
            base = tag.strip('"')
            by_cli, by_api = _objectives(f"cli {round_}"), _objectives(f"api {round_}")
            # the CLI starts first and waits for its section on stdin: both saves then go
            # at once, from the same revision
            process = subprocess.Popen(
                [str(KAM), "plan", "set", "helios-sama7", "joint_objectives", "-",
                 "--base-revision", base], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, env=env)
            time.sleep(1.5)  # past its imports

            outcomes = _race(functools.partial(_finish, process, by_cli),
                             # staggered over the rounds, so that either may win
                             functools.partial(_put, http, by_api, tag, 0.2 * round_))
            assert outcomes in ([0, 412], [1, 200]), outcomes
            won.add("cli" if outcomes[0] == 0 else "api")
            now = http.get(PLAN)
            assert int(now.headers["etag"].strip('"')) == int(base) + 1
            winner = by_cli if outcomes[0] == 0 else by_api
            assert now.json()["sections"]["joint_objectives"] == winner
    print("winners:", sorted(won))

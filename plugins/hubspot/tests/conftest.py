"""Fixtures: hubspot under test with kamcore.testing, a writable copy of its samples, and a
local HubSpot API server (:class:`FakeHubSpot`)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest


@pytest.fixture
def kam_plugin_names() -> set[str]:
    """Built-ins plus the installed ``hubspot`` entry point only."""
    return {"hubspot"}


@pytest.fixture
def kam_strict_plugins() -> bool:
    """A plugin failure raises."""
    return True


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    target = tmp_path / "samples"
    shutil.copytree(Path(str(files("kamcore_hubspot") / "samples")), target)
    return target


# -- a local HubSpot ------------------------------------------------------------------------

TOKEN = "pat-eu1-00000000-test-token-never-printed"
JSON_SAMPLES = Path(str(files("kamcore_hubspot") / "samples" / "json"))


def _millis(text: str) -> int:
    moment = dt.datetime.fromisoformat(text)
    return int(moment.timestamp() * 1000)


class FakeHubSpot(ThreadingHTTPServer):
    """HubSpot's CRM v3 API on 127.0.0.1, answering in the documented shapes
    (developers.hubspot.com: CRM objects list ``GET /crm/v3/objects/{object}``, search
    ``POST /crm/v3/objects/{object}/search``, associations v3 batch read ``POST
    /crm/v3/associations/{from}/{to}/batch/read``; errors ``{"status": "error", "message",
    "correlationId", "category"}``; 429 with ``Retry-After``), from the package's JSON samples,
    ``page_size`` records per page.

    Faults: ``limited`` answers that many requests with 429 first; ``drop`` closes the
    connection without an answer on every request whose path and query it matches.
    ``requests`` keeps each (method, path) served; ``bodies`` each POST body.
    """

    daemon_threads = True

    def __init__(self, page_size: int = 2) -> None:
        super().__init__(("127.0.0.1", 0), _HubSpotHandler)
        self.page_size = page_size
        self.token = TOKEN
        self.objects: dict[str, list[dict[str, Any]]] = {kind: [] for kind in
                                                          ("companies", "contacts", "deals")}
        for file in sorted(JSON_SAMPLES.glob("*.json")):
            kind = next(k for k in self.objects if k[:6] in file.name)
            self.objects[kind].extend(json.loads(file.read_text(encoding="utf-8"))["results"])
        self.limited = 0
        self.drop: re.Pattern[str] | None = None
        self.requests: list[tuple[str, str]] = []
        self.bodies: list[dict[str, Any]] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def serve(self) -> Iterator[FakeHubSpot]:
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.shutdown()
            self.server_close()


class _HubSpotHandler(BaseHTTPRequestHandler):
    server: FakeHubSpot
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(data).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, category: str, message: str) -> None:
        self._json(status, {"status": "error", "message": message,
                            "correlationId": "3d1e7a5c-0000-4000-8000-000000000000",
                            "category": category})

    def _admitted(self, method: str) -> bool:
        self.server.requests.append((method, self.path))
        if self.server.drop is not None and self.server.drop.search(self.path):
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return False
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found. "
                        "This API supports OAuth 2.0 authentication.")
            return False
        if self.server.limited > 0:
            self.server.limited -= 1
            self._json(429, {"status": "error", "message": "You have reached your "
                             "secondly limit.", "errorType": "RATE_LIMIT",
                             "correlationId": "0", "policyName": "SECONDLY"},
                       {"Retry-After": "1"})
            return False
        return True

    def _page(self, kind: str, items: list[dict[str, Any]], after: str | None,
              query: str) -> None:
        start = int(after or 0)
        size = self.server.page_size
        body: dict[str, Any] = {"results": items[start:start + size]}
        if start + size < len(items):
            following = str(start + size)
            body["paging"] = {"next": {"after": following, "link": f"{self.server.base}"
                                       f"/crm/v3/objects/{kind}?{query}&after={following}"}}
        self._json(200, body)

    @staticmethod
    def _shaped(obj: dict[str, Any], properties: list[str],
                associations: list[str] | None) -> dict[str, Any]:
        out = {key: obj[key] for key in ("id", "createdAt", "updatedAt", "archived")}
        out["properties"] = {name: obj["properties"].get(name) for name in properties
                             if name in obj["properties"]}
        if associations:
            found = {name: obj["associations"][name] for name in associations
                     if name in obj.get("associations", {})}
            if found:
                out["associations"] = found
        return out

    def do_GET(self) -> None:
        if not self._admitted("GET"):
            return
        url = urlparse(self.path)
        match = re.fullmatch(r"/crm/v3/objects/(companies|contacts|deals)", url.path)
        if match is None:
            self._error(404, "OBJECT_NOT_FOUND", "not found")
            return
        query = parse_qs(url.query)
        properties = [p for v in query.get("properties", []) for p in v.split(",")]
        associations = [a for v in query.get("associations", []) for a in v.split(",")]
        kind = match.group(1)
        items = [self._shaped(o, properties, associations) for o in self.server.objects[kind]
                 if not o["archived"]]
        self._page(kind, items, query.get("after", [None])[0], url.query)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        if not self._admitted("POST"):
            return
        self.server.bodies.append(body)
        search = re.fullmatch(r"/crm/v3/objects/(companies|contacts|deals)/search", self.path)
        if search is not None:
            kind = search.group(1)
            wanted = body["filterGroups"][0]["filters"][0]
            since = int(wanted["value"])
            items = [self._shaped(o, body.get("properties", []), None)
                     for o in self.server.objects[kind]
                     if _millis(o["properties"][wanted["propertyName"]]) >= since]
            self._page(kind, items, body.get("after"), "")
            return
        batch = re.fullmatch(r"/crm/v3/associations/(\w+)/(\w+)/batch/read", self.path)
        if batch is not None:
            source, target = batch.groups()
            by_id = {o["id"]: o for o in self.server.objects[source]}
            results = []
            for wanted_id in (i["id"] for i in body["inputs"]):
                found = by_id[wanted_id].get("associations", {}).get(target)
                if found:
                    results.append({"from": {"id": wanted_id}, "to": found["results"]})
            self._json(200, {"status": "COMPLETE", "results": results,
                             "startedAt": "2026-01-15T10:00:00.000Z",
                             "completedAt": "2026-01-15T10:00:00.100Z"})
            return
        self._error(404, "OBJECT_NOT_FOUND", "not found")


@pytest.fixture
def hubspot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHubSpot]:
    """The local HubSpot, two records per page, with KAM_HUBSPOT_TOKEN and
    KAM_HUBSPOT_BASE_URL set for it."""
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    server = FakeHubSpot()
    monkeypatch.setenv("KAM_HUBSPOT_TOKEN", TOKEN)
    monkeypatch.setenv("KAM_HUBSPOT_BASE_URL", server.base)
    yield from server.serve()


@pytest.fixture
def connection(tmp_path: Path) -> Path:
    """A connection file reading every object."""
    path = tmp_path / "hubspot.yaml"
    path.write_text("objects: [companies, contacts, deals]\n", encoding="utf-8")
    return path

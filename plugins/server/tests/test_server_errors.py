"""A failure inside the server reaches the client as a bare 500 with a request id, and the log
holds the traceback under the same id."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from kamcore_server.app import create_app


def test_a_server_error_is_logged_with_the_request_id_the_response_carries(
        workspace_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(workspace_file)

    def broken() -> None:
        raise RuntimeError("secret internals: db password hunter2")

    app.add_api_route("/broken", broken)
    with TestClient(app, raise_server_exceptions=False) as client, \
            caplog.at_level(logging.ERROR, logger="kamcore.server"):
        answer = client.get("/broken")
        given = client.get("/broken", headers={"X-Request-ID": "trace-me-42"})
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    request_id = answer.headers["x-request-id"]
    assert request_id and answer.json()["request_id"] == request_id
    assert "hunter2" not in answer.text and "Traceback" not in answer.text
    assert given.headers["x-request-id"] == "trace-me-42"
    logged = [r for r in caplog.records if r.name == "kamcore.server"]
    assert len(logged) == 2
    assert request_id in logged[0].getMessage() and "trace-me-42" in logged[1].getMessage()
    assert logged[0].exc_info and "hunter2" in str(logged[0].exc_info[1])

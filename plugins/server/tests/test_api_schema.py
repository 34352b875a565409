"""Schemathesis against ``/api/v1/openapi.json``: requests generated from the document, sent
as an admin with an API token to the served demo workspace, never answer with a 5xx and
always answer as the document says (the body of every documented status, problems too).

A few examples per operation keep the run well under a minute; ``make test`` runs it as any
other test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

Headers = Callable[[str], dict[str, str]]

schemathesis.experimental.OPEN_API_3_1.enable()  # FastAPI writes OpenAPI 3.1


@schemathesis.hook
def filter_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> bool:
    """Path parameters a URL can carry (schemathesis would also try ``/`` and ``..``, which
    the router answers for another path)."""
    return not path_parameters or not any(
        isinstance(value, str) and (value in ("", ".", "..") or "/" in value)
        for value in path_parameters.values())


@schemathesis.hook
def filter_query(context: Any, query: dict[str, Any] | None) -> bool:
    """Query values without NUL characters (a URL cannot carry them)."""
    return not query or not any(isinstance(v, str) and "\x00" in v for v in query.values())


schema = schemathesis.from_pytest_fixture("api_schema")


@pytest.fixture(autouse=True)
def short_event_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    """Event streams end after a fraction of a second: a test client waits for the end of a
    response, and the generated cases call the stream routes too."""
    monkeypatch.setenv("KAM_EVENTS_MAX_SECONDS", "0.3")
    monkeypatch.setenv("KAM_EVENTS_POLL", "0.1")


@pytest.fixture
def api_schema(client: TestClient) -> Any:
    """The application's own OpenAPI document, served by the running application."""
    return schemathesis.from_asgi("/api/v1/openapi.json", client.app)


@schema.parametrize()
@settings(max_examples=5, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented_and_never_fails(case: Any, client: TestClient,
                                                                as_: Headers) -> None:
    response = case.call(headers=as_("ada"))
    case.validate_response(response, checks=(not_a_server_error,
                                              response_schema_conformance))


def test_a_share_link_or_csrf_token_with_non_ascii_characters_is_refused_not_a_crash(
        client: TestClient) -> None:
    # found by the test above: hmac.compare_digest refuses non-ASCII str (a 500 before)
    assert client.get("/api/v1/share/x.\u00e9t\u00e9").status_code == 401
    client.post("/api/v1/session", json={"name": "ann", "password": "password-ann"})
    tag = client.get("/api/v1/accounts/helios").headers["etag"]
    changed = client.patch("/api/v1/accounts/helios", json={"industry": "X"},
                           headers={"If-Match": tag, "X-CSRF-Token": "\u00e9t\u00e9".encode()})
    assert changed.status_code == 403

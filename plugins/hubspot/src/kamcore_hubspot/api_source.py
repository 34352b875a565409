"""``hubspot-api``: companies, contacts and deals read live through HubSpot's official Python
client (``hubspot-api-client``).

**PATH** is a small connection file (YAML or JSON) saying what to read; every key is
optional, and it never holds the token (a ``token`` or ``access_token`` key is refused)::

    objects: [companies, contacts, deals]   # the default: all three

**Credentials.** A private app's access token, from the environment variable
``KAM_HUBSPOT_TOKEN`` only: it is sent as ``Authorization: Bearer`` and never printed,
stored or put in a message. The app needs the ``crm.objects.companies.read``,
``crm.objects.contacts.read`` and ``crm.objects.deals.read`` scopes.

**Where.** ``https://api.hubapi.com``, or the URL in ``KAM_HUBSPOT_BASE_URL`` (the client's
``Configuration.host``; a test server on 127.0.0.1). Plain ``http://`` is refused except on
the loopback interface.

**What is read.** Every company, contact and deal (``GET /crm/v3/objects/{object}`` with the
properties of :data:`~kamcore_hubspot.objects.OBJECT_PROPERTIES` and the associations of
:data:`~kamcore_hubspot.objects.ASSOCIATIONS`), page after page (``paging.next.after``), mapped
as the JSON files are (:mod:`kamcore_hubspot.objects`). With ``since`` (an ISO datetime; one
without a zone is UTC) only the records modified since then are read, through the search API
(``POST /crm/v3/objects/{object}/search`` with ``hs_lastmodifieddate`` -- contacts:
``lastmodifieddate`` -- ``GTE`` the time in epoch milliseconds), their associations through
``POST /crm/v3/associations/{from}/{to}/batch/read`` (search results carry none). HubSpot's
search returns at most 10,000 records per query. Every object's ``updatedAt`` is reported
(:func:`kamcore.syncing.modified`): ``kam sync pull hubspot`` keeps the highest as its next
``since`` (``GTE``: the records of that very millisecond are read again, and found unchanged).

**Failures.** A 429 is retried after its ``Retry-After`` (at most :data:`MAX_WAIT` seconds
each, :data:`RETRIES` times), as are dropped connections; then, like a 401 (bad token), any
other refusal or a network error mid-read, the import stops with a clear message, exit code 2,
and nothing is written (the import's transaction is rolled back).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from kamcore.documents import load_document, validate_model
from kamcore.errors import InvalidInputError, Problem
from kamcore.syncing import modified

from .objects import (
    ASSOCIATIONS,
    OBJECT_PROPERTIES,
    SINGULAR,
    CrmObject,
    Locate,
    PathKey,
    object_rows,
)
from .reading import RecordMapper, Row

TOKEN_ENV = "KAM_HUBSPOT_TOKEN"
BASE_URL_ENV = "KAM_HUBSPOT_BASE_URL"
DEFAULT_BASE_URL = "https://api.hubapi.com"
#: How many times a request is retried (429, dropped connection) before the import fails.
RETRIES = 4
#: The longest wait honoured from a ``Retry-After`` header, in seconds.
MAX_WAIT = 30.0
#: Records per page (HubSpot's maximum for list and search).
PAGE_SIZE = 100
#: Seconds per request.
TIMEOUT = 60.0
#: The property holding each object's last modification time, for ``since``.
MODIFIED = {"companies": "hs_lastmodifieddate", "contacts": "lastmodifieddate",
            "deals": "hs_lastmodifieddate"}
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


#: Keys that would put a secret in the connection file.
SECRET_KEYS = frozenset({"token", "access_token", "api_key", "hapikey", "private_app_token"})


class Connection(BaseModel):
    """The connection file's content."""

    model_config = ConfigDict(extra="forbid")
    objects: list[Literal["companies", "contacts", "deals"]] | None = None


def load_connection(path: Path) -> Connection:
    """Read and check the connection file (a secret in it is refused).

    :raises InvalidInputError: not YAML/JSON, an unknown key or object, a secret.
    """
    doc = load_document(path)
    if isinstance(doc.data, Mapping):
        secrets = sorted(SECRET_KEYS & set(doc.data))
        if secrets:
            raise InvalidInputError(f"{doc.source}: secrets do not belong in the connection "
                                    "file", [doc.problem((key,), f"remove it; the token is "
                                             f"read from {TOKEN_ENV}") for key in secrets])
    return validate_model(Connection, {} if doc.data is None else doc.data, doc)


def parse_since(text: str) -> int:
    """``since`` as epoch milliseconds (an ISO datetime; without a zone, UTC).

    :raises InvalidInputError: not an ISO datetime.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(f"--since {text!r}: expected an ISO datetime such as "
                                "2026-01-15T00:00:00Z") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def base_url() -> str:
    """HubSpot's API root: ``KAM_HUBSPOT_BASE_URL`` or :data:`DEFAULT_BASE_URL`.

    :raises InvalidInputError: not an https URL (http only on the loopback interface).
    """
    url = (os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
    parts = urlsplit(url)
    if not parts.hostname or not (parts.scheme == "https" or (
            parts.scheme == "http" and parts.hostname in _LOOPBACK)):
        raise InvalidInputError(f"{BASE_URL_ENV}={url!r}: expected an https:// URL "
                                "(http:// only for 127.0.0.1)")
    return url


def _token() -> str:
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise InvalidInputError(f"{TOKEN_ENV} is not set: set it to a HubSpot private app's "
                                "access token (scopes crm.objects.companies.read, "
                                "crm.objects.contacts.read, crm.objects.deals.read)")
    return token


def _retry() -> Any:
    """urllib3's Retry: 429 and dropped connections, ``Retry-After`` capped at MAX_WAIT."""
    from urllib3.util.retry import Retry

    class CappedRetry(Retry):
        def get_retry_after(self, response: Any) -> float | None:
            wait: float | None = super().get_retry_after(response)
            return None if wait is None else min(wait, MAX_WAIT)

    return CappedRetry(total=RETRIES, status_forcelist=(429,), allowed_methods=None,
                       respect_retry_after_header=True, backoff_factor=0.2,
                       raise_on_status=True)


class ApiObjects(RecordMapper):
    """HubSpot's companies, contacts and deals, read live; :meth:`records` maps them."""

    def __init__(self, path: Path, since: str | None = None) -> None:
        super().__init__()
        self.objects = frozenset(load_connection(path).objects or ASSOCIATIONS)
        self.since = None if since is None else parse_since(since)
        self.url = base_url()
        token = _token()
        from hubspot import HubSpot  # type: ignore[import-untyped]

        self.client = HubSpot(access_token=token, host=self.url, retry=_retry())
        self.source = f"HubSpot API ({self.url})"

    def rows(self, kind: str) -> Iterator[Row]:
        if kind not in self.objects:
            return
        pages = self._list(kind) if self.since is None else self._search(kind)
        yield from object_rows(kind, self._objects(kind, pages))

    def _objects(self, kind: str, pages: Iterator[list[dict[str, Any]]]
                 ) -> Iterator[tuple[str, CrmObject, Locate]]:
        from pydantic import ValidationError

        for page in pages:
            for item in page:
                data = {key: value for key, value in item.items() if value is not None}
                label = f"{self.source}: {SINGULAR[kind]} {data.get('id')}"
                try:
                    obj = CrmObject.model_validate(data)
                except ValidationError as exc:
                    error = exc.errors()[0]
                    raise InvalidInputError(f"unexpected {SINGULAR[kind]} from {label}", [Problem(
                        str(error["msg"]), source=self.source,
                        path=(kind, str(data.get("id")), *error["loc"]))]) from None
                modified(data.get("updated_at"), f"{label} updatedAt")
                yield label, obj, self._locator(kind, obj.id)

    def _locator(self, kind: str, ident: str) -> Locate:
        def locate(path: PathKey, message: str) -> Problem:
            return Problem(message, source=self.source, path=(kind, ident, *path))

        return locate

    # -- requests -----------------------------------------------------------------------------

    def _api(self, kind: str) -> Any:
        return getattr(self.client.crm, kind)

    def _list(self, kind: str) -> Iterator[list[dict[str, Any]]]:
        after: str | None = None
        while True:
            page = self._call(kind, self._api(kind).basic_api.get_page, limit=PAGE_SIZE,
                              after=after, properties=list(OBJECT_PROPERTIES[kind]),
                              associations=list(ASSOCIATIONS[kind]) or None, archived=False)
            yield [item.to_dict() for item in page.results or []]
            after = _next(page)
            if after is None:
                return

    def _search(self, kind: str) -> Iterator[list[dict[str, Any]]]:
        module = __import__(f"hubspot.crm.{kind}", fromlist=["PublicObjectSearchRequest"])
        after: str | None = None
        while True:
            request = module.PublicObjectSearchRequest(
                filter_groups=[module.FilterGroup(filters=[module.Filter(
                    property_name=MODIFIED[kind], operator="GTE", value=str(self.since))])],
                sorts=[MODIFIED[kind]], properties=list(OBJECT_PROPERTIES[kind]),
                limit=PAGE_SIZE, after=after)
            page = self._call(kind, self._api(kind).search_api.do_search,
                              public_object_search_request=request)
            items = [item.to_dict() for item in page.results or []]
            self._associate(kind, items)
            yield items
            after = _next(page)
            if after is None:
                return

    def _associate(self, kind: str, items: list[dict[str, Any]]) -> None:
        """Fill ``associations`` of searched objects from the associations batch read."""
        if not items:
            return
        from hubspot.crm.associations import (  # type: ignore[import-untyped]
            BatchInputPublicObjectId,
            PublicObjectId,
        )

        by_id = {item["id"]: item for item in items}
        for other in ASSOCIATIONS[kind]:
            batch = BatchInputPublicObjectId(inputs=[PublicObjectId(id=i) for i in by_id])
            found = self._call(kind, self.client.crm.associations.batch_api.read,
                               from_object_type=kind, to_object_type=other,
                               batch_input_public_object_id=batch)
            for result in found.results or []:
                item = by_id.get(str(result._from.id))
                if item is not None:
                    item.setdefault("associations", {})[other] = {"results": [
                        {"id": str(to.id), "type": to.type} for to in result.to or []]}

    def _call(self, kind: str, request: Callable[..., Any], **arguments: Any) -> Any:
        """``request(**arguments)`` (one client call, with the timeout); HubSpot's refusals and
        network errors become :class:`InvalidInputError` (never with the token)."""
        from urllib3.exceptions import HTTPError, MaxRetryError, ResponseError

        try:
            return request(**arguments, _request_timeout=TIMEOUT)
        except MaxRetryError as exc:
            if isinstance(exc.reason, ResponseError):
                raise InvalidInputError(
                    f"{self.source}: still rate-limited (429) after {RETRIES} retries while "
                    f"reading {kind}; nothing imported, try again later") from None
            raise self._unreachable(kind, exc.reason) from None
        except HTTPError as exc:
            raise self._unreachable(kind, exc) from None
        except Exception as exc:
            status = getattr(exc, "status", None)
            if status is None or not hasattr(exc, "body"):
                raise
            raise self._refused(kind, int(status), exc.body) from None

    def _unreachable(self, kind: str, reason: object) -> InvalidInputError:
        return InvalidInputError(
            f"{self.source}: the connection failed while reading {kind} "
            f"({type(reason).__name__}); nothing imported")

    def _refused(self, kind: str, status: int, body: object) -> InvalidInputError:
        detail = _error_message(body)
        if status == 401:
            return InvalidInputError(
                f"{self.source}: HubSpot refused the access token in {TOKEN_ENV} (401"
                f"{': ' + detail if detail else ''}); nothing imported")
        return InvalidInputError(
            f"{self.source}: HubSpot refused reading {kind} ({status}"
            f"{': ' + detail if detail else ''}); nothing imported")


def _next(page: Any) -> str | None:
    paging = getattr(page, "paging", None)
    following = getattr(paging, "next", None) if paging is not None else None
    after = getattr(following, "after", None) if following is not None else None
    return str(after) if after else None


def _error_message(body: object) -> str:
    """``CATEGORY: message`` from HubSpot's error body (``{"status": "error", "message",
    "category", "correlationId"}``), or ''."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        data = json.loads(body) if isinstance(body, str) else None
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    parts = [str(data[key]) for key in ("category", "message") if data.get(key)]
    return ": ".join(parts)[:300]

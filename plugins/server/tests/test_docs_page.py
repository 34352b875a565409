"""The API docs page loads everything from this server (vendored Swagger UI, no CDN, no inline
script), its assets are the pinned upstream files, and the OpenAPI document names how to
authenticate."""

from __future__ import annotations

import hashlib
import json
from html.parser import HTMLParser
from importlib.resources import files
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

VENDORED = files("kamcore_server") / "static" / "swagger-ui"


class Assets(HTMLParser):
    """Every address a page loads (``src``, ``href``) and the text of its scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.addresses += [value or "" for name, value in attrs if name in ("src", "href")]
        self._in_script = tag == "script"
        assert not [name for name, _ in attrs if name.startswith("on")], (tag, attrs)
        assert tag != "style" and "style" not in dict(attrs), tag

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(data)


def test_the_docs_page_loads_only_same_origin_assets_that_exist(client: TestClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    found = Assets()
    found.feed(page.text)
    assert not found.inline  # the CSP would block it: Swagger UI starts from docs-init.js
    assert len(found.addresses) == 3
    for address in found.addresses:
        parts = urlsplit(address)
        assert not parts.scheme and not parts.netloc and address.startswith("/"), address
        asset = client.get(address)
        assert asset.status_code == 200 and asset.content, address
    assert "/static/swagger-ui/swagger-ui-bundle.js" in found.addresses
    init = client.get("/static/docs-init.js").text
    assert "http" not in init and 'getAttribute("data-openapi")' in init
    assert 'data-openapi="/api/v1/openapi.json"' in page.text


def test_the_vendored_swagger_ui_is_the_pinned_release_with_its_licence() -> None:
    listed = (VENDORED / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(listed) == 6
    for line in listed:
        digest, name = line.split(maxsplit=1)
        assert hashlib.sha256((VENDORED / name).read_bytes()).hexdigest() == digest, name
    package = json.loads((VENDORED / "package.json").read_text(encoding="utf-8"))
    assert (package["name"], package["version"]) == ("swagger-ui-dist", "5.35.0")
    assert "Apache License" in (VENDORED / "LICENSE").read_text(encoding="utf-8")


def test_the_openapi_document_names_the_bearer_scheme_on_signed_in_routes(
        client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            level = operation["x-kam-access"]
            named = {name for entry in operation.get("security", []) for name in entry}
            expected = {"bearer", "session"} if level in ("read", "write", "admin") else set()
            assert named == expected, (method, path, level)

"""``operations.sync_pull``: the watermark per source, kept in the workspace (SQLite and
PostgreSQL), advanced to the highest stamp the adapter reported and only when the pull
succeeded; dry runs and failures write nothing. The CRM here is a file read by an adapter
registered like any plugin's (the live adapters have their own tests against local servers)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kamcore import Account, Adapter, InvalidInputError, NotFoundError, Workspace, hookimpl
from kamcore.operations import sync_pull
from kamcore.plugin.host import PluginInfo
from kamcore.plugin.registry import Registry
from kamcore.syncing import began, modified, parse_stamp, watermark_key

KEY = watermark_key("kt")
#: the ``since`` of each read
calls: list[str | None] = []


def read(path: Path, *, since: str | None = None) -> Iterator[Account]:
    """Accounts of a JSON list ``{"id", "name", "stamp"}``: those stamped after ``since``; an
    item ``{"fail": "why"}`` fails the read there, ``{"now": stamp}`` reports the CRM's time."""
    calls.append(since)
    after = None if since is None else parse_stamp(since)
    for item in json.loads(path.read_text(encoding="utf-8")):
        if "fail" in item:
            raise InvalidInputError(f"{path}: {item['fail']}")
        if "now" in item:
            began(parse_stamp(item["now"]))
            continue
        if after is not None and parse_stamp(item["stamp"]) <= after:
            continue
        modified(item["stamp"])
        yield Account(id=item["id"], name=item["name"])


class Crm:
    @hookimpl
    def kam_adapters(self) -> list[Adapter]:
        return [Adapter("kt-crm-api", "Accounts, live.", read,
                        options={"since": "modified after"}, sync="kt")]


@pytest.fixture
def registry(core_host: Any) -> Registry:
    core_host.register(Crm(), PluginInfo(name="kt-crm", builtin=False))
    calls.clear()
    return Registry(core_host)


@pytest.fixture
def crm(tmp_path: Path) -> Any:
    """``crm(*items)`` writes the CRM's content and returns its path."""
    path = tmp_path / "crm.json"

    def write(*items: dict[str, str]) -> Path:
        path.write_text(json.dumps(list(items)), encoding="utf-8")
        return path

    return write


ACME = {"id": "acme", "name": "Acme", "stamp": "2026-12-01T09:00:05.250Z"}
GLOBEX = {"id": "globex", "name": "Globex", "stamp": "2026-12-01T10:00:00+01:00"}


def test_pulls_advance_the_watermark_to_the_crms_highest_stamp(
        backend: Any, registry: Registry, crm: Any) -> None:
    with Workspace.open(backend.target, create=True) as ws:
        path = crm(ACME, GLOBEX)
        first = sync_pull(ws, "kt", path, registry=registry)
        assert (first.previous, first.watermark) == (None, "2026-12-01T09:00:05.250Z")
        assert first.summary.total("created") == 2
        assert ws.settings()[KEY] == "2026-12-01T09:00:05.250Z"
        assert ws.get(Account, "acme").updated_by == "sync:kt"

        before = backend.dump()
        again = sync_pull(ws, "kt", path, registry=registry)
        assert calls == [None, "2026-12-01T09:00:05.250Z"]
        assert again.summary.total("created") == again.summary.total("updated") == 0
        assert backend.dump() == before  # not a row written, not even the watermark

        crm({**ACME, "name": "Acme Corp", "stamp": "2026-12-02T08:00:00Z"}, GLOBEX)
        dry = sync_pull(ws, "kt", path, registry=registry, dry_run=True)
        assert dry.watermark == "2026-12-02T08:00:00.000Z" and dry.summary.total("updated") == 1
        assert backend.dump() == before

        third = sync_pull(ws, "kt", path, registry=registry)
        assert (third.previous, third.watermark) == ("2026-12-01T09:00:05.250Z",
                                                     "2026-12-02T08:00:00.000Z")
        acme = ws.get(Account, "acme")
        assert (acme.name, acme.revision, acme.updated_by) == ("Acme Corp", 2, "sync:kt")


def test_a_failed_pull_writes_nothing_and_keeps_the_watermark(
        backend: Any, registry: Registry, crm: Any) -> None:
    with Workspace.open(backend.target, create=True) as ws:
        sync_pull(ws, "kt", crm(ACME), registry=registry)
        before = backend.dump()
        path = crm({**ACME, "name": "Acme Corp", "stamp": "2026-12-02T08:00:00Z"},
                   {"fail": "connection reset while reading page 2"})
        with pytest.raises(InvalidInputError, match="connection reset"):
            sync_pull(ws, "kt", path, registry=registry)
        assert backend.dump() == before
        assert ws.settings()[KEY] == ACME["stamp"]


def test_unknown_source_and_bad_watermarks_are_refused(
        tmp_path: Path, registry: Registry, crm: Any) -> None:
    with Workspace.open(tmp_path / "kam.db", create=True) as ws:
        with pytest.raises(NotFoundError, match="no sync source named 'kt2'; did you mean kt"):
            sync_pull(ws, "kt2", crm(ACME), registry=registry)
        ws.set_setting(KEY, "last tuesday")
        with pytest.raises(InvalidInputError, match=f"setting {KEY} 'last tuesday'"):
            sync_pull(ws, "kt", crm(ACME), registry=registry)
        ws.set_setting(KEY, None)
        with pytest.raises(InvalidInputError, match="'yesterday': expected an ISO datetime"):
            sync_pull(ws, "kt", crm({**ACME, "stamp": "yesterday"}), registry=registry)
        assert ws.count(Account) == 0 and KEY not in ws.settings()


def test_the_watermark_never_passes_the_crms_time_when_the_pull_began(
        tmp_path: Path, registry: Registry, crm: Any) -> None:
    with Workspace.open(tmp_path / "kam.db", create=True) as ws:
        path = crm({"now": "2026-12-01T09:00:03Z"}, ACME, GLOBEX, {"now": "2026-12-01T09:00:09Z"})
        assert sync_pull(ws, "kt", path, registry=registry).watermark == "2026-12-01T09:00:03.000Z"
        path = crm({"now": "2026-12-01T09:00:09Z"}, ACME, GLOBEX)
        assert sync_pull(ws, "KT", path, registry=registry).watermark == ACME["stamp"]
        assert ws.settings() == {KEY: ACME["stamp"]}  # one watermark, whatever the case

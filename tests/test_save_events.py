"""What a workspace tells about its saves: the listener given to ``Workspace.open`` (none by
default) and ``kamcore.events.HookEvents`` turning it into plugin hooks, on a real SQLite
file and on PostgreSQL (``backend``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from kamcore import Account, HookEvents, Plan, Review, Workspace, hookimpl
from kamcore.model import MethodologyRef
from kamcore.plugin.host import PluginHost, PluginInfo

if TYPE_CHECKING:
    from conftest import Backend


class Recorder:
    """A listener that notes each call: ``(event, record id, revision, other revision)``."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, int, int | None]] = []

    def plan_saved(self, workspace: Workspace, plan: Plan, previous: Plan | None) -> None:
        assert workspace.get(Plan, plan.id).revision >= plan.revision  # committed
        self.seen.append(("plan", plan.id, plan.revision, previous.revision if previous else None))

    def review_recorded(self, workspace: Workspace, review: Review, plan: Plan) -> None:
        assert workspace.find(Review, review.id) is not None  # committed
        self.seen.append(("review", review.id, review.revision, plan.revision))


class Raising(Recorder):
    def plan_saved(self, workspace: Workspace, plan: Plan, previous: Plan | None) -> None:
        raise RuntimeError("listener down")


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def ws(backend: Backend, recorder: Recorder) -> Iterator[Workspace]:
    with Workspace.open(backend.target, create=True, listener=recorder) as workspace:
        workspace.save(Account(id="acme", name="Acme"))
        yield workspace


def _plan(**fields: Any) -> Plan:
    return Plan(**{"id": "p1", "account_id": "acme", "step": "analyse",
                   "methodology": MethodologyRef(name="kt-gated", version="1.0"), **fields})


def _review(review_id: str, plan_revision: int) -> Review:
    return Review(id=review_id, plan_id="p1", account_id="acme", review_kind="internal",
                  date=date(2026, 2, 1), plan_revision=plan_revision)


def test_saves_are_told_after_the_commit(ws: Workspace, recorder: Recorder) -> None:
    plan = ws.save(_plan())
    assert recorder.seen == [("plan", "p1", 1, None)]
    with ws.transaction():
        plan = ws.save(plan.model_copy(update={"period": "FY27"}))
        ws.save(_review("r1", plan.revision))
        assert recorder.seen == [("plan", "p1", 1, None)]  # not before the commit
    assert recorder.seen[1:] == [("plan", "p1", 2, 1), ("review", "r1", 1, 2)]
    with pytest.raises(RuntimeError), ws.transaction():
        ws.save(plan.model_copy(update={"period": "FY28"}))
        raise RuntimeError("rolled back")
    assert len(recorder.seen) == 3  # nothing for the rolled-back save


def test_save_many_tells_after_its_transaction(ws: Workspace, recorder: Recorder) -> None:
    ws.save(_plan())
    recorder.seen.clear()
    results = ws.save_many([_plan(period="FY27"), _review("r1", 2), Account(id="acme",
                                                                           name="Acme")])
    assert [outcome for _record, outcome in results] == ["updated", "created", "unchanged"]
    assert recorder.seen == [("plan", "p1", 2, 1), ("review", "r1", 1, 2)]


def test_a_raising_listener_leaves_the_save_standing(backend: Backend) -> None:
    with Workspace.open(backend.target, create=True, listener=Raising()) as ws:
        ws.save(Account(id="acme", name="Acme"))
        with pytest.raises(RuntimeError, match="listener down"):
            ws.save(_plan())
        assert ws.get(Plan, "p1").revision == 1


def test_a_raising_hook_is_reported_and_the_save_stands(backend: Backend,
                                                        core_host: PluginHost) -> None:
    class Broken:
        @hookimpl
        def kam_plan_saved(self, plan):  # type: ignore[no-untyped-def]
            raise RuntimeError("hook down")

    core_host.register(Broken(), PluginInfo(name="broken", builtin=False))
    with Workspace.open(backend.target, create=True, listener=HookEvents(core_host)) as ws:
        ws.save(Account(id="acme", name="Acme"))
        assert ws.save(_plan()).revision == 1
        assert ws.get(Plan, "p1").revision == 1
    assert any("kam_plan_saved raised RuntimeError: hook down" in error
               for error in core_host.plugins["broken"].errors)


def test_without_a_listener_nothing_is_told(backend: Backend,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(PluginHost, "call", lambda self, name, **kwargs: calls.append(name))
    with Workspace.open(backend.target, create=True) as ws:
        ws.save(Account(id="acme", name="Acme"))
        plan = ws.save(_plan())
        ws.save_many([_plan(period="FY27"), _review("r1", plan.revision)])
    assert calls == []

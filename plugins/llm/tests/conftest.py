"""Fixtures of the kamcore-llm tests, all offline.

* ``llm_home`` (autouse): llm's configuration in a fresh folder, holding an API key
  (:data:`SECRET_KEY`, also in ``$OPENAI_API_KEY``) that must never appear in a prompt; the
  allowlist and default model unset (only ``echo`` allowed).
* ``canned``: an in-process llm model, ``canned``, registered through llm's own
  ``register_models`` hook; it records every prompt it receives and answers with the texts a
  test queues in ``answers`` (structured output, like a real model's).
* ``registry``: kamcore's built-ins plus a house plugin giving :data:`METHODOLOGY` (a
  methodology with private marks) and, when a test fills ``House.prompts``, ``kam_prompts``.
* ``workspace``: a real SQLite workspace with an account, two stakeholders (one with a private
  e-mail address) and a plan of :data:`METHODOLOGY` saved twice, private values included.
* ``kam_in_process``: runs ``kam`` in this process (so it sees ``canned``) on that workspace.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import llm
import pytest
import yaml

from kamcore import hookimpl
from kamcore.operations import Actor, add_account, add_stakeholder, new_plan, set_section
from kamcore.plugin.host import make_plugin_host
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

SECRET_KEY = "sk-kamtest-SECRET-0123456789"
PRIVATE_EMAIL = "chris.private@helios.example"
PRIVATE_NOTE = "PRIVATE-our-margin-is-12-percent"
PRIVATE_SECTION_TEXT = "PRIVATE-walk-away-price-900k"
PLAN = "helios-kt-private"
ANN = Actor("ann")

METHODOLOGY_YAML = """\
name: kt-private
version: "1.0"
title: Private-marks test methodology
description: Sections with parts a model must never see.
roles: [economic_buyer, champion]
steps:
  - key: analyse
    title: Analyse the account
    sections: [risks, notes]
    gate:
      message: the plan needs at least one action
      schema: {type: object, required: [actions]}
  - key: act
    title: Act on the plan
    sections: [actions]
sections:
  - key: risks
    title: Risks
    schema:
      type: object
      required: [items]
      additionalProperties: false
      properties:
        items:
          type: array
          items:
            type: object
            required: [title, likelihood, impact]
            additionalProperties: false
            properties:
              title: {type: string, minLength: 1}
              likelihood: {type: integer, minimum: 1, maximum: 5}
              impact: {type: integer, minimum: 1, maximum: 5}
              mitigation: {type: string}
              internal_note: {type: string, x-kam-private: true}
  - key: notes
    title: Negotiation notes
    schema: {type: object, x-kam-private: true, properties: {text: {type: string}}}
  - key: actions
    title: Actions
    schema: {type: array, items: {$ref: "urn:kamcore:shape:action"}}
"""
METHODOLOGY: dict[str, Any] = yaml.safe_load(METHODOLOGY_YAML)


class House:
    """A house plugin: the methodology, and prompt templates a test may set."""

    def __init__(self) -> None:
        self.prompts: list[Any] = []

    @hookimpl
    def kam_methodologies(self) -> list[Any]:
        return [METHODOLOGY]

    @hookimpl
    def kam_prompts(self) -> list[Any]:
        return self.prompts


class CannedModel(llm.Model):  # type: ignore[misc]
    """A model that answers with queued texts and records what it was sent."""

    model_id = "canned"
    supports_schema = True
    can_stream = False

    def __init__(self) -> None:
        self.answers: list[str] = []
        self.received: list[llm.Prompt] = []

    def execute(self, prompt: llm.Prompt, stream: bool, response: Any,
                conversation: Any) -> Iterator[str]:
        self.received.append(prompt)
        yield self.answers.pop(0) if self.answers else "{}"


class CannedPlugin:
    """Registers :class:`CannedModel` through llm's ``register_models`` hook."""

    def __init__(self, model: CannedModel) -> None:
        self.model = model

    @llm.hookimpl
    def register_models(self, register: Callable[..., None]) -> None:
        register(self.model)


@pytest.fixture(autouse=True)
def llm_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """llm's configuration in a fresh folder with a key that must never be sent."""
    home = tmp_path / "llm-home"
    home.mkdir()
    (home / "keys.json").write_text(json.dumps({"openai": SECRET_KEY}), encoding="utf-8")
    monkeypatch.setenv("LLM_USER_PATH", str(home))
    monkeypatch.setenv("OPENAI_API_KEY", SECRET_KEY)
    for name in ("KAM_LLM_MODEL", "KAM_LLM_ALLOWED_MODELS", "KAM_WORKSPACE",
                 "KAMCORE_LOAD_PLUGINS", "KAMCORE_STRICT_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def canned() -> Iterator[CannedModel]:
    """The in-process ``canned`` model, registered with llm for this test."""
    model = CannedModel()
    llm.plugins.pm.register(CannedPlugin(model), name="kamcore-llm-test-canned")
    try:
        yield model
    finally:
        llm.plugins.pm.unregister(name="kamcore-llm-test-canned")


@pytest.fixture
def house() -> House:
    """The house plugin of this test's registry."""
    return House()


@pytest.fixture
def registry(house: House) -> Registry:
    """kamcore's built-ins and the house plugin (no other installed plugin)."""
    return Registry(make_plugin_host(entry_points=False, extra={"house": house}))


def build_workspace(path: Path, registry: Registry) -> None:
    """The account, stakeholders and plan the tests read (see the module docstring)."""
    with Workspace.open(path, create=True) as ws:
        add_account(ws, ANN, "Helios Energy", account_id="helios", industry="Utilities")
        add_stakeholder(ws, ANN, "helios", "Chris Finance", stakeholder_id="helios.chris",
                        title="CFO", roles=["economic_buyer"], influence=5, support=1,
                        email=PRIVATE_EMAIL, last_contact=date.today() - timedelta(days=200))
        add_stakeholder(ws, ANN, "helios", "Pat Plant", stakeholder_id="helios.pat",
                        title="Plant manager", influence=3)
        new_plan(ws, ANN, "helios", "kt-private", plan_id=PLAN, registry=registry)
        set_section(ws, ANN, PLAN, "notes", {"text": PRIVATE_SECTION_TEXT}, registry=registry)
        set_section(ws, ANN, PLAN, "risks", {"items": [
            {"title": "Budget freeze", "likelihood": 4, "impact": 5,
             "internal_note": PRIVATE_NOTE},
        ]}, registry=registry)
        set_section(ws, ANN, PLAN, "actions", [
            {"id": "a1", "title": "Pricing workshop", "owner": "Jo",
             "due": (date.today() - timedelta(days=10)).isoformat(), "status": "open"},
        ], registry=registry)


@pytest.fixture
def workspace_path(tmp_path: Path, registry: Registry) -> Path:
    """The path of a fresh workspace built by :func:`build_workspace`."""
    path = tmp_path / "kam.db"
    build_workspace(path, registry)
    return path


@pytest.fixture
def workspace(workspace_path: Path) -> Iterator[Workspace]:
    """That workspace, open."""
    with Workspace.open(workspace_path) as ws:
        yield ws


@pytest.fixture
def never_sent() -> tuple[str, ...]:
    """Texts no prompt may hold: private values, the e-mail address, the key, private names."""
    return (PRIVATE_EMAIL, PRIVATE_NOTE, PRIVATE_SECTION_TEXT, SECRET_KEY, "internal_note")


@pytest.fixture
def plan_id() -> str:
    """The id of the plan :func:`build_workspace` makes."""
    return PLAN


@pytest.fixture
def methodology_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """:data:`METHODOLOGY_YAML` in a folder on ``$KAMCORE_METHODOLOGY_PATH``, for ``kam`` run
    in this process, whose plugin host and registry are rebuilt before and after."""
    from kamcore.plugin.host import get_plugin_host
    from kamcore.plugin.registry import get_registry

    folder = tmp_path / "methodologies"
    folder.mkdir()
    (folder / "kt-private.yaml").write_text(METHODOLOGY_YAML, encoding="utf-8")
    monkeypatch.setenv("KAMCORE_METHODOLOGY_PATH", str(folder))
    get_registry.cache_clear()
    get_plugin_host.cache_clear()
    yield folder
    get_registry.cache_clear()
    get_plugin_host.cache_clear()


@pytest.fixture
def secret_key() -> str:
    """The API key in llm's configuration (sent to a model only as its Authorization)."""
    return SECRET_KEY

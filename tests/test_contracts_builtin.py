"""The built-in plugins pass the same contract suite third-party plugins subclass."""

from __future__ import annotations

from pathlib import Path

import pytest

from kamcore.documents import Document
from kamcore.events import HookEvents
from kamcore.exporting import export_context
from kamcore.methodology import build_methodology
from kamcore.model import Plan
from kamcore.planning import new_plan
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace
from kamcore.testing import (
    AdapterContract,
    ExporterContract,
    RubricContract,
    seed_account,
)


class TestMarkdownExporter(ExporterContract):
    @pytest.fixture
    def exporter_name(self) -> str:
        return "markdown"


class TestDataExporters(ExporterContract):
    renders_markup = False

    @pytest.fixture(params=["json", "yaml"])
    def exporter_name(self, request: pytest.FixtureRequest) -> str:
        return str(request.param)


class TestBuiltinRubrics(RubricContract):
    @pytest.fixture(params=["account-tiering", "stakeholder-coverage", "qbr-health"])
    def rubric_name(self, request: pytest.FixtureRequest) -> str:
        return str(request.param)


class TestJsonAdapter(AdapterContract):
    @pytest.fixture
    def adapter_name(self) -> str:
        return "json"

    @pytest.fixture
    def adapter_sample_path(self, tmp_path: Path, kam_registry: Registry) -> Path:
        """A bundle exported from another workspace holding one demo account and a plan."""
        source = Workspace.open(tmp_path / "source.db", create=True,
                                listener=HookEvents(kam_registry.host))
        seed_account(source, "helios")
        methodology_doc = {
            "name": "bundle-test", "version": "1.0.0", "title": "Bundle test",
            "steps": [{"key": "only", "title": "Only step"}], "sections": [],
        }
        methodology = build_methodology(Document(methodology_doc, "<test>"))
        plan = new_plan(source, methodology, "helios")
        rendered = kam_registry.exporter("json").render(
            export_context(source, kam_registry, source.get(Plan, plan.id)))
        path = tmp_path / "bundle.json"
        path.write_text(str(rendered), encoding="utf-8")
        source.close()
        return path

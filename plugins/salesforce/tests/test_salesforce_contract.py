"""kamcore's adapter and exporter contracts, for every adapter and the exporter of the plugin."""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import pytest

from kamcore.testing import AdapterContract, ExporterContract

SAMPLES = Path(str(files("kamcore_salesforce") / "samples"))


class TestFileAdapters(AdapterContract):
    @pytest.fixture(params=["salesforce-csv", "salesforce-tree"])
    def adapter_name(self, request: pytest.FixtureRequest) -> str:
        return str(request.param)

    @pytest.fixture
    def adapter_sample_path(self, adapter_name: str) -> Path:
        if adapter_name == "salesforce-csv":
            return SAMPLES / "csv"
        return SAMPLES / "tree" / "Account-Contact-Opportunity-plan.json"


class TestApiAdapter(AdapterContract):
    @pytest.fixture
    def adapter_name(self) -> str:
        return "salesforce-api"

    @pytest.fixture
    def adapter_sample_path(self, connection: Callable[..., Path]) -> Path:
        return connection()


class TestTasksExporter(ExporterContract):
    renders_markup = False  # CSV is data; formulas are neutralised (see test_salesforce_tasks)

    @pytest.fixture
    def exporter_name(self) -> str:
        return "salesforce-tasks"

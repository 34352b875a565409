"""The plugin author kit: pytest fixtures, sample data and contract test classes.

Installed as a pytest plugin (entry point ``pytest11: kamcore``), so the fixtures are available
in any test suite of an environment where kamcore is installed. Subclass a contract and give it
the fixture it needs::

    from kamcore.testing import MethodologyContract

    class TestMyMethodology(MethodologyContract):
        @pytest.fixture
        def kam_plugin_names(self):
            return {"my_plugin"}          # entry-point names under test

        @pytest.fixture
        def methodology_name(self):
            return "my-methodology"
"""

from __future__ import annotations

from .browser import chromium
from .contracts import (
    AdapterContract,
    ExporterContract,
    MethodologyContract,
    PluginContract,
    RubricContract,
)
from .factories import (
    FORMULA_PAYLOADS,
    HOSTILE_ACTION_TITLE,
    HOSTILE_NAME,
    INERT_CELL_TEXTS,
    sample_account,
    sample_opportunity,
    sample_plan,
    sample_stakeholder,
    seed_account,
)
from .fixtures import Checker
from .problems import message_at

__all__ = [
    "FORMULA_PAYLOADS",
    "HOSTILE_ACTION_TITLE",
    "HOSTILE_NAME",
    "INERT_CELL_TEXTS",
    "AdapterContract",
    "Checker",
    "ExporterContract",
    "MethodologyContract",
    "PluginContract",
    "RubricContract",
    "chromium",
    "message_at",
    "sample_account",
    "sample_opportunity",
    "sample_plan",
    "sample_stakeholder",
    "seed_account",
]

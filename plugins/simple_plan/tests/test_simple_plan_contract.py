"""kamcore's methodology contract: what every methodology plugin must guarantee."""

from __future__ import annotations

import pytest

from kamcore.testing import MethodologyContract


class TestSimplePlanContract(MethodologyContract):
    @pytest.fixture
    def methodology_name(self) -> str:
        return "simple_plan"

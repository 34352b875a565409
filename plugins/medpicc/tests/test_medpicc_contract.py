"""kamcore's methodology contract, for medpicc and its meddic and meddicc variants."""

from __future__ import annotations

import pytest

from kamcore.testing import MethodologyContract


class TestMedpiccContract(MethodologyContract):
    @pytest.fixture(params=["medpicc", "meddic", "meddicc"])
    def methodology_name(self, request: pytest.FixtureRequest) -> str:
        return str(request.param)

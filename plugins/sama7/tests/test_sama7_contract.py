"""kamcore's methodology contract, for sama7 and its sama7-lite variant."""

from __future__ import annotations

import pytest

from kamcore.testing import MethodologyContract


class TestSama7Contract(MethodologyContract):
    @pytest.fixture(params=["sama7", "sama7-lite"])
    def methodology_name(self, request: pytest.FixtureRequest) -> str:
        return str(request.param)

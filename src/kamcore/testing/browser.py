"""A real browser for rendering tests: the Chromium on the machine's PATH."""

from __future__ import annotations

import os
import shutil

import pytest


def chromium() -> str:
    """The path of Chromium (``chromium`` or ``chromium-browser`` on PATH). Without one the
    test is skipped, or fails under CI (``CI`` set), where ``.ci/setup.d/10-chromium.sh``
    installs it."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed: .ci/setup.d/10-chromium.sh should have "
                    "installed it (apt-get install chromium)")
    pytest.skip("chromium is not installed (run .ci/setup.d/10-chromium.sh); CI requires it")

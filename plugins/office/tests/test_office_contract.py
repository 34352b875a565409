"""kamcore's exporter contract for ``xlsx`` and ``pptx``, and how the plugin registers."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kamcore.plugin.registry import Registry
from kamcore.testing import ExporterContract


class TestOfficeExporters(ExporterContract):
    renders_markup = False  # binary formats: text is data inside XML, checked below

    @pytest.fixture(params=["xlsx", "pptx"])
    def exporter_name(self, request: pytest.FixtureRequest) -> str:
        return str(request.param)

    def test_renders_bytes_in_a_zip(self, rendered: str | bytes) -> None:
        assert isinstance(rendered, bytes)
        assert rendered[:2] == b"PK"  # both are Office Open XML zip packages


def test_exporters_are_provided_by_the_office_plugin(kam_registry: Registry) -> None:
    for name, suffix in (("xlsx", ".xlsx"), ("pptx", ".pptx")):
        assert kam_registry.provider("exporter", name) == "office"
        assert kam_registry.exporter(name).suffix == suffix


def test_loading_the_plugin_imports_no_office_library() -> None:
    code = ("import sys\n"
            "from kamcore.plugin.host import make_plugin_host\n"
            "from kamcore.plugin.registry import Registry\n"
            "registry = Registry(make_plugin_host(allowlist=frozenset({'office'}), "
            "strict=True))\n"
            "assert 'xlsx' in registry.exporters\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'openpyxl', 'pptx', "
            "'PIL', 'lxml'}))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"

"""This plugin against kamcore's contract suite (and its own behaviour)."""
{%- set kinds = cookiecutter.__kinds.split(",") %}

from __future__ import annotations
{% if "adapter" in kinds %}
from importlib.resources import files
from pathlib import Path
{% endif %}
import pytest

from kamcore.testing import (
{%- if "adapter" in kinds %}
    AdapterContract,
{%- endif %}
{%- if "exporter" in kinds %}
    ExporterContract,
{%- endif %}
{%- if "methodology" in kinds %}
    MethodologyContract,
{%- endif %}
    PluginContract,
{%- if "rubric" in kinds %}
    RubricContract,
{%- endif %}
)


@pytest.fixture
def kam_plugin_names() -> set[str]:
    return {"{{ cookiecutter.__entry_point }}"}


class TestPlugin(PluginContract):
    """The plugin loads, registers every hook it implements, and nothing it does fails."""
{%- if "methodology" in kinds %}


class TestMethodology(MethodologyContract):
    @pytest.fixture
    def methodology_name(self) -> str:
        return "{{ cookiecutter.contribution_name }}"
{%- endif %}
{%- if "rubric" in kinds %}


class TestRubric(RubricContract):
    @pytest.fixture
    def rubric_name(self) -> str:
        return "{{ cookiecutter.contribution_name }}"
{%- endif %}
{%- if "exporter" in kinds %}


class TestExporter(ExporterContract):
    renders_markup = False

    @pytest.fixture
    def exporter_name(self) -> str:
        return "{{ cookiecutter.contribution_name }}"

    def test_formulas_are_neutralised(self, rendered: str | bytes) -> None:
        assert "\n=HYPERLINK" not in str(rendered)
        assert "'=HYPERLINK" in str(rendered)
{%- endif %}
{%- if "adapter" in kinds %}


class TestAdapter(AdapterContract):
    @pytest.fixture
    def adapter_name(self) -> str:
        return "{{ cookiecutter.contribution_name }}"

    @pytest.fixture
    def adapter_sample_path(self) -> Path:
        return Path(str(files("{{ cookiecutter.package_name }}") / "sample" / "accounts.csv"))
{%- endif %}

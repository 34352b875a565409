"""This plugin against kamcore's contract suite (and its own behaviour)."""

from __future__ import annotations
{% if cookiecutter.provides == "adapter" %}
from importlib.resources import files
from pathlib import Path
{% endif %}
import pytest

from kamcore.testing import {% if cookiecutter.provides == "methodology" %}MethodologyContract{% elif cookiecutter.provides == "rubric" %}RubricContract{% elif cookiecutter.provides == "exporter" %}ExporterContract{% else %}AdapterContract{% endif %}


@pytest.fixture
def kam_plugin_names() -> set[str]:
    return {"{{ cookiecutter.plugin_name }}"}
{% if cookiecutter.provides == "methodology" %}

class TestMethodology(MethodologyContract):
    @pytest.fixture
    def methodology_name(self) -> str:
        return "{{ cookiecutter.contribution_name }}"
{% elif cookiecutter.provides == "rubric" %}

class TestRubric(RubricContract):
    @pytest.fixture
    def rubric_name(self) -> str:
        return "{{ cookiecutter.contribution_name }}"
{% elif cookiecutter.provides == "exporter" %}

class TestExporter(ExporterContract):
    renders_markup = False

    @pytest.fixture
    def exporter_name(self) -> str:
        return "{{ cookiecutter.contribution_name }}"

    def test_formulas_are_neutralised(self, rendered: str | bytes) -> None:
        assert "\n=HYPERLINK" not in str(rendered)
        assert "'=HYPERLINK" in str(rendered)
{% else %}

class TestAdapter(AdapterContract):
    @pytest.fixture
    def adapter_name(self) -> str:
        return "{{ cookiecutter.contribution_name }}"

    @pytest.fixture
    def adapter_sample_path(self) -> Path:
        return Path(str(files("{{ cookiecutter.package_name }}") / "sample" / "accounts.csv"))
{% endif %}

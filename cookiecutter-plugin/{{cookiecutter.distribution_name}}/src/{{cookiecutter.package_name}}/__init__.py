"""{{ cookiecutter.description }}

Registered with kamcore through the ``kamcore`` entry point ``{{ cookiecutter.plugin_name }}``.
"""

from __future__ import annotations
{% if cookiecutter.provides in ["methodology", "rubric"] %}
from importlib.resources import files
from importlib.resources.abc import Traversable
{% endif %}
from kamcore import hookimpl
{% if cookiecutter.provides == "methodology" %}

@hookimpl
def kam_methodologies() -> list[Traversable]:
    """The methodology document shipped in this package."""
    return [files("{{ cookiecutter.package_name }}") / "methodology.yaml"]
{% elif cookiecutter.provides == "rubric" %}
from kamcore import Signal

from .signals import open_pipeline


@hookimpl
def kam_rubrics() -> list[Traversable]:
    """The rubric document shipped in this package."""
    return [files("{{ cookiecutter.package_name }}") / "rubric.yaml"]


@hookimpl
def kam_signals() -> list[Signal]:
    """Signals the rubric's computed criteria use."""
    return [Signal("{{ cookiecutter.plugin_name }}_open_pipeline",
                   "Open pipeline value in millions.", open_pipeline)]
{% elif cookiecutter.provides == "exporter" %}
from kamcore import Exporter

from .exporter import render_actions_csv


@hookimpl
def kam_exporters() -> list[Exporter]:
    """The exporters of this package."""
    return [Exporter("{{ cookiecutter.contribution_name }}",
                     "The plan's actions as CSV, formulas neutralised.", ".csv",
                     render_actions_csv)]
{% elif cookiecutter.provides == "adapter" %}
from kamcore import Adapter

from .adapter import read_accounts


@hookimpl
def kam_adapters() -> list[Adapter]:
    """The adapters of this package."""
    return [Adapter("{{ cookiecutter.contribution_name }}",
                    "Accounts from a CSV file with id, name, industry columns.", read_accounts)]
{% endif %}

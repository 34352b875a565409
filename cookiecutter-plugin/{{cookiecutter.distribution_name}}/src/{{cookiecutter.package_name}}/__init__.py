"""{{ cookiecutter.description }}

Registered with kamcore through the ``kamcore`` entry point ``{{ cookiecutter.__entry_point }}``.
"""
{%- set kinds = cookiecutter.__kinds.split(",") %}

from __future__ import annotations
{% if "methodology" in kinds or "rubric" in kinds %}
from importlib.resources import files
from importlib.resources.abc import Traversable
{%- endif %}
{%- if "check" in kinds %}
from typing import TYPE_CHECKING
{%- endif %}

from kamcore import {% if "adapter" in kinds %}Adapter, {% endif %}{% if "exporter" in kinds %}Exporter, {% endif %}{% if "rubric" in kinds %}Signal, {% endif %}hookimpl
{% if "adapter" in kinds %}
from .adapter import read_accounts
{%- endif %}
{%- if "check" in kinds %}
from .checks import missing_economic_buyer
{%- endif %}
{%- if "exporter" in kinds %}
from .exporter import render_actions_csv
{%- endif %}
{%- if "rubric" in kinds %}
from .signals import open_pipeline
{%- endif %}
{%- if "check" in kinds %}

if TYPE_CHECKING:  # record types for the annotations only: loading the plugin stays cheap
    from kamcore import AccountSnapshot, Finding
    from kamcore.methodology import Methodology
    from kamcore.model import Plan
{%- endif %}
{%- if "methodology" in kinds %}


@hookimpl
def kam_methodologies() -> list[Traversable]:
    """The methodology document shipped in this package."""
    return [files("{{ cookiecutter.package_name }}") / "methodology.yaml"]
{%- endif %}
{%- if "rubric" in kinds %}


@hookimpl
def kam_rubrics() -> list[Traversable]:
    """The rubric document shipped in this package."""
    return [files("{{ cookiecutter.package_name }}") / "rubric.yaml"]


@hookimpl
def kam_signals() -> list[Signal]:
    """Signals the rubric's computed criteria use."""
    return [Signal("{{ cookiecutter.__entry_point }}_open_pipeline",
                   "Open pipeline value in millions.", open_pipeline)]
{%- endif %}
{%- if "exporter" in kinds %}


@hookimpl
def kam_exporters() -> list[Exporter]:
    """The exporters of this package."""
    return [Exporter("{{ cookiecutter.contribution_name }}",
                     "The plan's actions as CSV, formulas neutralised.", ".csv",
                     render_actions_csv)]
{%- endif %}
{%- if "adapter" in kinds %}


@hookimpl
def kam_adapters() -> list[Adapter]:
    """The adapters of this package."""
    return [Adapter("{{ cookiecutter.contribution_name }}",
                    "Accounts from a CSV file with id, name, industry columns.", read_accounts)]
{%- endif %}
{%- if "check" in kinds %}


@hookimpl
def kam_check_plan(plan: Plan, methodology: Methodology,
                   snapshot: AccountSnapshot) -> list[Finding]:
    """This plugin's findings about a plan (see checks.py); name only the arguments you use."""
    return missing_economic_buyer(plan, methodology, snapshot)
{%- endif %}

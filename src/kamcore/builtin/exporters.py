"""Built-in exporters: ``json`` (the kamcore bundle), ``yaml``, ``markdown``, ``html`` (a
self-contained review report), ``csv`` (the plan's actions) and ``csv-plan`` (every section as
one long table)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..plugin.contributions import ExportContext, Exporter, PortfolioIndex
from ..plugin.markers import hookimpl


def _render_yaml(context: ExportContext) -> str:
    import yaml

    from .bundle import bundle_of

    return yaml.safe_dump(bundle_of(context), sort_keys=True, allow_unicode=True)


def _render_json(context: ExportContext) -> str:
    from .bundle import render_json

    return render_json(context)


def _render_markdown(context: ExportContext) -> str:
    from .markdown import render_markdown

    return render_markdown(context)


def _render_html(context: ExportContext) -> str:
    from .html import render_html

    return render_html(context)


def _summarise_html(context: ExportContext) -> Any:
    from .html import plan_summary

    return plan_summary(context)


def _render_html_index(entries: Sequence[tuple[Any, str]]) -> str:
    from .html import render_portfolio

    return render_portfolio(entries)


def _render_csv(context: ExportContext) -> str:
    from .csv_actions import render_csv

    return render_csv(context)


def _render_csv_plan(context: ExportContext) -> str:
    from .csv_plan import render_csv_plan

    return render_csv_plan(context)


@hookimpl
def kam_exporters() -> list[Exporter]:
    return [
        Exporter("json", "The plan and its account's records as a kamcore JSON bundle "
                         "(imports back with `kam import json`).", ".json", _render_json),
        Exporter("yaml", "The same bundle as YAML.", ".yaml", _render_yaml),
        Exporter("markdown", "A readable plan: account, stakeholders, opportunities, each step "
                             "and section, findings.", ".md", _render_markdown),
        Exporter("html", "A self-contained review report (no scripts, no external assets): "
                         "stakeholder map, whitespace heatmap, objectives, actions, scores, "
                         "findings and the plan step by step.", ".html", _render_html,
                 index=PortfolioIndex("index.html", _summarise_html, _render_html_index)),
        Exporter("csv", "The plan's actions as CSV (UTF-8 with a byte-order mark), formulas "
                        "neutralised.", ".csv", _render_csv),
        Exporter("csv-plan", "Every section of the plan as one long CSV table: section, item, "
                             "field, value (UTF-8 with a byte-order mark, formulas "
                             "neutralised).", ".csv", _render_csv_plan),
    ]

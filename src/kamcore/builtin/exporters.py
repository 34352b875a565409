"""Built-in exporters: ``json`` (the kamcore bundle), ``yaml`` and ``markdown``."""

from __future__ import annotations

from ..contributions import ExportContext, Exporter
from ..markers import hookimpl


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


@hookimpl
def kam_exporters() -> list[Exporter]:
    return [
        Exporter("json", "The plan and its account's records as a kamcore JSON bundle "
                         "(imports back with `kam import json`).", ".json", _render_json),
        Exporter("yaml", "The same bundle as YAML.", ".yaml", _render_yaml),
        Exporter("markdown", "A readable plan: account, stakeholders, opportunities, each step "
                             "and section, findings.", ".md", _render_markdown),
    ]

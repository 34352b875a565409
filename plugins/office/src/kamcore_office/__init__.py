"""kamcore plugin ``office``: a plan as an XLSX workbook and as a PPTX review deck.

Contributes two exporters through ``kam_exporters``:

* ``xlsx`` (:mod:`kamcore_office.workbook`, openpyxl): a summary sheet, stakeholders,
  relationships, opportunities, the whitespace grid, objectives, actions, risks, scores,
  reviews, findings, then one sheet per plan section. Every text cell is typed as a string,
  quote-prefixed when :func:`kamcore.exporting.formula_like`, so nothing in the data can run
  as a formula and every text reads back unchanged.
* ``pptx`` (:mod:`kamcore_office.deck`, python-pptx): a review deck with a summary, the
  stakeholder map, the whitespace grid, objectives and actions, risks, scores and what changed
  since the last review.

openpyxl and python-pptx are imported only when an exporter runs, so installing this plugin
costs ``kam`` nothing at start-up.
"""

from __future__ import annotations

from kamcore import hookimpl
from kamcore.plugin.contributions import ExportContext, Exporter

__all__ = ["kam_exporters"]


def _render_xlsx(context: ExportContext) -> bytes:
    from .workbook import render_xlsx

    return render_xlsx(context)


def _render_pptx(context: ExportContext) -> bytes:
    from .deck import render_pptx

    return render_pptx(context)


@hookimpl
def kam_exporters() -> list[Exporter]:
    """The ``xlsx`` workbook and the ``pptx`` review deck."""
    return [
        Exporter("xlsx", "The plan as an Excel workbook: stakeholders, whitespace grid, "
                         "objectives, actions, risks, scores, findings and one sheet per "
                         "section (formulas neutralised).", ".xlsx", _render_xlsx),
        Exporter("pptx", "A PowerPoint review deck: summary, stakeholder map, whitespace, "
                         "objectives and actions, scores, and what changed since the last "
                         "review.", ".pptx", _render_pptx),
    ]

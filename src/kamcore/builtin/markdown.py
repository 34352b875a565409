"""The ``markdown`` exporter: a plan people read in a review.

Everything taken from the data is escaped: Markdown punctuation is backslash-escaped and
``<``, ``>`` and ``&`` become entities, so a stakeholder called ``<script>`` or an action
starting with ``=`` stays inert text in any Markdown renderer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..contributions import ExportContext

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~=-])")


def escape(value: Any) -> str:
    """Text safe to place in Markdown (also inside a table cell)."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set, frozenset)):
        value = ", ".join(str(v) for v in (sorted(value) if isinstance(value, (set, frozenset))
                                            else value))
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    return " ".join(text.split())


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(escape(h) for h in headers) + " |",
             "|" + "---|" * len(headers)]
    lines.extend("| " + " | ".join(escape(cell) for cell in row) + " |" for row in rows)
    return lines


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def render_value(value: Any) -> list[str]:
    """Section data as Markdown: lists of objects as tables, objects as bullet lists."""
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        columns: list[str] = []
        for item in value:
            columns.extend(k for k in item if k not in columns)
        return _table([_label(c) for c in columns],
                      ([_flat(item.get(c)) for c in columns] for item in value))
    if isinstance(value, list):
        return [f"- {escape(_flat(item))}" for item in value] or ["_(empty)_"]
    if isinstance(value, Mapping):
        return [f"- **{escape(_label(str(k)))}**: {escape(_flat(v))}" for k, v in value.items()]
    return [escape(value)]


def _flat(value: Any) -> str:
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_flat(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_flat(v) for v in value)
    return "" if value is None else str(value)


def render_markdown(context: ExportContext) -> str:
    """The whole plan as one Markdown document."""
    plan, snapshot, methodology = context.plan, context.snapshot, context.methodology
    account = snapshot.account
    out = [f"# Account plan: {escape(account.name)}", ""]
    method = (f"{escape(methodology.title)} ({escape(plan.methodology.name)} "
              f"{escape(plan.methodology.version)})" if methodology else
              f"{escape(plan.methodology.name)} {escape(plan.methodology.version)} (not installed)")
    out += [f"- **Methodology**: {method}",
            f"- **Period**: {escape(plan.period or 'not set')}",
            f"- **Current step**: {escape(_step_title(context))}",
            f"- **Plan**: {escape(plan.id)}, revision {plan.revision}", ""]
    out += ["## Account", ""]
    out += _table(["Field", "Value"], [
        ["Industry", account.industry], ["Annual revenue", _money(account.annual_revenue)],
        ["Owner", account.owner], ["Tier", account.tier],
        ["Business units", account.business_units], ["Parent", account.parent_id],
        ["External ids", ", ".join(f"{k}: {v}" for k, v in sorted(account.external_ids.items()))],
    ]) + [""]
    out += ["## Stakeholders", ""]
    out += _table(["Name", "Title", "Business unit", "Roles", "Influence", "Support",
                   "Our owner", "Last contact"],
                  [[s.name, s.title, s.business_unit, s.roles, s.influence, s.support,
                    s.seller_owner, s.last_contact] for s in snapshot.stakeholders]
                  ) if snapshot.stakeholders else ["_No stakeholders recorded._"]
    out.append("")
    if snapshot.relationships:
        names = {s.id: s.name for s in snapshot.stakeholders}
        out += ["### Relationships", ""]
        out += [f"- {escape(names.get(r.source_id, r.source_id))} *{escape(r.type)}* "
                f"{escape(names.get(r.target_id, r.target_id))}" for r in snapshot.relationships]
        out.append("")
    out += ["## Opportunities", ""]
    out += _table(["Name", "Stage", "Amount", "Close date", "Probability", "Product line"],
                  [[o.name, o.stage, _money(o.amount), o.close_date, o.probability,
                    o.product_line] for o in snapshot.opportunities]
                  ) if snapshot.opportunities else ["_No opportunities recorded._"]
    out.append("")
    out += _plan_body(context)
    out += ["## Findings", ""]
    out += [f"- **{f.severity}** `{escape(f.code)}` {escape(f.message)}"
            + (f" ({escape(f.path)})" if f.path else "") for f in context.findings
            ] or ["_No findings._"]
    return "\n".join(out).rstrip() + "\n"


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _step_title(context: ExportContext) -> str:
    methodology = context.methodology
    if methodology is None:
        return context.plan.step
    keys = [step.key for step in methodology.steps]
    if context.plan.step not in keys:
        return context.plan.step
    index = keys.index(context.plan.step)
    return f"{methodology.steps[index].title} (step {index + 1} of {len(keys)})"


def _plan_body(context: ExportContext) -> list[str]:
    plan, methodology = context.plan, context.methodology
    out = ["## Plan", ""]
    if methodology is None:
        for key, data in plan.sections.items():
            out += [f"### {escape(_label(key))}", "", *render_value(data), ""]
        return out
    shown: set[str] = set()
    for number, step in enumerate(methodology.steps, start=1):
        marker = " (current step)" if step.key == plan.step else ""
        out += [f"### {number}. {escape(step.title)}{marker}", ""]
        if step.purpose:
            out += [f"_{escape(step.purpose)}_", ""]
        for key in step.sections:
            shown.add(key)
            out += _section(methodology.section(key).title, plan.sections.get(key))
    for section in methodology.sections:
        if section.key not in shown:
            out += _section(section.title, plan.sections.get(section.key))
    return out


def _section(title: str, data: Any) -> list[str]:
    body = render_value(data) if data not in (None, [], {}) else ["_Not filled in yet._"]
    return [f"#### {escape(title)}", "", *body, ""]

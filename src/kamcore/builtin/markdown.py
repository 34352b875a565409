"""The ``markdown`` exporter: a plan people read in a review.

Everything taken from the data is escaped: Markdown punctuation is backslash-escaped and
``<``, ``>`` and ``&`` become entities, so a stakeholder called ``<script>`` or an action
starting with ``=`` stays inert text in any Markdown renderer.

With ``options["review_pack"]`` the document is a review pack: after the plan's header come
what changed since the last review, the scores and the reviews due next, from the option keys
documented in :mod:`kamcore.reviewpack` (``kam export --review-pack`` sets them all). Missing
keys are left out, except the scores, which then come from the snapshot's latest cards.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..plan_words import PlanWords
from ..plugin.contributions import ExportContext
from ..rendering import (
    flat,
    full_number,
    label,
    person,
    score,
    score_with_band,
    signed,
    step_title,
    unnumbered,
)
from ..snapshot import cards_by_rubric

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


def render_value(value: Any) -> list[str]:
    """Section data as Markdown: lists of objects as tables, objects as bullet lists."""
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        columns: list[str] = []
        for item in value:
            columns.extend(k for k in item if k not in columns)
        return _table([label(c) for c in columns],
                      ([flat(item.get(c)) for c in columns] for item in value))
    if isinstance(value, list):
        return [f"- {escape(flat(item))}" for item in value] or ["_(empty)_"]
    if isinstance(value, Mapping):
        return [f"- **{escape(label(str(k)))}**: {escape(flat(v))}" for k, v in value.items()]
    return [escape(value)]


def render_markdown(context: ExportContext) -> str:
    """The whole plan as one Markdown document."""
    plan, snapshot, methodology = context.plan, context.snapshot, context.methodology
    account = snapshot.account
    pack = bool(context.options.get("review_pack"))
    heading = "Review pack" if pack else "Account plan"
    out = [f"# {heading}: {escape(account.name)}", ""]
    method = (f"{escape(methodology.title)} ({escape(plan.methodology.name)} "
              f"{escape(plan.methodology.version)})" if methodology else
              f"{escape(plan.methodology.name)} {escape(plan.methodology.version)} (not installed)")
    out += [f"- **Methodology**: {method}",
            f"- **Period**: {escape(plan.period or 'not set')}",
            f"- **Current step**: {escape(step_title(context))}",
            f"- **Plan**: {escape(plan.id)}, revision {plan.revision}", ""]
    if pack:
        out += _review_pack(context)
    out += ["## Account", ""]
    out += _table(["Field", "Value"], [
        ["Industry", account.industry], ["Annual revenue", full_number(account.annual_revenue)],
        ["Owner", account.owner], ["Tier", account.tier],
        ["Business units", account.business_units], ["Parent", account.parent_id],
        ["External ids", ", ".join(f"{k}: {v}" for k, v in sorted(account.external_ids.items()))],
    ]) + [""]
    out += ["## Stakeholders", ""]
    out += _table(["Name", "Title", "Business unit", "Roles", "Influence", "Support",
                   "Our owner", "Last contact"],
                  [[person(s), s.title, s.business_unit, s.roles, s.influence, signed(s.support),
                    s.seller_owner, s.last_contact] for s in snapshot.stakeholders]
                  ) if snapshot.stakeholders else ["_No stakeholders recorded._"]
    out.append("")
    if snapshot.relationships:
        names = {s.id: person(s) for s in snapshot.stakeholders}
        out += ["### Relationships", ""]
        out += [f"- {escape(names.get(r.source_id, r.source_id))} *{escape(r.type)}* "
                f"{escape(names.get(r.target_id, r.target_id))}" for r in snapshot.relationships]
        out.append("")
    out += ["## Opportunities", ""]
    out += _table(["Name", "Stage", "Amount", "Close date", "Probability", "Product line"],
                  [[o.name, o.stage, full_number(o.amount), o.close_date, o.probability,
                    o.product_line] for o in snapshot.opportunities]
                  ) if snapshot.opportunities else ["_No opportunities recorded._"]
    out.append("")
    out += _plan_body(context)
    out += ["## Findings", ""]
    words = PlanWords.of(context.plan, context.methodology, snapshot.stakeholders)
    out += [f"- **{f.severity}** `{escape(f.code)}` {escape(f.message)}"
            + (f" ({escape(words.where(f))})" if words.where(f) else "")
            for f in context.findings] or ["_No findings._"]
    return "\n".join(out).rstrip() + "\n"


def _review_pack(context: ExportContext) -> list[str]:
    """What changed since the last review, the scores, and what is due next."""
    options = context.options
    out: list[str] = []
    last = options.get("last_review")
    if isinstance(last, Mapping):
        out += [f"- **Last review**: {escape(last.get('kind'))} review on "
                f"{escape(last.get('date'))} (review {escape(last.get('number'))}, plan "
                f"revision {escape(last.get('plan_revision'))})"]
        if last.get("decisions"):
            out += [f"- **Decisions then**: {escape('; '.join(map(str, last['decisions'])))}"]
        out.append("")
    elif "last_review" in options:
        out += ["- **Last review**: none recorded yet", ""]
    if options.get("summary"):
        out += ["## Summary", ""]
        out += [escape(line) if line.strip() else "" for line in
                str(options["summary"]).splitlines()]
        out.append("")
    if "changes_since_review" in options:
        since = options.get("changes_since")
        out += ["## Since the last review", ""]
        if since:
            out += [f"_Changes since {escape(since)}._", ""]
        out += [f"- {escape(text)}" for text in options["changes_since_review"]
                ] or ["_No changes._"]
        out.append("")
    out += ["## Scores", ""]
    scores = options.get("scores")
    if scores is None:
        latest = [cards[-1] for cards in cards_by_rubric(context.snapshot.score_cards).values()]
        scores = [{"rubric": card.rubric.name, "version": card.rubric.version,
                   "total": card.total, "band": card.band,
                   "scored_at": card.scored_at.isoformat(), "at_last_review": None}
                  for card in latest]
    out += _table(["Rubric", "Version", "Total", "Band", "Scored", "At last review"], [
        [s.get("rubric"), s.get("version"), score(s.get("total")), s.get("band"),
         str(s.get("scored_at") or "")[:10], _previous(s.get("at_last_review"))]
        for s in scores]) if scores else ["_No score cards yet._"]
    out.append("")
    if "due" in options:
        out += ["## Due next", ""]
        out += _table(["Review", "Every", "Last held", "Due", "Status"], [
            [d.get("title") or d.get("kind"), d.get("every"), d.get("last") or "never",
             d.get("due"),
             f"overdue {d.get('days_overdue')} days" if d.get("overdue") else "upcoming"]
            for d in options["due"]]) if options["due"] else ["_No review cadence._"]
        out.append("")
    return out


def _previous(value: Any) -> str:
    """The score at the last review, ``{"total", "band"}``, as ``3.5 (watch)``."""
    if not isinstance(value, Mapping):
        return ""
    return score_with_band(value.get("total"), value.get("band"))


def _plan_body(context: ExportContext) -> list[str]:
    plan, methodology = context.plan, context.methodology
    out = ["## Plan", ""]
    if methodology is None:
        for key, data in plan.sections.items():
            out += [f"### {escape(label(key))}", "", *render_value(data), ""]
        return out
    shown: set[str] = set()
    for number, step in enumerate(methodology.steps, start=1):
        marker = " (current step)" if step.key == plan.step else ""
        out += [f"### {number}. {escape(unnumbered(step.title))}{marker}", ""]
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

"""A review pack: the plan, what changed since the last review, the scores and what is due next.

``kam export PLAN --format NAME --review-pack`` computes the data below with
:func:`review_pack_options` and passes it to the exporter in :attr:`ExportContext.options`, so
any exporter (Markdown, HTML, PPTX...) can render a review pack without querying the workspace.
Every value is plain JSON data (strings, numbers, booleans, lists, dicts, None).

Option keys
-----------
``review_pack``
    ``True``: render a review pack rather than the bare plan.
``as_of``
    The date the pack was made for, ``"YYYY-MM-DD"``.
``last_review``
    The latest review of the plan held on or before ``as_of``, or None:
    ``{"id", "number", "kind", "date", "plan_revision", "attendees", "decisions"}``
    (``number`` is its place in date order, as in ``review:N``).
``changes_since``
    What the changes are counted from, in words: ``"review:2 (customer review on 2026-05-01,
    plan revision 4)"``, or ``"revision 1 (...)"`` when the plan was never reviewed.
``changes_since_review``
    The changes since then, one plain-word string each (see :mod:`kamcore.changes`).
``change_kinds``
    The same changes as ``{"kind", "text", "subject", "path"}`` dicts, for exporters that
    group or style them (``kind`` is a stable code such as ``action-done``).
``scores``
    The latest score card of each rubric: ``{"rubric", "version", "total", "band",
    "scored_at", "at_last_review"}``; ``at_last_review`` is ``{"total", "band"}`` from the last
    review's snapshot, or None.
``due``
    The next review of each kind of the cadence, overdue first: ``{"kind", "title",
    "every", "last", "due", "overdue", "days_overdue"}`` (dates as ``"YYYY-MM-DD"``).
``summary``
    A summary of the changes in a few sentences, given with the pack (``kam export
    --summary FILE``: e.g. what ``kam plan summarize`` wrote, read by a person first), as
    plain text; None when none was given.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from .model import Plan
    from .plugin.registry import Registry
    from .store import Workspace

#: The option keys a review pack sets (documented above).
OPTION_KEYS = ("review_pack", "as_of", "last_review", "changes_since", "changes_since_review",
               "change_kinds", "scores", "due", "summary")


def review_pack_options(workspace: Workspace, registry: Registry, plan: Plan,
                        as_of: date | None = None, summary: str | None = None) -> dict[str, Any]:
    """The export options of a review pack of ``plan`` (see the module docstring), with
    ``summary`` as the pack's summary."""
    from .changes import current_point, last_review_point, plan_changes, state_at
    from .model import Review, ScoreCard
    from .reviews import due_reviews, plan_reviews
    from .snapshot import latest_by_rubric

    when = as_of or date.today()
    methodology = registry.methodologies.get(plan.methodology.name)
    reviews = plan_reviews(workspace.iter(Review, account_id=plan.account_id), plan.id)
    before = last_review_point(workspace, plan, when)
    last, number = before.review, before.review_number
    after = attrs.evolve(current_point(plan), as_of=when)
    changes = plan_changes(state_at(workspace, plan, before), state_at(workspace, plan, after),
                           methodology)
    previous = latest_by_rubric(last.score_cards) if last is not None else {}
    cards = latest_by_rubric(workspace.iter(ScoreCard, account_id=plan.account_id))
    due = due_reviews(plan, methodology, reviews, when) if methodology is not None else []
    return {
        "review_pack": True,
        "as_of": when.isoformat(),
        "last_review": None if last is None else {
            "id": last.id, "number": number, "kind": last.review_kind,
            "date": last.date.isoformat(), "plan_revision": last.plan_revision,
            "attendees": list(last.attendees), "decisions": list(last.decisions),
        },
        "changes_since": before.label,
        "changes_since_review": [change.text for change in changes],
        "change_kinds": [change.as_dict() for change in changes],
        "scores": [{
            "rubric": name, "version": card.rubric.version, "total": card.total,
            "band": card.band, "scored_at": card.scored_at.isoformat(),
            "at_last_review": ({"total": previous[name].total, "band": previous[name].band}
                               if name in previous else None),
        } for name, card in sorted(cards.items())],
        "due": [{
            "kind": item.kind, "title": item.cadence.title or f"{item.kind} review",
            "every": item.cadence.every,
            "last": item.last.isoformat() if item.last else None,
            "due": item.due.isoformat(), "overdue": item.overdue,
            "days_overdue": item.days_overdue,
        } for item in due],
        "summary": summary.strip() if summary and summary.strip() else None,
    }

"""What changed in a plan between two points, in plain words.

A *point* (:class:`PlanPoint`) is a plan revision (``3``), the revision a review looked at
(``review:2``: the second review of the plan in date order; ``review:last``; ``review:ID``), or
``now``. Stakeholders and score cards are not part of the plan record, so the *state* at a point
(:class:`PlanState`) also holds:

- each stakeholder of the account as of the point's moment (the last revision of the
  stakeholder saved at or before it; stakeholders created later are absent). The moment of a
  revision is when it was saved; the moment of a review is when it was recorded (when it took
  its snapshot of the plan revision and score cards);
- the score cards: a review's own snapshot, else the latest card of each rubric scored at or
  before the moment;
- the date overdue actions are judged against: the review's date, the revision's save date, or
  today for ``now``.

:func:`plan_changes` compares two states and names each change with a stable ``kind``:

- stakeholders: ``stakeholder-added``, ``stakeholder-removed``, ``support-moved``,
  ``influence-moved``, ``role-added``, ``role-removed``, ``stakeholder-changed`` (title,
  seniority, relationship strength...);
- objectives: ``objective-added``, ``objective-removed``, ``objective-signed``,
  ``objective-unsigned``, ``objective-changed``;
- actions: ``action-added``, ``action-removed``, ``action-done``, ``action-cancelled``,
  ``action-status``, ``action-overdue`` (open and past due now, not at the earlier point),
  ``action-changed``;
- whitespace cells: ``whitespace-added``, ``whitespace-removed``, ``whitespace-state``,
  ``whitespace-changed``;
- stakeholder-map entries in the plan: ``stakeholder-map-added``, ``stakeholder-map-removed``,
  ``stakeholder-map-support``, ``stakeholder-map-influence``, ``stakeholder-map-changed``;
- risks: ``risk-added``, ``risk-removed``, ``risk-changed``;
- scores: ``score-added``, ``score-removed``, ``score-changed``;
- the plan itself: ``step-changed``, and ``field-changed`` for anything else (a section of no
  known shape, the period, the cadence), described item by item and field by field in the
  titles of the section's schema (:mod:`kamcore.plan_words`).

Section shapes are recognised generically (see :mod:`kamcore.shapes`), not by section name.

Limitation: stakeholders are found by their current account; one moved to another account since
is not seen at the earlier point.

The package reads the past in :mod:`~kamcore.changes.past` (points and states), compares states
without reading anything in :mod:`~kamcore.changes.comparing` and
:mod:`~kamcore.changes.plan_record`, words values in :mod:`~kamcore.changes.wording`, and puts
both together in :func:`compare` (:mod:`~kamcore.changes.plan_diff`). Every name is importable
from ``kamcore.changes``.
"""

from __future__ import annotations

from .comparing import plan_changes, score_changes, stakeholder_changes
from .past import (
    PlanPoint,
    PlanState,
    current_point,
    last_review_point,
    record_at,
    resolve_point,
    review_point,
    revision_point,
    stakeholders_at,
    state_at,
)
from .plan_diff import PlanDiff, compare
from .wording import PlainChange

__all__ = ["PlainChange", "PlanDiff", "PlanPoint", "PlanState", "compare", "current_point",
           "last_review_point", "plan_changes", "record_at", "resolve_point", "review_point",
           "revision_point", "score_changes", "stakeholder_changes", "stakeholders_at", "state_at"]

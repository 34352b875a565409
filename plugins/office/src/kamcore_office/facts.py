"""What both office exporters say about a plan: state and support labels and colours, and what
changed since the last review (numbers, dates and scores are written with
:mod:`kamcore.rendering`, as in every exporter).

The "changes since the last review" are computed from what an :class:`ExportContext` holds:
the latest review of the plan (its date, the plan revision it looked at, its decisions and the
score cards it recorded), the account's current score cards, and the plan's dated items
(actions that came due, objectives signed off since the review). The plan as it was at the
reviewed revision is not part of the context, so section-by-section changes are not shown
(see the README).
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from kamcore.diff import Change, diff_values
from kamcore.model import Review, ScoreCard
from kamcore.plugin.contributions import ExportContext
from kamcore.rendering import label, score, score_with_band, signed, when
from kamcore.shapes import PlanItems
from kamcore.snapshot import cards_by_rubric

#: Characters XML 1.0 (and so XLSX and PPTX) cannot hold.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

STATE_LABELS = {"owned": "Owned", "pipeline": "Pipeline", "potential": "Potential",
                "blocked": "Blocked", "competitor": "Competitor", "n.a.": "n/a"}
#: state -> (fill, text) as RRGGBB; text contrast >= 4.5:1 on each fill.
STATE_COLOURS = {"owned": ("1F7A45", "FFFFFF"), "pipeline": ("2D6CB5", "FFFFFF"),
                 "potential": ("F6C85F", "3D2A00"), "blocked": ("5F6B7A", "FFFFFF"),
                 "competitor": ("C0392B", "FFFFFF"), "n.a.": ("E9ECF0", "4B5563")}
#: support -2..+2, ColorBrewer RdBu (colour-blind safe).
SUPPORT_COLOURS = {-2: "B2182B", -1: "EF8A62", 0: "8C939D", 1: "67A9CF", 2: "2166AC"}
SUPPORT_LABELS = {-2: "Opposes", -1: "Sceptical", 0: "Neutral", 1: "Supports", 2: "Sponsors"}


def clean(value: Any) -> str:
    """Text without the control characters XML cannot carry (tab, CR and LF stay)."""
    return _NOT_XML.sub("", "" if value is None else str(value))


def latest_review(context: ExportContext) -> Review | None:
    """The plan's most recent review (by date, then id), if any."""
    reviews = context.snapshot.reviews_of(context.plan.id)
    return max(reviews, key=lambda r: (r.date, r.id)) if reviews else None


@attrs.frozen
class ScoreChange:
    """One rubric's score at the review and now."""

    rubric: str
    before: ScoreCard | None
    after: ScoreCard | None
    criteria: tuple[str, ...]

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after.total - self.before.total

    def describe(self) -> str:
        """``health: 2.5 (watch) -> 4 (healthy), +1.5``."""
        def show(card: ScoreCard | None) -> str:
            return "not scored" if card is None else score_with_band(card.total, card.band)

        if self.before is not None and self.after is not None and (
                self.after.scored_at <= self.before.scored_at):
            return f"{self.rubric}: {show(self.before)}, not re-scored since the review"
        delta = self.delta
        change = f", {signed(round(delta, 2))}" if delta is not None else ""
        return f"{self.rubric}: {show(self.before)} \u2192 {show(self.after)}{change}"


@attrs.frozen
class ReviewChanges:
    """What changed since the latest review of the plan."""

    review: Review
    revisions_since: int
    scores: tuple[ScoreChange, ...]
    came_due: tuple[tuple[str, str, str], ...]
    signed_off: tuple[tuple[str, str], ...]


def _describe(change: Change) -> str:
    """A criterion's change as ``Access: 2 \u2192 4``."""
    name = label(change.path)
    if change.op == "added":
        return f"{name}: new, {score(change.new)}"
    if change.op == "removed":
        return f"{name}: no longer scored (was {score(change.old)})"
    return f"{name}: {score(change.old)} \u2192 {score(change.new)}"


def review_changes(context: ExportContext, items: PlanItems) -> ReviewChanges | None:
    """The changes since the plan's latest review, or None when it was never reviewed."""
    review = latest_review(context)
    if review is None:
        return None
    now = context.as_of
    current = {name: cards[-1] for name, cards in
               cards_by_rubric(context.snapshot.score_cards, plan_id=context.plan.id).items()}
    at_review = {card.rubric.name: card for card in review.score_cards}
    scores = []
    for rubric in sorted(set(current) | set(at_review)):
        before, after = at_review.get(rubric), current.get(rubric)
        criteria: tuple[str, ...] = ()
        if before is not None and after is not None and after.scored_at > before.scored_at:
            criteria = tuple(_describe(change) for change in
                             diff_values(dict(before.values), dict(after.values)))
        scores.append(ScoreChange(rubric, before, after, criteria))
    came_due = tuple(
        (a.model.title, when(a.model.due), label(a.model.status)) for a in items.actions
        if a.model.due is not None and review.date < a.model.due <= now)
    signed_off = tuple(
        (o.model.title, when(o.model.customer_signoff.date)) for o in items.objectives
        if o.model.customer_signoff is not None and o.model.customer_signoff.date > review.date)
    return ReviewChanges(review, max(0, context.plan.revision - review.plan_revision),
                         tuple(scores), came_due, signed_off)

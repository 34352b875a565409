"""What the plan page shows of a plan's reviews, and how a review form reads.

:func:`reviews_view` gathers the plan's reviews (numbered as ``review:N`` names them), the
kinds of its cadence, the QBR's ``qbr-health`` criteria and the installed exporters (for the
review pack); :func:`read_review_form` turns a submitted review form into the arguments of
:func:`kamcore.operations.record_review`, each problem at its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from kamcore import operations
from kamcore.errors import InvalidInputError
from kamcore.methodology import Methodology
from kamcore.model import Plan
from kamcore.plugin.registry import get_registry
from kamcore.qbr import QBR_RUBRIC, qbr_kind, qbr_scored
from kamcore.reviews import plan_cadence
from kamcore.store import Workspace

from ..principal import Principal

#: The prefix of a QBR score's form field (``score.relationship_depth``).
SCORE = "score."


def reviews_view(ws: Workspace, who: Principal, plan: Plan, methodology: Methodology, *,
                 typed: Mapping[str, str] | None = None,
                 errors: Mapping[str, str] | None = None, problem: str = "",
                 recorded: str = "") -> dict[str, Any]:
    """What ``_reviews.html`` shows: the plan's reviews oldest first with their numbers, the
    review form (holding ``typed`` with ``errors`` by field name, ``problem`` above it) and
    the exporters a review pack can be downloaded with."""
    registry = get_registry()
    rubric = registry.rubrics.get(QBR_RUBRIC)
    numbered = list(enumerate(operations.list_reviews(ws, plan.id), start=1))
    return {
        "plan": plan, "reviews": numbered,
        "kinds": plan_cadence(plan, methodology), "qbr": qbr_kind(methodology),
        "scored": qbr_scored(methodology),
        "criteria": [c for c in rubric.criteria if not c.signal] if rubric else [],
        "exporters": sorted(registry.exporters), "today": date.today().isoformat(),
        "typed": dict(typed or {}), "errors": dict(errors or {}), "problem": problem,
        "recorded": recorded, "may_write": who.role in ("admin", "member"),
        "open": bool(errors or problem),
    }


def read_review_form(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The arguments of ``record_review`` (``kind``, ``held_on``, ``attendees``,
    ``decisions``, ``notes``, ``scores``) from a review form, and the problems it has by field
    name (a missing or malformed date)."""
    errors: dict[str, str] = {}
    held_on: date | None = None
    text = form.get("date", "").strip()
    try:
        held_on = date.fromisoformat(text)
    except ValueError:
        errors["date"] = "required" if not text else f"not a date (YYYY-MM-DD): {text!r}"
    scores = {name.removeprefix(SCORE): value.strip() for name, value in form.items()
              if name.startswith(SCORE) and value.strip()}
    return {"kind": form.get("kind", "").strip(), "held_on": held_on,
            "attendees": _lines(form.get("attendees", "")),
            "decisions": _lines(form.get("decisions", "")),
            "notes": form.get("notes", "").strip() or None,
            "scores": scores or None}, errors


def errors_by_field(exc: InvalidInputError, criteria: set[str]) -> tuple[dict[str, str], str]:
    """The refusal of ``record_review`` by form field (the date, a QBR criterion's score), and
    what belongs to no field (an unknown kind, a review recorded already)."""
    errors: dict[str, str] = {}
    for problem in exc.problems:
        head = str(problem.path[0]) if problem.path else ""
        field = "date" if head == "date" else SCORE + head if head in criteria else ""
        if field:
            errors.setdefault(field, problem.message)
    left = [p.message for p in exc.problems if not p.path or (
        str(p.path[0]) != "date" and str(p.path[0]) not in criteria)]
    return errors, "; ".join([exc.summary, *left]) if left or not errors else exc.summary


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]

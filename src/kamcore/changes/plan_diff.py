"""The diff of a plan between two points: :func:`compare` reads both states and compares them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ..diff import Change, diff_values
from ..model import Plan
from .comparing import plan_changes
from .past import PlanPoint, current_point, resolve_point, revision_point, state_at
from .wording import PlainChange

if TYPE_CHECKING:
    from ..methodology import Methodology
    from ..store import Workspace


@attrs.frozen
class PlanDiff:
    """Two points of a plan, the changes between them in plain words and field by field."""

    plan_id: str
    before: PlanPoint
    after: PlanPoint
    changes: tuple[PlainChange, ...]
    fields: tuple[Change, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``changes`` is the field-level diff of the plan record, ``summary``
        the plain-word changes."""
        return {
            "plan": self.plan_id, "from": self.before.revision, "to": self.after.revision,
            "from_point": self.before.as_dict(), "to_point": self.after.as_dict(),
            "summary": [c.as_dict() for c in self.changes],
            "changes": [c.as_dict() for c in self.fields],
        }


def compare(workspace: Workspace, plan_id: str, from_ref: str | None = None,
            to_ref: str | None = None, methodology: Methodology | None = None) -> PlanDiff:
    """The changes of plan ``plan_id`` from ``from_ref`` (default: the revision before
    ``to_ref``) to ``to_ref`` (default: now)."""
    plan = workspace.get(Plan, plan_id)
    after = (resolve_point(workspace, plan, to_ref, "--to") if to_ref is not None
             else current_point(plan))
    before = (resolve_point(workspace, plan, from_ref, "--from") if from_ref is not None
              else revision_point(workspace, plan, max(after.revision - 1, 1)))
    old, new = state_at(workspace, plan, before), state_at(workspace, plan, after)
    fields = diff_values(old.plan.model_dump(mode="json"), new.plan.model_dump(mode="json"))
    return PlanDiff(plan.id, before, after, tuple(plan_changes(old, new, methodology)),
                    tuple(fields))

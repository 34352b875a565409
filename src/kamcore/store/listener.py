"""What a workspace tells about its saves: the :class:`SaveListener` protocol.

The store knows records, not plugins: :meth:`Workspace.open` takes a listener and calls it after
each commit that saved a plan or a review. :class:`kamcore.events.HookEvents` is the listener
that turns these calls into the plugin hooks ``kam_plan_saved`` and ``kam_review_recorded``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..model import Plan, Review
    from .workspace import Workspace


class SaveListener(Protocol):
    """Told about saved plans and reviews, after the transaction that saved them commits.

    Calls come in the order of the saves (for :meth:`Workspace.save_many`, after the whole
    call's transaction); nothing is told about a transaction that rolls back. The data is
    committed before a listener runs: an exception it raises propagates to the caller of the
    save (or of the ``transaction()`` block), and the save stands.
    """

    def plan_saved(self, workspace: Workspace, plan: Plan, previous: Plan | None) -> None:
        """``plan`` was saved with its new ``revision``; ``previous`` is the revision it
        replaced (None for a new plan)."""

    def review_recorded(self, workspace: Workspace, review: Review, plan: Plan) -> None:
        """``review`` was saved; ``plan`` is the plan revision it looked at."""

"""Operations: every change a user can make, one typed function each.

The ``kam`` CLI and the HTTP server are front doors onto these functions and nothing else:
they parse what the user typed or sent, call one operation, and show its result or error.
Every rule about a change -- which fields are valid, which parent must exist, how an id is
derived, which revision the change was based on -- lives here (or in the domain modules the
operations call), so it holds the same way through every door.

Each operation takes the :class:`~kamcore.store.Workspace`, the :class:`Actor` making the
change (recorded in the history) and plain inputs (ids, names, numbers, mappings), and returns
the saved records. Operations that need plugins (a methodology, a rubric, an adapter, an
exporter) look them up in the ``registry`` given, else in the process registry. They raise
kamcore's own errors only: :class:`~kamcore.errors.InvalidInputError` (with field paths),
:class:`~kamcore.errors.NotFoundError` (naming what exists),
:class:`~kamcore.errors.ConflictError` (the record moved past the revision the change was
based on; nothing written) and :class:`~kamcore.planning.AdvanceRefused`.

Modules: :mod:`.accounts`, :mod:`.people` (stakeholders and relationships),
:mod:`.opportunities`, :mod:`.plans`, :mod:`.reviews`, :mod:`.movements` (what moved at the
customer since a review), :mod:`.scoring` (scores and the
programme segment), :mod:`.revenue` (revenue facts), :mod:`.metrics` (programme metrics),
:mod:`.transfer`
(import and export), :mod:`.sync` (pulling what changed in a CRM), :mod:`.signoff` (the
customer's word on a joint objective), :mod:`.access`
(users, account teams, API tokens, share links), :mod:`.settings` (the workspace's settings,
which plugins read), and :mod:`.records`, the create / edit /
remove every kind shares.
Removing a record keeps its history (:meth:`~kamcore.store.Workspace.delete`).
"""

from __future__ import annotations

from .accounts import add_account, edit_account, set_tier_from_rubric
from .actor import Actor
from .metrics import programme_metrics
from .movements import AccountMovements, account_movements
from .opportunities import add_opportunity, edit_opportunity, remove_opportunity
from .people import (
    StakeholderRemoval,
    add_relationship,
    add_stakeholder,
    edit_relationship,
    edit_stakeholder,
    remove_relationship,
    remove_stakeholder,
    touch_stakeholder,
)
from .plans import (
    Restored,
    RolledOver,
    advance,
    check,
    new_plan,
    plan_words,
    restore_plan,
    rollover_plan,
    set_section,
)
from .revenue import record_revenue
from .reviews import list_reviews, record_review, reviews_due
from .scoring import score_account, score_portfolio, segment_portfolio
from .signoff import request_objective_change, sign_off_objective
from .sync import PullResult, sync_pull
from .transfer import ExportedFile, export_plan, export_portfolio, import_records, import_with

__all__ = [
    "AccountMovements",
    "Actor",
    "ExportedFile",
    "PullResult",
    "Restored",
    "RolledOver",
    "StakeholderRemoval",
    "account_movements",
    "add_account",
    "add_opportunity",
    "add_relationship",
    "add_stakeholder",
    "advance",
    "check",
    "edit_account",
    "edit_opportunity",
    "edit_relationship",
    "edit_stakeholder",
    "export_plan",
    "export_portfolio",
    "import_records",
    "import_with",
    "list_reviews",
    "new_plan",
    "plan_words",
    "programme_metrics",
    "record_revenue",
    "record_review",
    "remove_opportunity",
    "remove_relationship",
    "remove_stakeholder",
    "request_objective_change",
    "restore_plan",
    "reviews_due",
    "rollover_plan",
    "score_account",
    "score_portfolio",
    "segment_portfolio",
    "set_section",
    "set_tier_from_rubric",
    "sign_off_objective",
    "sync_pull",
    "touch_stakeholder",
]

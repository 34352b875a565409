"""Workspace saves as plugin events: the bridge between the store and the plugin hooks.

``Workspace.open(target, listener=HookEvents(host))`` makes every committed plan revision call
``kam_plan_saved`` and every recorded review ``kam_review_recorded`` on ``host``. A workspace
opened without a listener calls no hook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Plan, Review
    from .plugin.host import PluginHost
    from .store import Workspace


class HookEvents:
    """A :class:`kamcore.store.SaveListener` that calls the event hooks of a plugin host.

    Each implementation runs on its own (see :meth:`PluginHost.call`): one that raises is
    reported against its plugin and the others still run; the save stands.
    """

    def __init__(self, host: PluginHost) -> None:
        self.host = host

    def plan_saved(self, workspace: Workspace, plan: Plan, previous: Plan | None) -> None:
        """Call ``kam_plan_saved``."""
        self.host.call("kam_plan_saved", plan=plan, previous=previous, workspace=workspace)

    def review_recorded(self, workspace: Workspace, review: Review, plan: Plan) -> None:
        """Call ``kam_review_recorded``."""
        self.host.call("kam_review_recorded", review=review, plan=plan, workspace=workspace)

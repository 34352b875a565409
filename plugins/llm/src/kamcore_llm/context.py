"""What every task starts from: the plan, its methodology and account, and the template of
the task for that methodology."""

from __future__ import annotations

import attrs

from kamcore.methodology import Methodology
from kamcore.model import Account, Plan
from kamcore.operations.installed import installed
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace

from .prompts import Task, Template, contributed, template_for


@attrs.frozen
class PlanContext:
    """A plan with its methodology, account and the registry it was found with."""

    workspace: Workspace
    registry: Registry
    plan: Plan
    methodology: Methodology
    account: Account

    @classmethod
    def load(cls, workspace: Workspace, plan_id: str,
             registry: Registry | None = None) -> PlanContext:
        """The context of plan ``plan_id``.

        :raises NotFoundError: no such plan, or its methodology is not installed.
        """
        plugins = installed(registry)
        plan = workspace.get(Plan, plan_id)
        return cls(workspace, plugins, plan, plugins.methodology(plan.methodology.name),
                   workspace.get(Account, plan.account_id))

    def template(self, task: Task) -> Template:
        """The template of ``task`` for this plan's methodology."""
        return template_for(task, self.methodology.lineage or (self.methodology.name,),
                            contributed(self.registry.host))

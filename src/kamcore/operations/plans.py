"""Plans: start one, set a section, advance it through the methodology's steps, check it."""

from __future__ import annotations

from datetime import date
from typing import Any

from .. import planning
from ..documents import Document
from ..model import Finding, Plan
from ..plugin.registry import Registry
from ..store import Workspace
from .actor import Actor
from .installed import installed


def new_plan(workspace: Workspace, actor: Actor, account_id: str, methodology: str, *,
             period: str | None = None, plan_id: str | None = None,
             registry: Registry | None = None) -> Plan:
    """Start a plan for an existing account at the first step of the installed methodology
    named ``methodology``; the id defaults to ``ACCOUNT-METHODOLOGY[-PERIOD]``.

    :raises NotFoundError: no such methodology or account.
    :raises ConflictError: a plan with that id exists.
    """
    found = installed(registry).methodology(methodology)
    return planning.new_plan(workspace, found, account_id, period=period, plan_id=plan_id,
                             by=actor.name)


def set_section(workspace: Workspace, actor: Actor, plan_id: str, section: str, data: Any, *,
                base_revision: int | None = None, document: Document | None = None,
                registry: Registry | None = None) -> Plan:
    """Replace one section of a plan with ``data``, validated by the section's JSON Schema.

    :param base_revision: the plan revision the change was based on; None: the current one.
    :param document: the parsed file ``data`` came from, so problems name its lines.
    :raises InvalidInputError: every schema problem, located; nothing is saved.
    :raises ConflictError: the plan moved past ``base_revision``.
    """
    plan = _at_base(workspace.get(Plan, plan_id), base_revision)
    methodology = installed(registry).methodology(plan.methodology.name)
    return planning.set_section(workspace, methodology, plan, section, data, document=document,
                                by=actor.name)


def advance(workspace: Workspace, actor: Actor, plan_id: str, *, to: str | None = None,
            base_revision: int | None = None, registry: Registry | None = None) -> Plan:
    """Move a plan to its next step (or forward to step ``to``) if every gate on the way is
    met.

    :raises AdvanceRefused: with the findings that block; nothing is saved.
    :raises InvalidInputError: ``to`` is not a later step, or the plan is at its last step.
    :raises ConflictError: the plan moved past ``base_revision``.
    """
    plan = _at_base(workspace.get(Plan, plan_id), base_revision)
    methodology = installed(registry).methodology(plan.methodology.name)
    return planning.advance(workspace, methodology, plan, to=to, by=actor.name)


def check(workspace: Workspace, plan_id: str, *, as_of: date | None = None,
          registry: Registry | None = None) -> tuple[Plan, list[Finding]]:
    """The plan and every finding about it (every plugin's checks), errors first.

    :raises NotFoundError: no such plan, or its methodology is not installed.
    """
    plugins = installed(registry)
    plan = workspace.get(Plan, plan_id)
    methodology = plugins.methodology(plan.methodology.name)
    findings = planning.check_plan(plan, methodology, workspace.snapshot(plan.account_id),
                                   plugins.host, as_of)
    return plan, findings


def _at_base(plan: Plan, base_revision: int | None) -> Plan:
    """``plan`` as the copy a change based on ``base_revision`` starts from: saving it is
    refused (ConflictError) unless the plan is still at that revision."""
    if base_revision is None:
        return plan
    return plan.model_copy(update={"revision": base_revision})

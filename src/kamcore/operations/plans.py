"""Plans: start one, set a section, advance it through the methodology's steps, check it,
restore an earlier revision."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from .. import planning
from ..documents import Document
from ..errors import ConflictError
from ..model import Finding, Plan
from ..plugin.registry import Registry
from ..store import Workspace
from .actor import Actor
from .installed import installed

if TYPE_CHECKING:
    from ..changes import PlanPoint
    from ..plan_words import PlanWords


def new_plan(workspace: Workspace, actor: Actor, account_id: str, methodology: str, *,
             period: str | None = None, plan_id: str | None = None,
             cadence_profile: str | None = None, registry: Registry | None = None) -> Plan:
    """Start a plan for an existing account at the first step of the installed methodology
    named ``methodology``; the id defaults to ``ACCOUNT-METHODOLOGY[-PERIOD]``.

    :param cadence_profile: review the plan on this profile's cadence instead of the
        methodology's (see :mod:`kamcore.cadence_profiles`; ``sam`` for strategic accounts).
    :raises NotFoundError: no such methodology, account or cadence profile.
    :raises ConflictError: a plan with that id exists.
    """
    from ..cadence_profiles import profile_cadence

    found = installed(registry).methodology(methodology)
    cadence = profile_cadence(cadence_profile, found) if cadence_profile else None
    return planning.new_plan(workspace, found, account_id, period=period, plan_id=plan_id,
                             by=actor.name, cadence=cadence)


@attrs.frozen
class RolledOver:
    """The result of a rollover: the next period's plan, the previous plan (now marked
    superseded), the sections carried and those left out with the reason."""

    plan: Plan
    previous: Plan
    carried: tuple[str, ...]
    left_out: tuple[tuple[str, str], ...]


def rollover_plan(workspace: Workspace, actor: Actor, plan_id: str, period: str, *,
                  new_plan_id: str | None = None, base_revision: int | None = None,
                  registry: Registry | None = None) -> RolledOver:
    """Start the plan for ``period`` (e.g. ``FY2028``) from ``plan_id``, under the installed
    version of its methodology, at the first step, carrying open actions, objectives in
    progress, the stakeholder map and the plan's cadence overrides forward
    (:mod:`kamcore.rollover`). The previous plan is marked ``superseded_by`` the new one; both
    are saved together or neither.

    :param new_plan_id: default ``ACCOUNT-METHODOLOGY-PERIOD``.
    :raises InvalidInputError: ``period`` is the plan's own, or the plan was rolled over
        already.
    :raises NotFoundError: no such plan, or its methodology is not installed.
    :raises ConflictError: the plan moved past ``base_revision``, or the new id exists.
    """
    from ..errors import InvalidInputError
    from ..rollover import carried_sections

    previous = at_base(workspace.get(Plan, plan_id), base_revision)
    if previous.superseded_by is not None:
        raise InvalidInputError(f"plan {plan_id!r} was rolled over already, into "
                                f"{previous.superseded_by!r}")
    if not period.strip() or period == previous.period:
        raise InvalidInputError(f"plan {plan_id!r} is the plan for {period!r}: give the next "
                                "period, e.g. --period FY2028")
    methodology = installed(registry).methodology(previous.methodology.name)
    carried = carried_sections(previous, methodology)
    with workspace.transaction():
        plan = planning.new_plan(workspace, methodology, previous.account_id, period=period,
                                 plan_id=new_plan_id, by=actor.name,
                                 sections=carried.sections, cadence=previous.cadence,
                                 rolled_over_from=previous.id)
        previous = workspace.save(previous.model_copy(update={"superseded_by": plan.id}),
                                  by=actor.name)
    return RolledOver(plan, previous, tuple(carried.sections), carried.left_out)


def set_section(workspace: Workspace, actor: Actor, plan_id: str, section: str, data: Any, *,
                base_revision: int | None = None, document: Document | None = None,
                registry: Registry | None = None) -> Plan:
    """Replace one section of a plan with ``data``, validated by the section's JSON Schema.

    :param base_revision: the plan revision the change was based on; None: the current one.
    :param document: the parsed file ``data`` came from, so problems name its lines.
    :raises InvalidInputError: every schema problem, located; nothing is saved.
    :raises ConflictError: the plan moved past ``base_revision``.
    """
    plan = at_base(workspace.get(Plan, plan_id), base_revision)
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
    plan = at_base(workspace.get(Plan, plan_id), base_revision)
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


def plan_words(workspace: Workspace, plan_id: str, *,
               registry: Registry | None = None) -> PlanWords:
    """How places in plan ``plan_id`` read (for findings and changes shown to a person): its
    methodology's titles (names from keys when it is not installed), its account's people.

    :raises NotFoundError: no such plan.
    """
    from ..plan_words import PlanWords

    plan = workspace.get(Plan, plan_id)
    methodology = installed(registry).methodologies.get(plan.methodology.name)
    return PlanWords.of(plan, methodology, workspace.snapshot(plan.account_id).stakeholders)


def at_base(plan: Plan, base_revision: int | None) -> Plan:
    """``plan`` as the copy a change based on ``base_revision`` starts from: saving it is
    refused (ConflictError) unless the plan is still at that revision.

    :raises ConflictError: the plan is at another revision already, before any other check
        (a stale change is a conflict whatever else is wrong with it, as
        :func:`~kamcore.operations.records.edit` has it).
    """
    if base_revision is None:
        return plan
    if base_revision != plan.revision:
        raise ConflictError("plan", plan.id, base_revision, plan.revision,
                            changed_by=plan.updated_by, changed_at=plan.updated_at)
    return plan.model_copy(update={"revision": base_revision})


#: Fields of a plan that are the workspace's, not the plan's content.
_META = ("revision", "created_at", "updated_at", "updated_by")


@attrs.frozen
class Restored:
    """What :func:`restore_plan` did: the plan as it now is, the point it was restored to, and
    whether a new revision was saved (False: the plan already had that content)."""

    plan: Plan
    point: PlanPoint
    saved: bool


def restore_plan(workspace: Workspace, actor: Actor, plan_id: str, revision_ref: str, *,
                 base_revision: int | None = None) -> Restored:
    """Save a new revision of a plan whose content (step, sections, period, everything but the
    revision metadata) is that of an earlier point; nothing in the history is lost.

    The content restored is not checked against the methodology again (it was saved once;
    ``kam plan check`` says what no longer holds). A plan that already has that content is
    left as it is.

    :param revision_ref: a revision number, ``review:N`` (the plan revision the N-th review of
        the plan by date looked at), ``review:last`` or ``review:ID``
        (:func:`kamcore.changes.resolve_point`).
    :param base_revision: the plan revision the restore was based on; None: the current one.
    :raises NotFoundError: no such plan.
    :raises InvalidInputError: a revision or review the plan does not have (the message says
        which it has).
    :raises ConflictError: the plan moved past ``base_revision``; nothing is saved.
    """
    from ..changes import record_at, resolve_point  # reading the past: only when restoring

    plan = workspace.get(Plan, plan_id)
    point = resolve_point(workspace, plan, revision_ref, "--revision")
    then = record_at(workspace, plan, point)
    restored = then.model_copy(update={name: getattr(plan, name) for name in _META})
    if restored.model_dump(mode="json") == plan.model_dump(mode="json"):
        return Restored(plan, point, saved=False)
    saved = workspace.save(at_base(restored, base_revision), by=actor.name)
    return Restored(saved, point, saved=True)

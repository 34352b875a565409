"""The sample portfolio of ``kam demo``, built through the operations like any user's data."""

from __future__ import annotations

from datetime import date, timedelta

import attrs

from ..demo import (
    QBR_CRITERIA,
    QBR_SCORES,
    TIERING_CRITERIA,
    TIERING_INPUTS,
    sample_account_ids,
    sample_records,
)
from ..importing import ImportSummary
from ..methodology import Methodology
from ..model import Plan, ScoreCard
from ..plugin.registry import Registry
from ..store import Workspace
from .actor import Actor
from .installed import installed
from .plans import advance, new_plan, rollover_plan, set_section
from .scoring import score_account
from .transfer import import_records

#: The rubric each sample account is scored with once, when it is installed.
TIERING_RUBRIC = "account-tiering"


#: The plan methodology the sample rolls over into next year (when it is installed).
ROLLED_OVER = "sama7"


@attrs.frozen
class SamplePortfolio:
    """What :func:`build_sample` made: the import's summary, per sample account its current
    plan and latest account-tiering card (None when that rubric is not installed), and the
    rollover it made (previous plan id, new plan id), if any."""

    records: ImportSummary
    plans: tuple[tuple[Plan, ScoreCard | None], ...]
    rollover: tuple[str, str] | None = None


def build_sample(workspace: Workspace, actor: Actor, today: date, *,
                 registry: Registry | None = None) -> SamplePortfolio:
    """Import the sample accounts and give each a plan, one installed methodology after
    another (the simplest first), filled and advanced as its document's ``example`` says, and
    an account-tiering score card. Safe to run again: what exists is kept."""
    plugins = installed(registry)
    summary = import_records(workspace, actor, sample_records(today), registry=plugins)
    methods = sorted(plugins.methodologies.values(), key=lambda m: (len(m.lineage), m.name))
    plans = []
    rolled: tuple[str, str] | None = None
    for index, account_id in enumerate(sample_account_ids() if methods else ()):
        methodology = methods[index % len(methods)]
        plan = workspace.find(Plan, f"{account_id}-{methodology.name}")
        if plan is None:
            plan = _example_plan(workspace, actor, account_id, methodology, plugins)
        _qbrs(workspace, actor, plan, methodology, today, plugins)
        if methodology.name == ROLLED_OVER:
            plan = _rolled_over(workspace, actor, plan, today, plugins)
            rolled = (plan.rolled_over_from or "", plan.id)
        plans.append((plan, _tiering_card(workspace, actor, account_id, plugins)))
    return SamplePortfolio(summary, tuple(plans), rolled)


def _qbrs(workspace: Workspace, actor: Actor, plan: Plan, methodology: Methodology,
          today: date, registry: Registry) -> None:
    """Two scored QBRs of the plan: one last quarter, one today (when its methodology has a
    QBR in its cadence and the qbr-health rubric is installed)."""
    from ..model import Review
    from ..qbr import QBR_RUBRIC, qbr_kind
    from ..quarters import Quarter
    from ..reviews import plan_cadence
    from .reviews import record_review

    kind = qbr_kind(methodology)
    if QBR_RUBRIC not in registry.rubrics or kind not in {
            c.kind for c in plan_cadence(plan, methodology)}:
        return
    last_quarter = Quarter.of(today).shifted(-1).last_day - timedelta(days=14)
    for held, scores in zip((last_quarter, today), QBR_SCORES[plan.account_id], strict=True):
        if workspace.find(Review, f"{plan.id}.{kind}.{held.isoformat()}") is None:
            record_review(workspace, actor, plan.id, kind, held, today=today, registry=registry,
                          scores=dict(zip(QBR_CRITERIA, map(float, scores), strict=True)),
                          attendees=["kam demo"])


def _rolled_over(workspace: Workspace, actor: Actor, plan: Plan, today: date,
                 registry: Registry) -> Plan:
    """The plan's successor for next year, rolled over once."""
    if plan.superseded_by is not None:
        return workspace.get(Plan, plan.superseded_by)
    return rollover_plan(workspace, actor, plan.id, f"FY{today.year + 1}",
                         registry=registry).plan


def _example_plan(workspace: Workspace, actor: Actor, account_id: str, methodology: Methodology,
                  registry: Registry) -> Plan:
    plan = new_plan(workspace, actor, account_id, methodology.name,
                    plan_id=f"{account_id}-{methodology.name}", registry=registry)
    example = methodology.document.get("example", {})
    for key, data in example.get("sections", {}).items():
        plan = set_section(workspace, actor, plan.id, key, data, registry=registry)
    if example.get("step", plan.step) != plan.step:
        plan = advance(workspace, actor, plan.id, to=example["step"], registry=registry)
    return plan


def _tiering_card(workspace: Workspace, actor: Actor, account_id: str,
                  registry: Registry) -> ScoreCard | None:
    """The account's latest account-tiering card, scored once from the sample's inputs."""
    if TIERING_RUBRIC not in registry.rubrics:
        return None
    cards = [c for c in workspace.iter(ScoreCard, account_id=account_id)
             if c.rubric.name == TIERING_RUBRIC]
    if not cards:
        inputs = dict(zip(TIERING_CRITERIA, map(float, TIERING_INPUTS[account_id]), strict=True))
        cards = [score_account(workspace, actor, account_id, TIERING_RUBRIC, inputs,
                               registry=registry)]
    return max(cards, key=lambda c: c.scored_at)

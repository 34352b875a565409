"""Scoring: an account with a rubric (a stored score card), or the whole portfolio."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from ..errors import InvalidInputError
from ..model import Plan, ScoreCard
from ..plugin.registry import Registry
from ..portfolio import PROGRAMME_SHARE, PortfolioRow, Segment, ranked
from ..portfolio import score_portfolio as portfolio_rows
from ..store import Workspace
from .actor import Actor
from .installed import installed
from .records import create


def score_account(workspace: Workspace, actor: Actor, account_id: str, rubric: str,
                  inputs: Mapping[str, str | float], *, plan_id: str | None = None,
                  registry: Registry | None = None) -> ScoreCard:
    """Score an account with the installed rubric ``rubric`` and store the card.

    :param inputs: values of the criteria a person enters, by criterion key (numbers, or
        text that reads as one); computed criteria come from the installed signals.
    :param plan_id: the plan of the account the card belongs to, if any.
    :raises InvalidInputError: a value is not a number, off the scale, missing or unknown;
        the plan belongs to another account.
    :raises NotFoundError: no such rubric, account or plan.
    """
    from ..rubric import parse_inputs
    from ..rubric import score_account as score

    plugins = installed(registry)
    found = plugins.rubric(rubric)
    if plan_id is not None:
        plan = workspace.get(Plan, plan_id)
        if plan.account_id != account_id:
            raise InvalidInputError(f"plan {plan_id!r} belongs to account {plan.account_id!r}, "
                                    f"not {account_id!r}")
    values = parse_inputs({key: str(value) for key, value in inputs.items()})
    card = score(found, workspace.snapshot(account_id), values, plugins.signals,
                 plan_id=plan_id)
    return create(workspace, actor, card)


def score_portfolio(workspace: Workspace, actor: Actor, rubric: str, *, save: bool = False,
                    registry: Registry | None = None) -> list[PortfolioRow]:
    """Every account ranked by the rubric, highest first: computed now when every criterion is
    a signal, else each account's latest card.

    :param save: store the computed cards (only a fully computed rubric computes them).
    :raises InvalidInputError: ``save`` with a rubric whose criteria a person enters.
    """
    plugins = installed(registry)
    found = plugins.rubric(rubric)
    if save and not all(criterion.computed for criterion in found.criteria):
        raise InvalidInputError(
            f"storing portfolio score cards needs a computed rubric; {found.name} has criteria "
            "entered by a person (score each account with its values)")
    return ranked(portfolio_rows(workspace, plugins, found, save=save, by=actor.name))


def segment_portfolio(workspace: Workspace, rubric: str, *,
                      share: float = PROGRAMME_SHARE[1],
                      programme_tiers: tuple[str, ...] = ("strategic", "key"),
                      as_of: date | None = None,
                      registry: Registry | None = None) -> Segment:
    """Who belongs in the key-account programme by ``rubric``, scope inflation and findings on
    the programme (see :func:`kamcore.portfolio.segment`): members are the accounts in a band
    the rubric marks ``qualifies``; a rubric without one takes the top ``share``. The cards of
    members and scope inflation older than the rubric's ``rescore_every`` on ``as_of``
    (default today) are ``score-stale`` findings.

    :raises InvalidInputError: ``share`` not above 0 and at most 1.
    :raises NotFoundError: no such rubric.
    """
    import attrs

    from ..portfolio import score_portfolio as rows_of
    from ..portfolio import segment, stale_score_findings

    plugins = installed(registry)
    found = plugins.rubric(rubric)
    cut = segment(list(rows_of(workspace, plugins, found)), share, programme_tiers,
                  found.qualifying_bands)
    stale = stale_score_findings((*cut.members, *cut.inflated), found, as_of or date.today())
    return attrs.evolve(cut, findings=(*cut.findings, *stale))

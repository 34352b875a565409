"""Scoring an account with a rubric: inputs checked against the scales, signals computed,
the weighted total and its band, and an explanation line per criterion."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from ..errors import InvalidInputError, Problem
from ..model import RubricRef, ScoreCard
from ..plugin.contributions import Signal
from ..snapshot import AccountSnapshot
from .model import Rubric


def parse_inputs(values: Mapping[str, str]) -> dict[str, float]:
    """``--set key=value`` strings as numbers; every non-number is reported."""
    parsed, problems = {}, []
    for key, text in values.items():
        try:
            parsed[key] = float(text)
        except ValueError:
            problems.append(Problem(f"{text!r} is not a number", path=(key,)))
    if problems:
        raise InvalidInputError("score inputs refused", problems)
    return parsed


def score_account(rubric: Rubric, snapshot: AccountSnapshot, inputs: Mapping[str, float],
                  signals: Mapping[str, Signal], *, plan_id: str | None = None,
                  scored_at: datetime | None = None) -> ScoreCard:
    """Score one account; the card records the rubric's version.

    :param inputs: values entered by a person, by criterion key.
    :param signals: the installed signals by name (``Registry.signals``).
    :raises InvalidInputError: unknown criteria, values off the scale, a missing entered value,
        an input given for a computed criterion, or a missing or failing signal -- all at once.
    """
    problems: list[Problem] = []
    known = {c.key for c in rubric.criteria}
    for key in inputs:
        if key not in known:
            problems.append(Problem(
                f"unknown criterion; {rubric.name} has: {', '.join(sorted(known))}", path=(key,)))
    values: dict[str, float] = {}
    explanation: list[str] = []
    for criterion in rubric.criteria:
        if criterion.signal is None:
            if criterion.key not in inputs:
                anchors = criterion.anchor_text()
                problems.append(Problem(f"needs a value ({criterion.scale.min:g}.."
                                        f"{criterion.scale.max:g}): --set {criterion.key}=N"
                                        + (f" ({anchors})" if anchors else ""),
                                        path=(criterion.key,)))
                continue
            value, how = inputs[criterion.key], "entered"
        else:
            if criterion.key in inputs:
                problems.append(Problem(f"is computed by signal {criterion.signal!r}; "
                                        "it cannot be entered", path=(criterion.key,)))
                continue
            signal = signals.get(criterion.signal)
            if signal is None:
                problems.append(Problem(f"signal {criterion.signal!r} is not installed",
                                        path=(criterion.key,)))
                continue
            raw = signal.compute(snapshot)
            if raw is None:
                problems.append(Problem(f"signal {criterion.signal!r} has no data for "
                                        f"{snapshot.account.id}", path=(criterion.key,)))
                continue
            value, label = criterion.to_scale(raw)
            target = f", target {criterion.target}" if criterion.target else ""
            how = f"{criterion.signal} = {raw:g}{target}" + (f" ({label})" if label else "")
        off = criterion.scale.problem(value)
        if off:
            problems.append(Problem(off, path=(criterion.key,)))
            continue
        values[criterion.key] = value
        explanation.append(f"{criterion.key}: {value:g} x {criterion.weight:g} = "
                           f"{value * criterion.weight:.2f} ({how})")
    if problems:
        raise InvalidInputError(f"cannot score {snapshot.account.id} with {rubric.name}", problems)
    total = round(sum(values[c.key] * c.weight for c in rubric.criteria), 4)
    band = rubric.band_for(total)
    if band is not None:
        explanation.append(f"total {total:.2f}: {band.name}"
                           + (f" ({band.description})" if band.description else ""))
    when = scored_at or datetime.now(UTC)
    return ScoreCard(
        id=f"{snapshot.account.id}.{rubric.name}.{when:%Y%m%dT%H%M%S%f}",
        account_id=snapshot.account.id, plan_id=plan_id,
        rubric=RubricRef(name=rubric.name, version=rubric.version),
        inputs={k: v for k, v in inputs.items()}, values=values, total=total,
        band=band.name if band else None, explanation=explanation, scored_at=when,
    )

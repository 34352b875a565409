"""Findings about the opportunities of a plan under medpicc, meddic, meddicc or a variant.

:func:`check_plan` returns ``[]`` unless the methodology derives from ``medpicc`` and has the
``qualification`` section. For each open opportunity of the account (status ``open`` and not
at a closed stage) it reports:

``opportunity-qualification``  info: the score (``14/24``), the stage, and whether it is
                               qualified and why not (subject: the opportunity id)
``no-champion``, ``economic-buyer-unknown``, ``metrics-unknown`` (or any red flag code of
the settings)                  warning: an element is still unknown (score 0); the last two
                               apply from the proposal stage on
``qualification-missing``      warning: no scores for the opportunity in the plan

and for the plan as a whole:

``qualification-unknown-opportunity``  warning: scores for an id the account has no
                                        opportunity with
``qualification-settings-invalid``      error: the methodology's settings are unusable
"""

from __future__ import annotations

from typing import Any

from kamcore.checking import finding, has_section
from kamcore.methodology import Methodology
from kamcore.model import Finding, Opportunity, Plan
from kamcore.snapshot import AccountSnapshot

from .rules import QualificationRules, SettingsError
from .scoring import Qualification, qualify

PLUGIN = "medpicc"
METHODOLOGY = "medpicc"
SECTION = "qualification"


def describe(opportunity: Opportunity, result: Qualification) -> str:
    """One line: name, stage, score and whether (and why not) it is qualified."""
    stage = result.stage or opportunity.stage or "no stage"
    head = f"{opportunity.name} ({stage}): {result.score}"
    if result.qualified:
        needs = f"needs {result.min_total}"
        return f"{head}, qualified: yes ({needs} at {result.stage})"
    return f"{head}, qualified: no ({'; '.join(result.reasons)})"


def opportunity_findings(opportunity: Opportunity, data: Any, methodology: Methodology,
                         rules: QualificationRules) -> list[Finding]:
    """The qualification finding and red flags of one open opportunity (or that it has none)."""
    if not isinstance(data, dict):
        stage = f" ({opportunity.stage})" if opportunity.stage else ""
        return [finding(
            PLUGIN, "qualification-missing",
            f"open opportunity {opportunity.name!r}{stage} has no {methodology.title} scores",
            ("sections", SECTION), opportunity.id,
        )]
    result = qualify(opportunity, data, methodology, rules)
    findings = [finding(PLUGIN, "opportunity-qualification", describe(opportunity, result),
                        ("sections", SECTION, opportunity.id), opportunity.id, severity="info")]
    findings.extend(
        finding(PLUGIN, flag.code, f"{opportunity.name}: {flag.message}",
                ("sections", SECTION, opportunity.id, flag.element), opportunity.id)
        for flag in result.red_flags
    )
    return findings


def _is_open(opportunity: Opportunity, rules: QualificationRules) -> bool:
    stage = rules.stage(opportunity.stage)
    return opportunity.status == "open" and not (stage is not None and stage.closed)


def check_plan(plan: Plan, methodology: Methodology, snapshot: AccountSnapshot) -> list[Finding]:
    """Every medpicc finding about ``plan``; ``[]`` unless the methodology derives from it."""
    if not methodology.derives_from(METHODOLOGY):
        return []
    if not has_section(methodology, SECTION):
        return []
    try:
        rules = QualificationRules.from_methodology(methodology)
    except SettingsError as exc:
        return [finding(PLUGIN, "qualification-settings-invalid", str(exc), subject=plan.id,
                        severity="error")]
    section = plan.sections.get(SECTION)
    scored: dict[str, Any] = section if isinstance(section, dict) else {}
    findings = []
    for opportunity in snapshot.opportunities:
        if _is_open(opportunity, rules):
            findings.extend(opportunity_findings(opportunity, scored.get(opportunity.id),
                                                 methodology, rules))
    known = {opportunity.id for opportunity in snapshot.opportunities}
    findings.extend(
        finding(PLUGIN, "qualification-unknown-opportunity",
                f"scores for {key!r}, which is not an opportunity of account "
                f"{snapshot.account.id!r}", ("sections", SECTION, key), key)
        for key in scored if key not in known
    )
    return findings

"""Built-in checks for every plan: section data against the schemas, the current step's gate,
and a plan written under another version of its methodology."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..plugin.markers import hookimpl

if TYPE_CHECKING:
    from ..methodology import Methodology
    from ..model import Finding, Plan


@hookimpl
def kam_check_plan(plan: Plan, methodology: Methodology) -> list[Finding]:
    from ..model import Finding
    from ..planning import gate_findings, section_findings

    findings = section_findings(plan, methodology)
    if plan.step not in {step.key for step in methodology.steps}:
        findings.append(Finding(
            severity="error", code="step-unknown", path="step",
            message=f"step {plan.step!r} is not a step of {methodology.name}",
        ))
    else:
        findings.extend(gate_findings(plan, methodology, plan.step, severity="info"))
    if plan.methodology.version != methodology.version:
        findings.append(Finding(
            severity="info", code="methodology-version-changed", path="methodology.version",
            message=f"plan written under {methodology.name} {plan.methodology.version}; "
                    f"{methodology.version} is installed",
        ))
    return findings

"""medpicc's kam_check_plan on a real workspace: which opportunities get which findings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kamcore_medpicc import checks

from kamcore.documents import Document
from kamcore.methodology import Methodology, build_methodology
from kamcore.model import Account, Finding, Opportunity, Plan
from kamcore.planning import new_plan, set_section
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace
from kamcore.testing import sample_account, sample_opportunity

CheckFn = Callable[[Plan], list[Finding]]
Scored = Callable[..., dict[str, Any]]
STRONG = {"metrics": 2, "economic_buyer": 2, "decision_criteria": 2, "decision_process": 2,
          "paper_process": 1, "identify_pain": 3, "champion": 2, "competition": 0}


def pipeline(ws: Workspace) -> None:
    for ident, name, stage, status in [
        ("o-big", "Big deal", "Proposal/Price Quote", "open"),
        ("o-new", "New logo", "prospecting", "open"),
        ("o-bare", "Bare", "Qualification", "open"),
        ("o-won", "Won deal", "Closed Won", "won"),
        ("o-lost", "Lost deal", "Negotiation/Review", "lost"),
        ("o-stale", "Closed in CRM", "Closed Lost", "open"),
    ]:
        ws.save(Opportunity(id=ident, account_id="acme", name=name, stage=stage,
                            status=status),
                base_revision=0)


def summary(findings: list[Finding]) -> list[tuple[str, str, str | None, str | None]]:
    return sorted((f.severity, f.code, f.subject, f.path) for f in findings)


def test_each_open_opportunity_is_reported(kam_workspace: Workspace, kam_methodology: Methodology,
                                           kam_account: Account, scored: Scored,
                                           check: CheckFn) -> None:
    pipeline(kam_workspace)
    plan = new_plan(kam_workspace, kam_methodology, kam_account.id)
    plan = set_section(kam_workspace, kam_methodology, plan, "qualification", {
        "o-big": scored(**{**STRONG, "economic_buyer": 0}),   # 12/24 at proposal
        "o-new": scored(identify_pain=2),                     # 2/24 at prospecting, no champion
        "o-won": scored(**STRONG),                            # won: not checked
        "o-typo": scored(metrics=1),                          # no such opportunity
    })
    found = check(plan)
    assert summary(found) == [
        ("info", "opportunity-qualification", "o-big", "sections.qualification.o-big"),
        ("info", "opportunity-qualification", "o-new", "sections.qualification.o-new"),
        ("warning", "economic-buyer-unknown", "o-big",
         "sections.qualification.o-big.economic_buyer"),
        ("warning", "no-champion", "o-new", "sections.qualification.o-new.champion"),
        ("warning", "qualification-missing", "o-bare", "sections.qualification"),
        ("warning", "qualification-unknown-opportunity", "o-typo",
         "sections.qualification.o-typo"),
    ]
    messages = {(f.code, f.subject): f.message for f in found}
    assert messages[("opportunity-qualification", "o-big")] == (
        "Big deal (Proposal/Price Quote): 12/24, qualified: no (total 12 is below the 16 "
        "needed at Proposal/Price Quote; not validated (score < 2) at Proposal/Price Quote: "
        "economic_buyer (0))")
    assert messages[("opportunity-qualification", "o-new")] == (
        "New logo (Prospecting): 2/24, qualified: yes (needs 2 at Prospecting)")
    assert "Bare" in messages[("qualification-missing", "o-bare")]


def test_a_fully_qualified_deal_has_no_warnings(kam_workspace: Workspace,
                                                kam_methodology: Methodology, kam_account: Account,
                                                scored: Scored, check: CheckFn) -> None:
    kam_workspace.save(Opportunity(id="o-1", account_id="acme", name="Renewal",
                                   stage="Perception Analysis"), base_revision=0)
    plan = new_plan(kam_workspace, kam_methodology, kam_account.id)
    plan = set_section(kam_workspace, kam_methodology, plan, "qualification",
                       {"o-1": scored(**STRONG)})
    [finding] = check(plan)
    assert (finding.severity, finding.code) == ("info", "opportunity-qualification")
    assert "14/24, qualified: yes" in finding.message


def test_meddic_plans_score_out_of_18(kam_workspace: Workspace, meddic: Methodology,
                                      kam_account: Account, scored: Scored, check: CheckFn) -> None:
    kam_workspace.save(Opportunity(id="o-1", account_id="acme", name="Renewal",
                                   stage="Proposal/Price Quote"), base_revision=0)
    plan = new_plan(kam_workspace, meddic, kam_account.id)
    data = {k: v for k, v in STRONG.items() if k not in ("paper_process", "competition")}
    plan = set_section(kam_workspace, meddic, plan, "qualification", {"o-1": scored(**data)})
    [finding] = check(plan)
    assert finding.message == "Renewal (Proposal/Price Quote): 13/18, qualified: yes (needs 12 " \
                              "at Proposal/Price Quote)"


def test_no_opportunities_no_findings(kam_workspace: Workspace, kam_methodology: Methodology,
                                      kam_account: Account, check: CheckFn) -> None:
    assert check(new_plan(kam_workspace, kam_methodology, kam_account.id)) == []


def test_broken_settings_become_an_error_finding(kam_workspace: Workspace,
                                                 kam_methodology: Methodology,
                                                 kam_account: Account) -> None:
    broken = build_methodology(Document({
        "name": "broken", "version": "1.0", "title": "Broken", "extends": "medpicc",
        "settings": {"stages": []}}, "broken.yaml"), kam_methodology)
    plan = new_plan(kam_workspace, kam_methodology, kam_account.id)
    [finding] = checks.check_plan(plan, broken, kam_workspace.snapshot("acme"))
    assert (finding.severity, finding.code) == ("error", "qualification-settings-invalid")
    assert "no requirement for open stage 'Prospecting'" in finding.message


def test_other_methodologies_get_nothing(kam_workspace: Workspace, kam_methodology: Methodology,
                                         kam_account: Account) -> None:
    pipeline(kam_workspace)
    other = build_methodology(Document({
        "name": "other", "version": "1.0", "title": "Other",
        "steps": [{"key": "only", "title": "Only"}],
        "sections": [{"key": "qualification", "title": "Q", "schema": {"type": "object"}}],
    }, "other.yaml"))
    plan = new_plan(kam_workspace, kam_methodology, kam_account.id)
    assert checks.check_plan(plan, other, kam_workspace.snapshot("acme")) == []


def test_the_shared_example_under_each_variant(kam_workspace: Workspace, kam_registry: Registry,
                                               check: CheckFn) -> None:
    # The example scores the six MEDDIC elements of the sample renewal (at proposal stage):
    # 3+2+2+2+3+3 = 15. That misses MEDDPICC's 16 but meets MEDDICC's 14 and MEDDIC's 12.
    kam_workspace.save(sample_account(), base_revision=0)
    kam_workspace.save(sample_opportunity(), base_revision=0)
    expected = {"medpicc": "15/24, qualified: no", "meddicc": "15/21, qualified: yes",
                "meddic": "15/18, qualified: yes"}
    for name, verdict in expected.items():
        methodology = kam_registry.methodology(name)
        plan = new_plan(kam_workspace, methodology, "acme")
        example = methodology.document["example"]["sections"]["qualification"]
        plan = set_section(kam_workspace, methodology, plan, "qualification", example)
        [finding] = check(plan)
        assert finding.subject == "acme.renewal"
        assert verdict in finding.message, name

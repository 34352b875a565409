"""The pure scorer: exact totals, the stage table, stage-name mapping and red flags."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from kamcore_medpicc import QualificationRules, SettingsError, qualify
from kamcore_medpicc.scoring import element_scores

from kamcore.documents import Document
from kamcore.methodology import Methodology, build_methodology
from kamcore.model import Opportunity

Scored = Callable[..., dict[str, Any]]

#: 2+2+2+2+1+3+2+0 = 14 of 24; every element a stage can require validated is >= 2
#: except paper_process (1) and competition (0).
STRONG = {"metrics": 2, "economic_buyer": 2, "decision_criteria": 2, "decision_process": 2,
          "paper_process": 1, "identify_pain": 3, "champion": 2, "competition": 0}


def opp(stage: str | None, ident: str = "opp-1") -> Opportunity:
    return Opportunity(id=ident, account_id="acme", name="Big deal", stage=stage)


def test_exact_total_against_the_stage_table(kam_methodology: Methodology, scored: Scored) -> None:
    data = scored(**STRONG)
    at_perception = qualify(opp("Perception Analysis"), data, kam_methodology)
    assert (at_perception.total, at_perception.max_total, at_perception.score) == (14, 24, "14/24")
    assert (at_perception.stage, at_perception.min_total) == ("Perception Analysis", 14)
    assert at_perception.qualified and at_perception.reasons == () and at_perception.missing == ()

    at_proposal = qualify(opp("Proposal/Price Quote"), data, kam_methodology)
    assert (at_proposal.total, at_proposal.min_total, at_proposal.qualified) == (14, 16, False)
    assert at_proposal.missing == ()
    assert at_proposal.reasons == ("total 14 is below the 16 needed at Proposal/Price Quote",)

    at_negotiation = qualify(opp("Negotiation/Review"), data, kam_methodology)
    assert at_negotiation.missing == ("paper_process",)
    assert not at_negotiation.qualified
    assert "paper_process (1)" in at_negotiation.reasons[1]


def test_must_validate_fails_even_when_the_total_is_enough(kam_methodology: Methodology,
                                                           scored: Scored) -> None:
    # 3+1+3+3+3+3+3+3 = 22 >= 16, but the economic buyer is only identified
    data = scored(**{**dict.fromkeys(STRONG, 3), "economic_buyer": 1})
    result = qualify(opp("Proposal/Price Quote"), data, kam_methodology)
    assert (result.total, result.qualified, result.missing) == (22, False, ("economic_buyer",))
    assert result.red_flags == ()


@pytest.mark.parametrize(("crm_stage", "stage"), [
    ("Proposal/Price Quote", "Proposal/Price Quote"),
    ("PROPOSAL / PRICE QUOTE", "Proposal/Price Quote"),
    ("proposal", "Proposal/Price Quote"),
    ("Id. Decision Makers", "Id. Decision Makers"),
    ("id decision makers", "Id. Decision Makers"),
    ("Needs  Analysis", "Needs Analysis"),
    ("discovery", "Qualification"),
    ("Negotiation", "Negotiation/Review"),
])
def test_crm_stage_names_map_case_insensitively(kam_methodology: Methodology, crm_stage: str,
                                                stage: str) -> None:
    assert qualify(opp(crm_stage), None, kam_methodology).stage == stage


def test_unknown_missing_and_closed_stages(kam_methodology: Methodology, scored: Scored) -> None:
    data = scored(**STRONG)
    stalled = qualify(opp("Stalled"), data, kam_methodology)
    assert (stalled.stage, stalled.qualified, stalled.total) == (None, False, 14)
    assert "'Stalled' is not in the stage table of medpicc" in stalled.reasons[0]
    assert qualify(opp(None), data, kam_methodology).reasons == ("the opportunity has no stage",)
    won = qualify(opp("Closed Won"), scored(champion=0), kam_methodology)
    assert (won.qualified, won.red_flags) == (False, ())


def test_missing_elements_count_as_unknown(kam_methodology: Methodology, scored: Scored) -> None:
    result = qualify(opp("Prospecting"), scored(identify_pain=2), kam_methodology)
    assert (result.total, result.qualified) == (2, True)
    assert result.scores["metrics"] == 0
    assert qualify(opp("Prospecting"), None, kam_methodology).total == 0


def test_unusable_scores_count_as_unknown(kam_methodology: Methodology) -> None:
    # the section schema refuses these; data saved before a schema change may still hold them
    rules = QualificationRules.from_methodology(kam_methodology)
    data = {"metrics": {"score": 7}, "champion": {"score": True}, "competition": "3",
            "economic_buyer": {"score": -1}, "identify_pain": {"score": 3}}
    scores = element_scores(data, rules)
    assert scores == {**dict.fromkeys(rules.element_keys, 0), "identify_pain": 3}


@pytest.mark.parametrize(("stage", "zeros", "flags"), [
    ("Prospecting", ["champion"], ["no-champion"]),
    ("Prospecting", ["economic_buyer", "metrics"], []),
    ("Perception Analysis", ["economic_buyer", "metrics"], []),
    ("Proposal/Price Quote", ["economic_buyer"], ["economic-buyer-unknown"]),
    ("Negotiation/Review", ["metrics", "champion"], ["metrics-unknown", "no-champion"]),
    ("Stalled", ["champion", "economic_buyer", "metrics"], ["no-champion"]),
])
def test_red_flags(kam_methodology: Methodology, scored: Scored, stage: str, zeros: list[str],
                   flags: list[str]) -> None:
    data = scored(**{**STRONG, **dict.fromkeys(zeros, 0)})
    result = qualify(opp(stage), data, kam_methodology)
    assert sorted(flag.code for flag in result.red_flags) == flags
    assert all(flag.element in zeros for flag in result.red_flags)


def test_variants_score_out_of_their_own_maximum(meddic: Methodology, meddicc: Methodology,
                                                 scored: Scored) -> None:
    data = scored(**STRONG)  # the dropped elements' scores must not count
    in_meddic = qualify(opp("Proposal/Price Quote"), data, meddic)
    assert (in_meddic.score, in_meddic.min_total, in_meddic.qualified) == ("13/18", 12, True)
    assert set(in_meddic.scores) == {"metrics", "economic_buyer", "decision_criteria",
                                     "decision_process", "identify_pain", "champion"}

    in_meddicc = qualify(opp("Proposal/Price Quote"), data, meddicc)
    assert (in_meddicc.score, in_meddicc.min_total, in_meddicc.qualified) == ("13/21", 14, False)
    at_negotiation = qualify(opp("Negotiation/Review"), data, meddicc)
    assert at_negotiation.missing == ("competition",)


def _variant(medpicc: Methodology, settings: dict[str, Any]) -> Methodology:
    return build_methodology(Document({
        "name": "house-meddic", "version": "1.0", "title": "House", "extends": "medpicc",
        "settings": settings}, "house.yaml"), medpicc)


@pytest.mark.parametrize(("settings", "says"), [
    ({"stages": [{"stage": "Prospecting", "min_total": 2, "must_validate": ["budget"]}]},
     "settings.stages[0].must_validate[0]: 'budget' is not an element"),
    ({"stages": [{"stage": "Pitching", "min_total": 2}]}, "'Pitching' is not in stage_order"),
    ({"stages": [{"stage": "Prospecting", "min_total": 2}]},
     "no requirement for open stage 'Qualification'"),
    ({"elements": [{"key": "champion"}],
      "stages": [{"stage": s, "min_total": 4} for s in (
          "Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
          "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote",
          "Negotiation/Review")]},
     "4 is more than the maximum 3"),
    ({"validated_score": 5}, "settings.validated_score"),
    ({"red_flags": [{"code": "no-champion", "element": "champion", "message": "m",
                     "from_stage": "Later"}]}, "'Later' is not in stage_order"),
])
def test_unusable_settings_are_explained(kam_methodology: Methodology, settings: dict[str, Any],
                                         says: str) -> None:
    with pytest.raises(SettingsError, match="house-meddic") as refused:
        QualificationRules.from_methodology(_variant(kam_methodology, settings))
    assert says in str(refused.value)

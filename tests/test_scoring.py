"""Rubrics: the engine's arithmetic and refusals, computed coverage, portfolio and segments."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kamcore.cli import run
from kamcore.documents import parse_document
from kamcore.errors import InvalidInputError
from kamcore.model import Account, RubricRef, ScoreCard, Stakeholder
from kamcore.plugin.host import make_plugin_host
from kamcore.plugin.registry import Registry
from kamcore.portfolio import PortfolioRow, segment
from kamcore.rubric import build_rubric, score_account
from kamcore.snapshot import AccountSnapshot
from kamcore.store import Workspace

TIERING = ("revenue_contribution", "expansion_potential", "strategic_value",
           "relationship_health", "competitive_risk")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(make_plugin_host(allowlist=frozenset(), strict=True))


@pytest.mark.parametrize(("values", "total", "band"), [
    ((5, 4, 4, 3, 2), 3.80, "key"),
    ((5, 5, 4, 4, 3), 4.35, "strategic"),
    # "Competitive risk 15% -- 5 = Competitor actively threatening; 1 = No competitive
    # pressure" and "Accounts scoring 4.0+ qualify for dedicated SAM resources": revenue 4,
    # expansion 4, strategic value 4, relationship health 3 under active threat qualifies ...
    ((4, 4, 4, 3, 5), 4.00, "strategic"),
    # ... and the same account without competitive pressure does not
    ((4, 4, 4, 3, 1), 3.40, "key"),
])
def test_account_tiering_totals_and_qualification(registry: Registry, values: tuple[int, ...],
                                                  total: float, band: str) -> None:
    rubric = registry.rubric("account-tiering")
    card = score_account(rubric, AccountSnapshot(account=Account(id="a", name="A")),
                         dict(zip(TIERING, map(float, values), strict=True)), registry.signals)
    assert card.total == pytest.approx(total)
    assert card.band == band
    qualifies = rubric.band_for(card.total).name == "strategic"  # type: ignore[union-attr]
    assert qualifies is (total >= 4.0)
    assert card.rubric.version == rubric.version


def _person(key: str, **fields: object) -> Stakeholder:
    base: dict[str, object] = {"id": key, "account_id": "a", "name": key.title()}
    base.update(fields)
    return Stakeholder(**base)  # type: ignore[arg-type]


def test_stakeholder_coverage_is_computed_from_stakeholder_data_alone(
        registry: Registry) -> None:
    recent = date.today() - timedelta(days=10)
    rubric = registry.rubric("stakeholder-coverage")
    assert all(c.computed for c in rubric.criteria)
    thin = AccountSnapshot(account=Account(id="a", name="A"), stakeholders=(
        _person("ceo", seniority="c_level", relationship_strength=3, last_contact=recent,
                seller_owner="Jo"),
        _person("cfo", seniority="c_level", roles=frozenset({"economic_buyer"})),
        _person("vp", seniority="vp"),
    ))
    card = score_account(rubric, thin, {}, registry.signals)
    # 1 of 3 relevant active (0.33 -> 3), one executive (3), single-threaded (1), EB known (5)
    assert card.values == {"coverage": 3, "executive_access": 3, "multi_threaded": 1,
                           "economic_buyer": 5}
    assert card.total == pytest.approx(0.4 * 3 + 0.25 * 3 + 0.2 * 1 + 0.15 * 5)
    broad = AccountSnapshot(account=thin.account, stakeholders=tuple(
        _person(k, seniority="c_level", relationship_strength=4, last_contact=recent,
                seller_owner=owner, roles=frozenset({"economic_buyer"}) if k == "cfo" else
                frozenset())
        for k, owner in (("ceo", "Jo"), ("cfo", "Sam"), ("coo", "Jo"))))
    assert score_account(rubric, broad, {}, registry.signals).band == "healthy"


@pytest.mark.parametrize(("inputs", "says"), [
    ({"revenue_contribution": 9.0}, "off the scale"),
    ({"bogus": 1.0}, "unknown criterion"),
    ({"revenue_contribution": 2.5}, "not a multiple"),
    ({}, "needs a value"),
])
def test_bad_inputs_are_refused(registry: Registry, inputs: dict[str, float], says: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        score_account(registry.rubric("account-tiering"),
                      AccountSnapshot(account=Account(id="a", name="A")), inputs,
                      registry.signals)
    assert any(says in p.message for p in refused.value.problems)


def test_weights_that_do_not_sum_to_one_are_refused_with_location() -> None:
    text = ("name: r\nversion: 1.0.0\ntitle: R\nscale: {min: 1, max: 5}\ncriteria:\n"
            "  - {key: a, title: A, weight: 0.5}\n  - {key: b, title: B, weight: 0.3}\n")
    with pytest.raises(InvalidInputError) as refused:
        build_rubric(parse_document(text, "r.yaml"))
    problem = refused.value.problems[0]
    assert "sum to 0.8" in problem.message
    assert (problem.source, problem.line, problem.path) == ("r.yaml", 6, ("criteria",))


def test_cli_scores_ranks_segments_and_keeps_history(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "kam.db")
    assert run(["-w", db, "init"]) == 0
    for key, tier, values in (("a1", "strategic", (5, 5, 4, 4, 3)),
                              ("a2", "strategic", (2, 2, 2, 2, 2)),
                              ("a3", "growth", (4, 4, 4, 4, 4)), ("a4", None, (1, 1, 1, 1, 1)),
                              ("a5", None, (3, 3, 3, 3, 3))):
        assert run(["-w", db, "account", "add", key, "--id", key,
                    *(["--tier", tier] if tier else [])]) == 0
        sets = [f"--set={k}={v}" for k, v in zip(TIERING, values, strict=True)]
        assert run(["-w", db, "score", key, "-r", "account-tiering", *sets]) == 0
    assert run(["-w", db, "score", "a2", "-r", "account-tiering", "--set=revenue_contribution=9",
                "--set=expansion_potential=1"]) == 2
    capsys.readouterr()
    assert run(["-w", db, "score", "--all", "-r", "account-tiering", "--json"]) == 0
    ranked = json.loads(capsys.readouterr().out)
    assert [r["account_id"] for r in ranked] == ["a1", "a3", "a5", "a2", "a4"]
    assert run(["-w", db, "segment", "-r", "account-tiering", "--share", "0.2", "--json"]) == 0
    cut = json.loads(capsys.readouterr().out)
    # a3 totals exactly 4.00 (band strategic): it qualifies, whatever the share
    assert [r["account_id"] for r in cut["members"]] == ["a1", "a3"]
    assert [r["account_id"] for r in cut["scope_inflation"]] == ["a2"]
    assert cut["rule"] == "band strategic"
    [size] = cut["findings"]
    assert size["code"] == "programme-size" and "2 of 5 scored accounts (40%)" in size["message"]
    assert run(["-w", db, "score", "a1", "-r", "account-tiering", "--history", "--json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [(c["total"], c["rubric"]["version"]) for c in history] == [(4.35, "2.0.0")]
    with Workspace.open(db) as ws:
        assert ws.count(ScoreCard) == 5


@pytest.mark.parametrize(("args", "says"), [
    (["score", "a1", "-r", "account-tiering", "--save"], "--save goes with --all"),
    (["score", "--all", "-r", "account-tiering", "--save"], "needs a computed rubric"),
    (["score", "a1", "-r", "qbr-health", "--history", "--plan", "p"], "takes no --set"),
    (["score", "a1", "-r", "qbr-health", "--plan", "ghost", "--set=relationship_depth=3",
      "--set=pipeline_coverage=3", "--set=plan_currency=3"], "no plan named 'ghost'"),
])
def test_score_refuses_options_that_would_be_ignored(tmp_path: Path, args: list[str], says: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "kam.db")
    assert run(["-w", db, "init"]) == 0
    assert run(["-w", db, "account", "add", "A1", "--id", "a1"]) == 0
    capsys.readouterr()
    assert run(["-w", db, *args]) == 2
    assert says in capsys.readouterr().err
    with Workspace.open(db) as ws:
        assert ws.count(ScoreCard) == 0


def test_score_all_save_records_the_user(tmp_path: Path) -> None:
    db = str(tmp_path / "kam.db")
    assert run(["-w", db, "init"]) == 0
    assert run(["-w", db, "account", "add", "A1", "--id", "a1"]) == 0
    with Workspace.open(db) as ws:
        ws.save(Stakeholder(id="a1.ceo", account_id="a1", name="Ceo", seniority="c_level"),
                base_revision=0)
    assert run(["-w", db, "--user", "dana", "score", "--all", "-r", "stakeholder-coverage",
                "--save"]) == 0
    with Workspace.open(db) as ws:
        (card,) = ws.iter(ScoreCard)
        assert card.updated_by == "dana"


def _rows(*totals: tuple[str, float | None, str | None]) -> list[PortfolioRow]:
    rubric = Registry(make_plugin_host(allowlist=frozenset())).rubric("account-tiering")
    return [PortfolioRow(key, key.upper(), tier, total,
                         None if total is None else rubric.band_for(total).name,  # type: ignore[union-attr]
                         rubric.version)
            for key, total, tier in totals]


def test_segment_membership_follows_the_qualifying_band_and_size_is_a_finding() -> None:
    """Membership follows the rubric's qualifying rule first; the share ("typically the top
    10-20% of the customer base") is a check on programme size, not a silent cut."""
    rows = _rows(("a", 4.35, "strategic"), ("b", 4.0, None), ("c", 3.9, "key"),
                 *((f"z{i}", 2.0, None) for i in range(7)))
    cut = segment(rows, 0.2, qualifying=frozenset({"strategic"}))
    assert [r.account_id for r in cut.members] == ["a", "b"]  # 2 of 10: inside 10-20%
    assert cut.findings == ()
    assert [r.account_id for r in cut.inflated] == ["c"]
    small = segment(rows, 0.1, qualifying=frozenset({"strategic"}))
    assert [r.account_id for r in small.members] == ["a", "b"]  # never cut to fit the share
    [size] = small.findings
    assert size.code == "programme-size" and "more than the usual 10%-10%" in size.message
    none = segment(rows[2:], 0.2, qualifying=frozenset({"strategic"}))
    assert none.members == () and "fewer than the usual 10%-20%" in none.findings[0].message
    # a rubric without a qualifying rule cuts the top share
    assert [r.account_id for r in segment(rows, 0.1).members] == ["a"]


@pytest.mark.parametrize("share", [0.0, -0.1, 1.5, 20.0])
def test_segment_refuses_a_share_outside_zero_to_one(share: float) -> None:
    with pytest.raises(InvalidInputError, match="share must be above 0 and at most 1"):
        segment(_rows(("a", 4.0, None)), share)


def test_tiering_anchors_are_shown_where_a_person_enters_a_criterion(
        registry: Registry, capsys: pytest.CaptureFixture[str]) -> None:
    rubric = registry.rubric("account-tiering")
    assert rubric.criterion("revenue_contribution").anchor_text() == (
        "5 = Top 5 by revenue; 1 = Bottom quartile")
    with pytest.raises(InvalidInputError) as refused:
        score_account(rubric, AccountSnapshot(account=Account(id="a", name="A")), {},
                      registry.signals)
    messages = {p.path: p.message for p in refused.value.problems}
    assert "5 = Less than 30% of addressable spend captured; 1 = Fully penetrated" in messages[
        ("expansion_potential",)]
    assert "5 = Flagship reference" in messages[("strategic_value",)]
    assert "5 = Active executive sponsor; 1 = Single-threaded, at-risk" in messages[
        ("relationship_health",)]
    assert "5 = Competitor actively threatening; 1 = No competitive pressure" in messages[
        ("competitive_risk",)]
    assert run(["rubrics", "show", "account-tiering"]) == 0
    assert "Top 5 by revenue" in capsys.readouterr().out


def test_an_anchor_off_the_scale_is_refused_with_its_location() -> None:
    text = ("name: r\nversion: 1.0.0\ntitle: R\nscale: {min: 1, max: 5}\ncriteria:\n"
            "  - key: a\n    title: A\n    weight: 1\n    anchors: {'9': too high}\n")
    with pytest.raises(InvalidInputError) as refused:
        build_rubric(parse_document(text, "r.yaml"))
    problem = refused.value.problems[0]
    assert "off the scale" in problem.message and problem.path == ("criteria", 0, "anchors", "9")


def test_cards_scored_under_tiering_1_keep_their_version(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """Old score cards keep their rubric version; the rubric's version is raised."""
    db = str(tmp_path / "kam.db")
    assert run(["-w", db, "init"]) == 0
    assert run(["-w", db, "account", "add", "A1", "--id", "a1"]) == 0
    old = ScoreCard(id="a1.old", account_id="a1", rubric=RubricRef(
        name="account-tiering", version="1.0.0"), values={"competitive_risk": 2.0},
        total=3.8, band="key", scored_at=datetime(2026, 1, 5, tzinfo=UTC))
    with Workspace.open(db) as ws:
        ws.save(old, base_revision=0)
    sets = [f"--set={k}={v}" for k, v in zip(TIERING, (4, 4, 4, 3, 5), strict=True)]
    assert run(["-w", db, "score", "a1", "-r", "account-tiering", *sets]) == 0
    capsys.readouterr()
    assert run(["-w", db, "score", "a1", "-r", "account-tiering", "--history", "--json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [(c["rubric"]["version"], c["total"], c["band"]) for c in history] == [
        ("1.0.0", 3.8, "key"), ("2.0.0", 4.0, "strategic")]


def test_a_score_older_than_rescore_every_is_a_finding(tmp_path: Path) -> None:
    """"Update the scoring quarterly": account-tiering's rescore_every (3 months) makes an
    older card of a programme account a score-stale finding in the segment."""
    from kamcore import operations
    from kamcore.operations import Actor

    registry = Registry(make_plugin_host(allowlist=frozenset()))
    with Workspace.open(tmp_path / "kam.db", create=True) as ws:
        for key in ("a1", "a2"):
            operations.add_account(ws, Actor("dana"), key.upper(), account_id=key,
                                   tier="strategic")
            operations.score_account(ws, Actor("dana"), key, "account-tiering",
                                     dict(zip(TIERING, (5, 5, 4, 4, 3), strict=True)),
                                     registry=registry)
        soon = operations.segment_portfolio(ws, "account-tiering",
                                            as_of=date.today() + timedelta(days=80),
                                            registry=registry)
        assert not [f for f in soon.findings if f.code == "score-stale"]
        later = operations.segment_portfolio(ws, "account-tiering",
                                             as_of=date.today() + timedelta(days=100),
                                             registry=registry)
    stale = [f for f in later.findings if f.code == "score-stale"]
    assert [f.subject for f in stale] == ["a1", "a2"]
    assert "rescored every 3 months" in stale[0].message

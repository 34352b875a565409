"""``kam plan diff`` between revisions and reviews, and the plain-word changes behind it.

The methodology here (``kt-house``) names its sections its own way -- ``agreements.goals``,
``commitments``, ``grid``, ``people`` -- so the shapes (objectives, actions, whitespace cells,
stakeholder-map entries) are recognised generically, partly from the ``$ref`` of the section
schema and partly from the items' keys.
"""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kamcore.changes import PlanState, plan_changes
from kamcore.documents import parse_document
from kamcore.methodology import build_methodology
from kamcore.model import Plan, RubricRef, ScoreCard, Stakeholder
from kamcore.store import Workspace

HOUSE = textwrap.dedent("""\
    name: kt-house
    version: "1.0"
    title: House plan
    description: A house methodology with its own section names.
    roles: [economic_buyer, champion, coach]
    cadence:
      internal: {every: "1 month"}
      customer: {every: "3 months", title: Quarterly business review}
    steps:
      - key: analyse
        title: Analyse the account
        sections: [agreements, people, grid]
      - key: run
        title: Run the plan
        sections: [commitments]
    sections:
      - key: agreements
        title: Agreements
        schema:
          type: object
          properties:
            goals: {type: array, items: {$ref: "urn:kamcore:shape:objective"}}
            summary: {type: string}
      - key: commitments
        title: Commitments
        schema:
          type: array
          items:
            type: object
            required: [title]
            properties:
              id: {type: string}
              title: {type: string}
              owner: {type: string}
              due: {type: string, format: date}
              status: {enum: [open, done, cancelled]}
      - key: grid
        title: Whitespace
        schema: {type: array, items: {$ref: "urn:kamcore:shape:whitespace_cell"}}
      - key: people
        title: Stakeholder map
        schema:
          type: array
          items:
            type: object
            properties:
              stakeholder_id: {type: string}
              role: {type: string}
              influence: {type: integer}
              support: {type: integer}
    """)

PLAN = "acme-kt-house"


@pytest.fixture
def house_env(tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "methodologies"
    folder.mkdir()
    (folder / "kt-house.yaml").write_text(HOUSE, encoding="utf-8")
    return {"KAMCORE_METHODOLOGY_PATH": str(folder)}


@pytest.fixture
def house(kam_run, house_env: dict[str, str], tmp_path: Path) -> Any:
    """``./kam.db`` with account ``acme`` (one stakeholder, the CFO) and plan PLAN."""
    assert kam_run("init", env=house_env).code == 0
    assert kam_run("account", "add", "Acme", "--id", "acme").code == 0
    assert kam_run("plan", "new", "acme", "-m", "kt-house", "--id", PLAN).code == 0
    with Workspace.open(tmp_path / "kam.db") as ws:
        ws.save(Stakeholder(id="acme.cfo", account_id="acme", name="Chris Finance", title="CFO",
                            roles=frozenset({"economic_buyer"}), influence=5, support=0),
                base_revision=0)
    return kam_run


def _set(kam_run: Any, tmp_path: Path, section: str, data: Any) -> None:
    path = tmp_path / f"{section}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = kam_run("plan", "set", PLAN, section, str(path))
    assert result.code == 0, result


def _score(kam_run: Any, depth: int, currency: int) -> None:
    result = kam_run("score", "acme", "-r", "qbr-health", "--set", f"relationship_depth={depth}",
                     "--set", "pipeline_coverage=4", "--set", f"plan_currency={currency}")
    assert result.code == 0, result


def _review(kam_run: Any, kind: str, held: date) -> None:
    """Record a review; the customer review is the QBR, scored as the last ``_score`` was."""
    scores = ("--score", "relationship_depth=4", "--score", "pipeline_coverage=4",
              "--score", "plan_currency=4") if kind == "customer" else ()
    result = kam_run("review", "record", PLAN, "--kind", kind, "--date", held.isoformat(),
                     *scores)
    assert result.code == 0, result


TODAY = date.today()
DUE_BETWEEN = (TODAY - timedelta(days=10)).isoformat()  # after review 1, before review 2


def _goals(signed: bool) -> dict[str, Any]:
    first: dict[str, Any] = {"id": "g1", "title": "Cut order-to-cash time"}
    if signed:
        first["customer_signoff"] = {"name": "Chris Finance", "title": "CFO",
                                     "date": TODAY.isoformat()}
    return {"goals": [first, {"id": "g2", "title": "One maintenance process",
                              "customer_signoff": {"name": "Chris Finance", "date": "2026-01-05"}}],
            "summary": "two goals"}


def _commitments(done: bool) -> list[dict[str, Any]]:
    return [
        {"id": "c1", "title": "Order-to-cash workshop", "owner": "Jo",
         "due": (TODAY + timedelta(days=30)).isoformat(), "status": "done" if done else "open"},
        {"id": "c2", "title": "Pilot proposal", "owner": "Jo", "due": DUE_BETWEEN},
    ]


def _grid(state: str) -> list[dict[str, Any]]:
    return [{"business_unit": "Plants", "product_line": "Platform", "state": "owned"},
            {"business_unit": "Service", "product_line": "Analytics", "state": state}]


@pytest.fixture
def reviewed(house: Any, tmp_path: Path) -> Any:
    """Review 1, then every kind of change, then review 2."""
    kam_run = house
    _set(kam_run, tmp_path, "agreements", _goals(signed=False))
    _set(kam_run, tmp_path, "commitments", _commitments(done=False))
    _set(kam_run, tmp_path, "grid", _grid("potential"))
    _set(kam_run, tmp_path, "people", [{"stakeholder_id": "acme.cfo", "role": "economic_buyer",
                                        "influence": 5, "support": 0}])
    _score(kam_run, 3, 2)
    _review(kam_run, "internal", TODAY - timedelta(days=20))

    with Workspace.open(tmp_path / "kam.db") as ws:  # a stakeholder added, support moved
        ws.save(Stakeholder(id="acme.coo", account_id="acme", name="Olga Ops", title="COO",
                            roles=frozenset({"champion"}), influence=4, support=1),
                base_revision=0)
        cfo = ws.get(Stakeholder, "acme.cfo")
        ws.save(cfo.model_copy(update={"support": 2}))
    _set(kam_run, tmp_path, "agreements", _goals(signed=True))  # an objective signed
    _set(kam_run, tmp_path, "commitments", _commitments(done=True))  # an action completed
    _set(kam_run, tmp_path, "grid", _grid("pipeline"))  # a whitespace cell changed
    _set(kam_run, tmp_path, "people", [{"stakeholder_id": "acme.cfo", "role": "economic_buyer",
                                        "influence": 5, "support": 2}])
    _score(kam_run, 4, 4)  # scored again
    _review(kam_run, "customer", TODAY - timedelta(days=1))
    return kam_run


def test_diff_between_two_reviews_names_every_change(reviewed: Any) -> None:
    kam_run = reviewed
    result = kam_run("plan", "diff", PLAN, "--from", "review:1", "--to", "review:2", "--json")
    assert result.code == 0, result
    data = result.json()
    summary = {(c["kind"], c["subject"]): c for c in data["summary"]}
    texts = [c["text"] for c in data["summary"]]

    assert ("stakeholder-added", "acme.coo") in summary
    assert "stakeholder Olga Ops (COO) added" in summary["stakeholder-added", "acme.coo"]["text"]
    assert summary["support-moved", "acme.cfo"]["text"] == \
        "Chris Finance: support moved up from 0 to +2"
    signed = summary["objective-signed", "g1"]
    assert signed["text"] == ('objective "Cut order-to-cash time" signed off by Chris Finance '
                              f"(CFO) on {TODAY.isoformat()}")
    assert signed["path"] == "sections.agreements.goals[0].customer_signoff"
    assert summary["action-done", "c1"]["text"] == \
        'action "Order-to-cash workshop" done (was open)'
    overdue = summary["action-overdue", "c2"]
    assert overdue["text"] == \
        f'action "Pilot proposal" now overdue: due {DUE_BETWEEN}, still open'
    assert "whitespace Service / Analytics: potential -> pipeline" in texts
    assert "stakeholder map: Chris Finance: support moved up from 0 to +2" in texts
    score = summary["score-changed", "qbr-health"]["text"]
    assert score.startswith("score qbr-health: 3 -> 4") and "plan_currency 2 -> 4" in score
    # nothing else: the plan's other fields did not change between the reviews
    assert {c["kind"] for c in data["summary"]} == {
        "stakeholder-added", "support-moved", "objective-signed", "action-done",
        "action-overdue", "whitespace-state", "stakeholder-map-support", "score-changed"}

    assert (data["from"], data["to"]) == (data["from_point"]["revision"],
                                          data["to_point"]["revision"])
    assert data["from_point"]["review"] and data["to_point"]["review"]
    raw = {(c["path"], c["op"]) for c in data["changes"]}
    assert ("sections.agreements.goals[g1].customer_signoff", "added") in raw
    assert ("sections.commitments[c1].status", "changed") in raw

    text = kam_run("plan", "diff", PLAN, "--from", "review:1", "--to", "review:2")
    assert text.code == 0, text
    for needle in ("review:1 (internal review on", "-> review:2 (customer review on",
                   "stakeholder Olga Ops (COO) added", "support moved up from 0 to +2",
                   "signed off by Chris Finance", "done (was open)", "now overdue",
                   "potential -> pipeline", "score qbr-health"):
        assert needle in text.out, needle
    # words only: no internal path, no JSON (those are in --json and --raw)
    assert "sections." not in text.out and '{"' not in text.out
    raw_only = kam_run("plan", "diff", PLAN, "--from", "review:1", "--to", "review:2", "--raw")
    assert "sections.commitments[c1].status" in raw_only.out
    assert "Olga Ops" not in raw_only.out


def test_review_references_by_id_and_last(reviewed: Any) -> None:
    kam_run = reviewed
    listed = kam_run("review", "list", PLAN, "--json").json()
    assert [r["number"] for r in listed] == [1, 2]
    first_id = listed[0]["id"]
    by_id = kam_run("plan", "diff", PLAN, "--from", f"review:{first_id}", "--to", "review:last",
                    "--json").json()
    by_number = kam_run("plan", "diff", PLAN, "--from", "review:1", "--to", "review:2",
                        "--json").json()
    assert by_id["summary"] == by_number["summary"]
    since = kam_run("plan", "diff", PLAN, "--from", "review:last", "--json").json()
    assert since["to_point"]["reference"] == "now" and since["summary"] == []


@pytest.mark.parametrize("args, needles", [
    (["--from", "review:0"], ["--from", "2 review(s)", "review:1 = internal"]),
    (["--from", "review:3"], ["'review:3' names none"]),
    (["--to", "review:nope"], ["--to", "neither a review number"]),
    (["--from", "yesterday"], ["--from", "'yesterday' is not a plan revision"]),
    (["--from", "99"], ["no revision of plan"]),
])
def test_bad_references_are_clear_errors(reviewed: Any, args: list[str],
                                         needles: list[str]) -> None:
    reviewed("plan", "diff", PLAN, *args).assert_usage_error(*needles)


def test_review_reference_without_reviews(house: Any) -> None:
    house("plan", "diff", PLAN, "--from", "review:1").assert_usage_error("has no reviews")


def test_revisions_see_stakeholders_as_they_were(house: Any, tmp_path: Path) -> None:
    """A revision compares the account as it was when the revision was saved."""
    kam_run = house
    _set(kam_run, tmp_path, "grid", _grid("potential"))  # revision 2
    with Workspace.open(tmp_path / "kam.db") as ws:
        ws.save(Stakeholder(id="acme.cto", account_id="acme", name="Tess Tech"), base_revision=0)
    between = kam_run("plan", "diff", PLAN, "--from", "1", "--to", "2", "--json").json()
    # the CFO was recorded after revision 1 was saved and before revision 2
    assert [(c["kind"], c["subject"]) for c in between["summary"]] == [
        ("stakeholder-added", "acme.cfo"), ("whitespace-added", None),
        ("whitespace-added", None)]
    assert between["summary"][2]["text"] == "whitespace Service / Analytics added: potential"
    until_now = kam_run("plan", "diff", PLAN, "--from", "2", "--json").json()
    assert [(c["kind"], c["subject"]) for c in until_now["summary"]] == [
        ("stakeholder-added", "acme.cto")]
    assert until_now["to_point"]["reference"] == "now"


# -- plan_changes on its own ------------------------------------------------------------------


def _plan(sections: dict[str, Any], step: str = "analyse") -> Plan:
    return Plan(id="p", account_id="acme", methodology={"name": "kt-house", "version": "1.0"},
                step=step, sections=sections)


def _person(key: str, **fields: Any) -> Stakeholder:
    return Stakeholder(id=key, account_id="acme", name=fields.pop("name", key.title()), **fields)


def _card(total: float, band: str, **values: float) -> ScoreCard:
    return ScoreCard(id=f"c{total}", account_id="acme", rubric=RubricRef(name="r", version="1"),
                     total=total, band=band, values=values, scored_at=datetime.now(UTC))


@pytest.fixture(scope="module")
def methodology() -> Any:
    return build_methodology(parse_document(HOUSE, "kt-house.yaml"))


def test_removals_roles_and_reversals(methodology: Any) -> None:
    before = PlanState(
        _plan({"agreements": _goals(signed=True), "grid": _grid("owned"),
               "risks": [{"title": "Competitor", "likelihood": 3, "impact": 4}]}),
        {"a": _person("a", roles=frozenset({"champion"}), influence=3),
         "b": _person("b")},
        {"r": _card(3.0, "amber")}, TODAY)
    after = PlanState(
        _plan({"agreements": {"goals": [{"id": "g1", "title": "Cut order-to-cash time"}],
                              "summary": "one goal"},
               "grid": _grid("owned")[:1],
               "risks": [{"title": "Competitor", "likelihood": 4, "impact": 4}]}, step="run"),
        {"a": _person("a", roles=frozenset({"economic_buyer"}), influence=2, title="CEO")},
        {}, TODAY)
    texts = [c.text for c in plan_changes(before, after, methodology)]
    assert texts == [
        "A: influence moved down from 3 to 2",
        "A is now economic_buyer",
        "A is no longer champion",
        'A: title none -> "CEO"',
        "stakeholder B removed",
        'step "Analyse the account" -> "Run the plan"',
        'objective "Cut order-to-cash time" lost its customer sign-off',
        'objective "One maintenance process" removed',
        "Agreements \u203a Summary: 'two goals' \u2192 'one goal'",
        "whitespace Service / Analytics removed",
        'risk "Competitor": likelihood 3 -> 4',
        "score r: no score any more (was 3)",
    ]


def test_unknown_shapes_are_field_changes_in_words() -> None:
    before = PlanState(_plan({"notes": {"text": "a"}, "goals": [{"title": "x"}]}))
    after = PlanState(_plan({"notes": {"text": "b"}, "goals": [{"title": "x"}, {"title": "y"}],
                             "added": [1, 2]}))
    changes = plan_changes(before, after, None)
    assert [(c.kind, c.path) for c in changes] == [
        ("field-changed", "sections.notes.text"),
        ("field-changed", "sections.goals[1]"),
        ("field-changed", "sections.added"),
    ]
    assert [c.text for c in changes] == [
        "Notes \u203a Text: 'a' \u2192 'b'", "Goal 'y' added", "Added set to 1, 2"]


def test_unknown_shapes_are_named_with_the_schema_titles() -> None:
    """Issue 25: a section of no known shape reads in the titles of its schema, an item by
    its title or first text field, never as a path with JSON."""
    from kamcore.plan_words import PlanWords

    words = PlanWords(None, {"acme.cfo": "Chris Finance"})
    old = {"growth_bets": []}
    new = {"growth_bets": [{"title": "Service share of revenue", "business_unit": "Service",
                            "source": "Investor day 2025"}],
           "stakeholder_needs": [{"stakeholder_id": "acme.cfo",
                                  "needs": ["predictable service margin"]}]}
    texts = words.changes(("sections", "customer_business"), old, new)
    assert texts == [
        ("Growth bet 'Service share of revenue' added (business unit: Service; source: "
         "Investor day 2025)", "sections.customer_business.growth_bets[0]"),
        ("Stakeholder needs 'Chris Finance' added (needs: predictable service margin)",
         "sections.customer_business.stakeholder_needs[0]"),
    ]
    plan = {"sections": {"value_plan": {"initiatives": [{"title": "Pilot", "due": "x"}]}}}
    assert words.location("sections.value_plan.initiatives[0].due", plan) == \
        "Value plan \u203a Initiative 'Pilot' \u203a Due"


def test_actions_added_overdue_and_cancelled() -> None:
    late = (TODAY - timedelta(days=3)).isoformat()
    before = PlanState(_plan({"todo": [{"id": "a1", "title": "Call", "owner": "Jo",
                                        "status": "open"}]}), as_of=TODAY)
    after = PlanState(_plan({"todo": [
        {"id": "a1", "title": "Call", "owner": "Jo", "status": "cancelled"},
        {"id": "a2", "title": "Visit", "owner": "Kim", "due": late},
    ]}), as_of=TODAY)
    assert [(c.kind, c.text) for c in plan_changes(before, after)] == [
        ("action-cancelled", 'action "Call" cancelled (was open)'),
        ("action-added", f'action "Visit" added (owner Kim, due {late})'),
        ("action-overdue", f'action "Visit" now overdue: due {late}, still open'),
    ]


def test_scores_first_and_changed() -> None:
    before = PlanState(_plan({}), score_cards={"r": _card(3.0, "amber", depth=3)})
    after = PlanState(_plan({}), score_cards={"r": _card(3.0, "amber", depth=4),
                                              "s": _card(2.5, "low")})
    assert [c.text for c in plan_changes(before, after)] == [
        "score r: 3 (unchanged); depth 3 -> 4",
        "score s: first scored 2.5 (low)",
    ]


# -- restoring an earlier point; revisions that do not exist (issue 17) -----------------------


def _history(kam_run: Any) -> list[int]:
    return [e["revision"] for e in kam_run("plan", "history", PLAN, "--json").json()]


def test_restore_saves_a_new_revision_equal_to_an_earlier_one(reviewed: Any) -> None:
    kam_run = reviewed
    assert _history(kam_run) == list(range(1, 10))
    result = kam_run("--user", "lee", "plan", "restore", PLAN, "--revision", "5")
    assert result.code == 0, result
    assert result.out.startswith(f"plan {PLAN}: revision 5 (")
    assert "restored as revision 10 (step analyse)" in result.out
    then = kam_run("plan", "show", PLAN, "--revision", "5", "--json").json()
    now = kam_run("plan", "show", PLAN, "--json").json()
    assert (now["revision"], now["updated_by"]) == (10, "lee")
    assert now["sections"] == then["sections"] and now["step"] == then["step"]
    assert "customer_signoff" not in now["sections"]["agreements"]["goals"][0]
    assert _history(kam_run) == list(range(1, 11))  # nothing lost: revision 9 is still there
    latest = kam_run("plan", "show", PLAN, "--revision", "9", "--json").json()
    assert "customer_signoff" in latest["sections"]["agreements"]["goals"][0]

    again = kam_run("plan", "restore", PLAN, "--revision", "5")
    assert again.code == 0, again
    assert f"plan {PLAN} is already as it was at revision 5" in again.out
    assert "nothing written" in again.out and _history(kam_run) == list(range(1, 11))


def test_restore_to_a_review(reviewed: Any) -> None:
    kam_run = reviewed
    first = kam_run("plan", "restore", PLAN, "--revision", "review:1", "--json")
    assert first.code == 0, first
    data = first.json()
    assert (data["restored"]["reference"], data["restored"]["revision"]) == ("review:1", 5)
    assert (data["saved"], data["revision"]) == (True, 10)
    back = kam_run("plan", "restore", PLAN, "--revision", "review:last", "--json").json()
    assert (back["restored"]["revision"], back["revision"]) == (9, 11)
    same = kam_run("plan", "diff", PLAN, "--from", "9", "--to", "11", "--raw")
    assert same.code == 0 and "no changes" in same.out
    kam_run("plan", "restore", PLAN, "--revision", "review:3").assert_usage_error(
        "--revision: plan 'acme-kt-house' has 2 review(s), so 'review:3' names none")


def test_restore_refuses_a_stale_base_revision(reviewed: Any) -> None:
    from kamcore.errors import ConflictError

    result = reviewed("plan", "restore", PLAN, "--revision", "2", "--base-revision", "8")
    assert result.code == ConflictError.exit_code, result
    assert "save based on revision 8 refused, it is now at revision 9" in result.err
    assert _history(reviewed) == list(range(1, 10))


@pytest.mark.parametrize("revision", ["0", "-1", "99"])
@pytest.mark.parametrize("verb, option, extra", [
    ("show", "--revision", []), ("show", "--revision", ["--json"]),
    ("restore", "--revision", []), ("diff", "--from", []), ("diff", "--to", [])])
def test_revisions_that_do_not_exist_are_refused(reviewed: Any, verb: str, option: str,
                                                 extra: list[str], revision: str) -> None:
    result = reviewed("plan", verb, PLAN, option, revision, *extra)
    result.assert_usage_error(f"{option}: no revision of plan 'acme-kt-house' is numbered "
                              f"{revision}; it has revisions 1 to 9")
    assert _history(reviewed) == list(range(1, 10))


def test_show_revision_0_through_the_real_kam(house: Any, kam, house_env) -> None:
    result = kam("plan", "show", PLAN, "--revision", "0", env=house_env)
    result.assert_usage_error("--revision: no revision of plan 'acme-kt-house' is numbered 0; "
                              "it has revision 1")

"""Staleness findings of the built-in ``kamcore.builtin.staleness`` plugin, for every
methodology: stakeholders not contacted, overdue actions, a plan not refreshed within its
cycle and a new economic buyer since the last review."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import attrs
import pytest

from kamcore.builtin.staleness import StalenessSettings, staleness_findings
from kamcore.documents import parse_document
from kamcore.errors import InvalidInputError, format_path
from kamcore.methodology import Methodology, build_methodology
from kamcore.model import Account, Finding, Plan, Review, Stakeholder
from kamcore.snapshot import AccountSnapshot
from kamcore.store import Workspace

AS_OF = date(2027, 1, 1)


def _methodology(settings: dict[str, Any] | None = None,
                 cadence: dict[str, Any] | None = None) -> Methodology:
    document = {
        "name": "kt-stale", "version": "1", "title": "Staleness test",
        "description": "Sections named unlike any shipped methodology.",
        "roles": ["economic_buyer", "champion", "decider"],
        "cadence": cadence if cadence is not None else {
            "internal": {"every": "1 month"}, "annual": {"every": "1 year"}},
        "steps": [{"key": "run", "title": "Run", "sections": ["plan_actions", "todo", "people"]}],
        "sections": [
            {"key": "plan_actions", "title": "Actions",
             "schema": {"type": "array", "items": {"$ref": "urn:kamcore:shape:action"}}},
            {"key": "todo", "title": "To do", "schema": {"type": "array"}},
            {"key": "people", "title": "People", "schema": {"type": "array"}},
        ],
    }
    if settings is not None:
        document["settings"] = {"staleness": settings}
    return build_methodology(parse_document(json.dumps(document), "kt-stale.json"))


def _plan(sections: dict[str, Any] | None = None, saved: datetime | None = None,
          cadence: dict[str, str] | None = None) -> Plan:
    when = saved or datetime(2026, 12, 1, tzinfo=UTC)
    return Plan(id="p1", account_id="acme", methodology={"name": "kt-stale", "version": "1"},
                step="run", sections=sections or {}, cadence=cadence or {}, revision=3,
                created_at=when, updated_at=when)


def _person(key: str, **fields: Any) -> Stakeholder:
    return Stakeholder(id=f"acme.{key}", account_id="acme", name=key.title(), **fields)


def _snapshot(*people: Stakeholder, reviews: tuple[Review, ...] = ()) -> AccountSnapshot:
    return AccountSnapshot(account=Account(id="acme", name="Acme"), stakeholders=people,
                           reviews=reviews)


def _found(findings: list[Finding], code: str) -> set[tuple[str | None, str | None]]:
    return {(f.subject, f.path) for f in findings if f.code == code}


# -- stakeholders not contacted ----------------------------------------------------------------


def test_stakeholders_who_matter_and_were_not_contacted() -> None:
    people = (
        _person("eb", roles=frozenset({"economic_buyer"}), last_contact=AS_OF - timedelta(100)),
        _person("fresh", roles=frozenset({"champion"}), last_contact=AS_OF - timedelta(10)),
        _person("quiet", influence=1),  # no role, low influence, not on the map: not checked
        _person("mapped", influence=1),  # on the plan's stakeholder map, never contacted
        _person("vp", seniority="vp", last_contact=AS_OF - timedelta(91)),
        _person("gone", roles=frozenset({"champion"}), left_on=AS_OF - timedelta(30)),  # left
    )
    plan = _plan({"people": [{"stakeholder_id": "acme.mapped", "influence": 1, "support": 0}]})
    findings = staleness_findings(plan, _methodology(), _snapshot(*people), AS_OF)
    assert _found(findings, "stakeholder-not-contacted") == {
        ("acme.eb", None), ("acme.mapped", "sections.people[0]"), ("acme.vp", None)}
    by_subject = {f.subject: f for f in findings}
    assert by_subject["acme.eb"].severity == "warning"
    assert by_subject["acme.eb"].source == "kamcore"
    assert "not contacted for 100 days (last contact 2026-09-23)" in by_subject["acme.eb"].message
    assert "no contact with Mapped is recorded" in by_subject["acme.mapped"].message

    longer = staleness_findings(plan, _methodology({"contact_days": 120}), _snapshot(*people),
                                AS_OF)
    assert _found(longer, "stakeholder-not-contacted") == {("acme.mapped", "sections.people[0]")}
    off = staleness_findings(plan, _methodology({"contact_days": 0}), _snapshot(*people), AS_OF)
    assert _found(off, "stakeholder-not-contacted") == set()


# -- overdue actions ---------------------------------------------------------------------------


def test_overdue_actions_in_any_action_shaped_section() -> None:
    past, future = (AS_OF - timedelta(5)).isoformat(), (AS_OF + timedelta(5)).isoformat()
    plan = _plan({
        "plan_actions": [  # recognised from the schema's $ref
            {"id": "a1", "title": "Late", "due": past, "status": "in_progress"},
            {"title": "Late but done", "due": past, "status": "done"},
            {"title": "Not yet", "due": future},
            {"title": "Due today", "due": AS_OF.isoformat()},
        ],
        "todo": [{"title": "Call the CFO", "owner": "Jo", "due": past}],  # from its keys
    })
    findings = staleness_findings(plan, _methodology(), _snapshot(), AS_OF)
    assert _found(findings, "action-overdue") == {
        ("a1", "sections.plan_actions[0].due"), (None, "sections.todo[0].due")}
    late = next(f for f in findings if f.subject == "a1")
    assert late.message == f"action 'Late' was due {past} (5 days ago) and is still in_progress"

    quiet = staleness_findings(plan, _methodology({"overdue_actions": False}), _snapshot(), AS_OF)
    assert _found(quiet, "action-overdue") == set()


# -- refresh cycle -----------------------------------------------------------------------------


def test_plan_not_refreshed_within_its_cycle() -> None:
    saved = datetime(2025, 12, 1, 10, tzinfo=UTC)
    stale = staleness_findings(_plan(saved=saved), _methodology(), _snapshot(), AS_OF)
    [finding] = [f for f in stale if f.code == "plan-not-refreshed"]
    assert finding.subject == "p1"
    assert "started on 2025-12-01 (396 days ago)" in finding.message
    assert "every 1 year and was due by 2026-12-01" in finding.message
    assert "kam plan rollover p1 --period NEXT" in finding.message

    # "Annual reviews refresh the plan from scratch": saving the plan since does not count ...
    saved_since = _plan(saved=saved).model_copy(
        update={"updated_at": datetime(2026, 11, 1, tzinfo=UTC)})
    assert _found(staleness_findings(saved_since, _methodology(), _snapshot(), AS_OF),
                  "plan-not-refreshed") == {("p1", None)}
    # ... and a plan rolled over into the next period is never due itself
    superseded = _plan(saved=saved).model_copy(update={"superseded_by": "p2"})
    assert _found(staleness_findings(superseded, _methodology(), _snapshot(), AS_OF),
                  "plan-not-refreshed") == set()

    # within the year: nothing
    fresh = staleness_findings(_plan(saved=datetime(2026, 2, 1, tzinfo=UTC)), _methodology(),
                               _snapshot(), AS_OF)
    assert _found(fresh, "plan-not-refreshed") == set()
    # the plan's own cadence override of the annual review moves the cycle
    relaxed = staleness_findings(_plan(saved=saved, cadence={"annual": "2 years"}),
                                 _methodology(), _snapshot(), AS_OF)
    assert _found(relaxed, "plan-not-refreshed") == set()
    # settings.staleness.refresh wins over the cadence
    strict = staleness_findings(_plan(saved=datetime(2026, 6, 1, tzinfo=UTC)),
                                _methodology({"refresh": "6 months"}), _snapshot(), AS_OF)
    assert _found(strict, "plan-not-refreshed") == {("p1", None)}
    # without an annual or refresh cadence: one year
    plain = staleness_findings(_plan(saved=saved), _methodology(cadence={}), _snapshot(), AS_OF)
    assert _found(plain, "plan-not-refreshed") == {("p1", None)}


# -- new economic buyer ------------------------------------------------------------------------


def _review(held: date, buyers: list[str] | None, recorded: datetime | None = None) -> Review:
    return Review(id=f"r-{held.isoformat()}", plan_id="p1", account_id="acme",
                  review_kind="internal", date=held, plan_revision=2, economic_buyers=buyers,
                  created_at=recorded)


def test_new_economic_buyer_since_the_last_review() -> None:
    eb = frozenset({"economic_buyer"})
    old, new = _person("old", roles=eb), _person("new", roles=eb)
    earlier = _review(date(2026, 10, 1), ["acme.old", "acme.new"])
    last = _review(date(2026, 12, 1), ["acme.old"])
    later = _review(date(2027, 2, 1), ["acme.old", "acme.new"])  # after as_of: not held yet
    findings = staleness_findings(_plan(), _methodology(),
                                  _snapshot(old, new, reviews=(earlier, last, later)), AS_OF)
    assert _found(findings, "new-economic-buyer") == {("acme.new", None)}
    [finding] = [f for f in findings if f.code == "new-economic-buyer"]
    assert finding.severity == "warning"
    assert ("is the economic buyer now but was not at the last review (internal review on "
            "2026-12-01)") in finding.message

    # no review yet: nothing to compare with
    none = staleness_findings(_plan(), _methodology(), _snapshot(old, new), AS_OF)
    assert _found(none, "new-economic-buyer") == set()
    # the role name comes from the settings
    renamed = staleness_findings(
        _plan(), _methodology({"economic_buyer_role": "decider"}),
        _snapshot(_person("boss", roles=frozenset({"decider"})), reviews=(last,)), AS_OF)
    assert _found(renamed, "new-economic-buyer") == {("acme.boss", None)}
    off = staleness_findings(_plan(), _methodology({"new_economic_buyer": False}),
                             _snapshot(old, new, reviews=(last,)), AS_OF)
    assert _found(off, "new-economic-buyer") == set()


def test_reviews_that_did_not_record_economic_buyers_compare_creation_times() -> None:
    recorded = datetime(2026, 12, 1, 12, tzinfo=UTC)
    eb = frozenset({"economic_buyer"})
    before = _person("before", roles=eb).model_copy(
        update={"created_at": recorded - timedelta(days=30)})
    after = _person("after", roles=eb).model_copy(
        update={"created_at": recorded + timedelta(days=3)})
    review = _review(date(2026, 12, 1), None, recorded)
    findings = staleness_findings(_plan(), _methodology(),
                                  _snapshot(before, after, reviews=(review,)), AS_OF)
    assert _found(findings, "new-economic-buyer") == {("acme.after", None)}


def test_old_review_records_load_without_economic_buyers() -> None:
    data = {"id": "r1", "plan_id": "p1", "account_id": "acme", "review_kind": "internal",
            "date": "2026-01-05", "plan_revision": 1}
    assert Review.model_validate(data).economic_buyers is None


# -- settings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("settings, path", [
    ({"contact_days": "soon"}, "settings.staleness.contact_days"),
    ({"contact_days": -1}, "settings.staleness.contact_days"),
    ({"contact_days": True}, "settings.staleness.contact_days"),
    ({"refresh": "yearly"}, "settings.staleness.refresh"),
    ({"overdue_actions": "no"}, "settings.staleness.overdue_actions"),
    ({"economic_buyer_role": "Economic Buyer"}, "settings.staleness.economic_buyer_role"),
    ({"contact_dayz": 30}, "settings.staleness.contact_dayz"),
])
def test_unusable_settings_are_refused_when_the_methodology_loads(settings: dict[str, Any],
                                                                  path: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        _methodology(settings)
    assert [format_path(p.path) for p in refused.value.problems] == [path]
    assert all(p.line is not None for p in refused.value.problems)


@pytest.mark.parametrize("settings, message", [
    ({"contact_days": "soon"}, "contact_days must be a whole number"),
    ({"contact_days": -1}, "contact_days must be a whole number"),
    ({"refresh": "yearly"}, "cannot read cadence 'yearly'"),
    ({"overdue_actions": "no"}, "overdue_actions must be true or false"),
    ({"contact_dayz": 30}, "unknown key(s) contact_dayz"),
])
def test_unusable_settings_of_a_methodology_built_in_code_are_one_error_finding(
        settings: dict[str, Any], message: str) -> None:
    # a methodology made in Python (not loaded from a document) is not schema-checked
    built = attrs.evolve(_methodology(), settings={"staleness": settings})
    findings = staleness_findings(_plan(), built, _snapshot(), AS_OF)
    assert [(f.severity, f.code) for f in findings] == [("error", "staleness-settings-invalid")]
    assert message in findings[0].message


def test_default_settings() -> None:
    assert StalenessSettings.of(_methodology()) == StalenessSettings(
        contact_days=90, overdue_actions=True, refresh=None,
        economic_buyer_role="economic_buyer", new_economic_buyer=True)


# -- through the plugin host and the CLI -------------------------------------------------------


def test_builtin_plugin_reports_through_check_plan(core_host: Any) -> None:
    from kamcore.planning import check_plan

    assert core_host.plugins["kamcore.builtin.staleness"].status == "loaded"
    plan = _plan({"todo": [{"title": "Call", "owner": "Jo", "due": "2026-01-01"}]},
                 saved=datetime(2025, 1, 1, tzinfo=UTC))
    findings = check_plan(plan, _methodology(), _snapshot(), core_host, AS_OF)
    codes = {(f.code, f.source) for f in findings}
    assert {("action-overdue", "kamcore"), ("plan-not-refreshed", "kamcore")} <= codes


def test_review_record_remembers_the_economic_buyer(kam_run, method_env: dict[str, str],
                                                   tmp_path: Path) -> None:
    """kt-gated: review, then a new economic buyer -> ``kam plan check`` says so."""
    assert kam_run("init", env=method_env).code == 0
    assert kam_run("account", "add", "Acme", "--id", "acme").code == 0
    assert kam_run("plan", "new", "acme", "-m", "kt-gated", "--id", "p1").code == 0
    today = date.today()
    with Workspace.open(tmp_path / "kam.db") as ws:
        ws.save(Stakeholder(id="acme.cfo", account_id="acme", name="Chris Finance",
                            roles=frozenset({"economic_buyer"}), last_contact=today),
                base_revision=0)
    assert kam_run("review", "record", "p1", "--kind", "internal", "--date",
                   today.isoformat()).code == 0
    [listed] = kam_run("review", "list", "p1", "--json").json()
    assert listed["economic_buyers"] == ["acme.cfo"]
    check = kam_run("plan", "check", "p1", "--json").json()
    assert "new-economic-buyer" not in {f["code"] for f in check["findings"]}

    with Workspace.open(tmp_path / "kam.db") as ws:
        ws.save(Stakeholder(id="acme.ceo", account_id="acme", name="New Boss", title="CEO",
                            roles=frozenset({"economic_buyer"}), last_contact=today),
                base_revision=0)
    check = kam_run("plan", "check", "p1", "--json")
    assert check.code == 0, check  # a warning: the plan is outdated, not invalid
    [finding] = [f for f in check.json()["findings"] if f["code"] == "new-economic-buyer"]
    assert finding["subject"] == "acme.ceo" and finding["severity"] == "warning"
    assert finding["message"].startswith("New Boss (CEO) is the economic buyer now")


def _sama7_installed() -> bool:
    return any(ep.name == "sama7" for ep in entry_points(group="kamcore"))


@pytest.mark.skipif(not _sama7_installed(), reason="the sama7 plugin is not installed")
def test_sama7_initiatives_are_actions() -> None:
    """sama7 does not report overdue initiatives itself; the core does, by shape."""
    from kamcore.plugin.host import make_plugin_host
    from kamcore.plugin.registry import Registry

    registry = Registry(make_plugin_host(allowlist=frozenset({"sama7"}), strict=True))
    sama7 = registry.methodology("sama7")
    plan = _plan({"value_plan": {"initiatives": [
        {"id": "i1", "title": "Pilot", "objective": "o1", "owner": "Ravi",
         "customer_owner": "Ops", "due": "2026-09-30"}]}})
    findings = staleness_findings(plan, sama7, _snapshot(), AS_OF)
    assert _found(findings, "action-overdue") == {
        ("i1", "sections.value_plan.initiatives[0].due")}


# -- the 90-day horizon --------------------------------------------------------------------------


def test_the_next_90_days_of_concrete_actions() -> None:
    """"The next 90 days of concrete actions tied to a multi-year revenue scenario";
    commitments "in the next 30-90 days"."""
    methodology = _methodology()
    soon, later = (AS_OF + timedelta(days=d) for d in (60, 120))
    far_only = _plan({"plan_actions": [
        {"id": "a1", "title": "Pilot", "due": later.isoformat()},
        {"id": "a2", "title": "Done soon", "due": soon.isoformat(), "status": "done"},
        {"id": "a3", "title": "Someday"}]})
    findings = staleness_findings(far_only, methodology, _snapshot(), AS_OF)
    assert _found(findings, "no-action-in-horizon") == {("p1", None)}
    assert _found(findings, "action-without-date") == {
        ("a3", "sections.plan_actions[2].due")}
    on_track = _plan({"plan_actions": [{"id": "a1", "title": "Pilot", "due": soon.isoformat()}]})
    findings = staleness_findings(on_track, methodology, _snapshot(), AS_OF)
    assert not _found(findings, "no-action-in-horizon")
    # an empty action section is a plan without its next 90 days too
    assert _found(staleness_findings(_plan(), methodology, _snapshot(), AS_OF),
                  "no-action-in-horizon") == {("p1", None)}
    # the horizon is a setting; 0 turns both checks off
    wide = _methodology({"horizon_days": 150})
    assert not _found(staleness_findings(far_only, wide, _snapshot(), AS_OF),
                      "no-action-in-horizon")
    off = staleness_findings(far_only, _methodology({"horizon_days": 0}), _snapshot(), AS_OF)
    assert not {f.code for f in off} & {"no-action-in-horizon", "action-without-date"}

"""Records: validation, JSON round trips, refusals, and ``kam schema``."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from kamcore.model import (
    RECORD_TYPES,
    SCHEMA_TYPES,
    Account,
    Action,
    Finding,
    MethodologyRef,
    Objective,
    Opportunity,
    Plan,
    Relationship,
    RevenueFact,
    Review,
    Risk,
    RubricRef,
    ScoreCard,
    Signoff,
    Stakeholder,
    WhitespaceCell,
)

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def _card() -> ScoreCard:
    return ScoreCard(id="acme.card1", account_id="acme", plan_id="acme-plan",
                     rubric=RubricRef(name="tiering", version="2.1"), inputs={"fit": 4.0},
                     values={"fit": 4.0, "revenue": 3.5}, total=3.8, band="strategic",
                     explanation=["fit entered", "revenue from signal"], scored_at=NOW)


#: One fully populated example of every stored record type.
EXAMPLES: dict[str, Any] = {
    "account": Account(
        id="acme", name="Acme Corp", industry="Manufacturing", annual_revenue=1.5e9,
        parent_id="acme-group", owner="Dana", tier="strategic",
        business_units=frozenset({"Rail", "Aero"}), external_ids={"salesforce": "001X"},
        attributes={"region": "EMEA", "score": [1, 2]}, revision=3, created_at=NOW,
        updated_at=NOW, updated_by="dana"),
    "stakeholder": Stakeholder(
        id="acme.ceo", account_id="acme", name="Helen Park", title="CEO", business_unit="Rail",
        seniority="c_level", roles=frozenset({"economic_buyer", "champion"}), influence=5,
        support=-2, relationship_strength=0, decision_authority="decides",
        seller_owner="Dana", last_contact=date(2026, 2, 1), email="helen@example.com",
        external_ids={"hubspot": "77"}),
    "relationship": Relationship(id="acme.rel1", account_id="acme", source_id="acme.cfo",
                                 target_id="acme.ceo", type="reports_to", note="direct"),
    "opportunity": Opportunity(
        id="acme.deal", account_id="acme", name="Platform", amount=250000.0, currency="EUR",
        stage="Proposal", status="open", close_date=date(2026, 6, 30), probability=40.0,
        product_line="Analytics", business_unit="Rail", contact_roles={"acme.ceo": "eb"}),
    "plan": Plan(
        id="acme-plan", account_id="acme", methodology=MethodologyRef(name="sama7", version="1.0"),
        period="FY2027", step="analyse",
        sections={"objectives": [{"id": "o1", "title": "Grow", "due": "2026-12-31"}],
                  "notes": {"free": "text"}}),
    "review": Review(id="acme.r1", plan_id="acme-plan", account_id="acme",
                     review_kind="customer", date=date(2026, 4, 1), attendees=["Dana", "Helen"],
                     plan_revision=4, score_cards=[_card()], decisions=["go"], notes="fine"),
    "scorecard": _card(),
    "revenue": RevenueFact(id="acme.2026-Q4", account_id="acme", period="2026-Q4",
                           booked=300000.0, expansion=90000.0, churn=10000.0, wallet=1e6,
                           competitor_entered=True, currency="EUR", source="finance.csv"),
}


def test_every_record_type_has_an_example() -> None:
    assert set(EXAMPLES) == set(RECORD_TYPES)


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_record_round_trips_through_json(kind: str) -> None:
    record = EXAMPLES[kind]
    cls = RECORD_TYPES[kind]
    text = record.model_dump_json()
    again = cls.model_validate_json(text)
    assert again == record
    assert again.model_dump_json() == text  # stable serialisation
    # and through plain JSON data (what the workspace and the bundle store)
    assert cls.model_validate(json.loads(text)) == record


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_record_dump_satisfies_its_published_json_schema(kind: str) -> None:
    record = EXAMPLES[kind]
    schema = RECORD_TYPES[kind].model_json_schema()
    Draft202012Validator.check_schema(schema)
    errors = list(Draft202012Validator(schema).iter_errors(record.model_dump(mode="json")))
    assert errors == []


def test_sets_serialise_sorted() -> None:
    data = json.loads(EXAMPLES["stakeholder"].model_dump_json())
    assert data["roles"] == ["champion", "economic_buyer"]
    assert json.loads(EXAMPLES["account"].model_dump_json())["business_units"] == ["Aero", "Rail"]


def test_section_shapes_validate() -> None:
    objective = Objective(id="o1", title="Grow",
                          customer_signoff=Signoff(name="Helen", date=date(2026, 1, 2)))
    assert Objective.model_validate_json(objective.model_dump_json()) == objective
    assert Action(title="Call", status="done").status == "done"
    with pytest.raises(ValidationError):
        Action(title="Call", status="finished")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Risk(title="Competitor", likelihood=0, impact=3)
    with pytest.raises(ValidationError):
        WhitespaceCell(business_unit="Rail", product_line="IoT", state="maybe")  # type: ignore
    assert WhitespaceCell(business_unit="Rail", product_line="IoT", state="n.a.").state == "n.a."


@pytest.mark.parametrize(("cls", "fields", "field"), [
    (Stakeholder, {"influence": 6}, "influence"),
    (Stakeholder, {"influence": 0}, "influence"),
    (Stakeholder, {"support": -3}, "support"),
    (Stakeholder, {"support": 3}, "support"),
    (Stakeholder, {"relationship_strength": 6}, "relationship_strength"),
    (Stakeholder, {"seniority": "king"}, "seniority"),
    (Stakeholder, {"colour": "blue"}, "colour"),
])
def test_bad_stakeholder_values_are_refused(cls: type, fields: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        cls(id="s1", account_id="acme", name="Ann", **fields)
    assert [error["loc"] for error in info.value.errors()] == [(field,)]


def test_relationship_to_itself_is_refused() -> None:
    with pytest.raises(ValidationError, match="two different stakeholders"):
        Relationship(id="r1", account_id="acme", source_id="s1", target_id="s1", type="influences")
    with pytest.raises(ValidationError):
        Relationship(id="r1", account_id="acme", source_id="s1", target_id="s2", type="likes")


@pytest.mark.parametrize("bad_id", ["", "-starts-with-dash", "has space", "semi;colon",
                                    "x" * 129, "ümlaut"])
def test_bad_ids_are_refused(bad_id: str) -> None:
    with pytest.raises(ValidationError) as info:
        Account(id=bad_id, name="Acme")
    assert info.value.errors()[0]["loc"] == ("id",)


@pytest.mark.parametrize("good_id", ["a", "acme.ceo", "0017:x@y_z-1", "A" * 128])
def test_good_ids_are_accepted(good_id: str) -> None:
    assert Account(id=good_id, name="Acme").id == good_id


def test_other_refusals() -> None:
    with pytest.raises(ValidationError):
        Account(id="a", name="")
    with pytest.raises(ValidationError):
        Account(id="a", name="A", annual_revenue=-1)
    with pytest.raises(ValidationError):
        Opportunity(id="o", account_id="a", name="Deal", probability=101)
    with pytest.raises(ValidationError):
        Review(id="r", plan_id="p", account_id="a", review_kind="qbr", date=date(2026, 1, 1),
               plan_revision=0)
    with pytest.raises(ValidationError):
        Finding(severity="fatal", code="x", message="m")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Finding(severity="error", code="Not Kebab", message="m")
    account = Account(id="a", name="A")
    with pytest.raises(ValidationError):  # assignment is validated too
        account.annual_revenue = -5


# -- kam schema ---------------------------------------------------------------------------------


def test_kam_schema_prints_a_valid_schema_for_every_listed_name(kam_run) -> None:
    listing = kam_run("schema", "--list")
    assert listing.code == 0
    names = listing.out.split()
    assert set(SCHEMA_TYPES) | {"methodology", "rubric"} <= set(names)
    for name in names:
        result = kam_run("schema", name)
        assert result.code == 0, (name, result)
        schema = json.loads(result.out)
        Draft202012Validator.check_schema(schema)
        assert schema.get("type") == "object", name
    account = json.loads(kam_run("schema", "account").out)
    assert Draft202012Validator(account).is_valid(EXAMPLES["account"].model_dump(mode="json"))
    stakeholder = json.loads(kam_run("schema", "stakeholder").out)
    bad = {**EXAMPLES["stakeholder"].model_dump(mode="json"), "influence": 6}
    assert not Draft202012Validator(stakeholder).is_valid(bad)


def test_kam_schema_unknown_name_exits_2(kam_run) -> None:
    result = kam_run("schema", "nonsense")
    result.assert_usage_error("nonsense", "account")


def test_kam_schema_subprocess(kam) -> None:
    result = kam("schema", "methodology")
    assert result.code == 0, result
    assert result.json()["$id"] == "urn:kamcore:document:methodology"

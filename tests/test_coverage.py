"""``kamcore.coverage``: who counts as relevant, which relationships are active, executive
coverage -- and that a person who left the customer (``left_on``) counts for none of them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from kamcore.coverage import executive_relationships, is_active, is_relevant
from kamcore.model import Stakeholder

TODAY = date(2027, 3, 1)


def _person(key: str, **fields: Any) -> Stakeholder:
    return Stakeholder(id=f"acme.{key}", account_id="acme", name=key.title(), **fields)


def test_relevant_active_and_executive_coverage() -> None:
    cfo = _person("cfo", seniority="c_level", relationship_strength=3,
                  last_contact=TODAY - timedelta(days=30))
    cold = _person("cold", seniority="c_level", relationship_strength=3,
                   last_contact=TODAY - timedelta(days=91))
    quiet = _person("quiet", influence=2)
    assert is_relevant(cfo) and is_relevant(cold) and not is_relevant(quiet)
    assert is_active(cfo, TODAY) and not is_active(cold, TODAY)
    assert executive_relationships([cfo, cold, quiet], TODAY) == [cfo]


def test_a_person_who_left_is_neither_relevant_nor_covered() -> None:
    gone = _person("gone", seniority="c_level", roles=frozenset({"economic_buyer"}),
                   relationship_strength=5, last_contact=TODAY - timedelta(days=5),
                   left_on=TODAY - timedelta(days=1))
    assert gone.has_left
    assert not is_relevant(gone)  # no coverage gap for someone no longer there
    assert not is_active(gone, TODAY)
    assert executive_relationships([gone], TODAY) == []
    stayed = gone.model_copy(update={"left_on": None})
    assert not stayed.has_left and is_relevant(stayed) and is_active(stayed, TODAY)

"""kamcore.snapshot.cards_by_rubric: score-card histories by rubric, as every report reads them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from kamcore.model import RubricRef, ScoreCard
from kamcore.snapshot import cards_by_rubric

DAY = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _card(card_id: str, rubric: str, scored_at: datetime, plan_id: str | None = None,
          total: float = 3.0) -> ScoreCard:
    return ScoreCard(id=card_id, account_id="acme", plan_id=plan_id,
                     rubric=RubricRef(name=rubric, version="1"), total=total,
                     scored_at=scored_at)


def _ids(groups: dict[str, tuple[ScoreCard, ...]]) -> dict[str, list[str]]:
    return {name: [card.id for card in cards] for name, cards in groups.items()}


def test_groups_by_rubric_name_oldest_first() -> None:
    cards = [_card("h2", "health", DAY + timedelta(days=2)), _card("f1", "fit", DAY),
             _card("h1", "health", DAY), _card("h3", "health", DAY + timedelta(days=9))]
    groups = cards_by_rubric(iter(cards))  # any iterable, read once
    assert _ids(groups) == {"fit": ["f1"], "health": ["h1", "h2", "h3"]}
    assert list(groups) == ["fit", "health"]
    assert groups["health"][-1].id == "h3"  # the latest


def test_cards_scored_at_the_same_moment_are_ordered_by_id() -> None:
    cards = [_card("b", "health", DAY), _card("a", "health", DAY)]
    assert _ids(cards_by_rubric(cards)) == {"health": ["a", "b"]}


def test_plan_id_keeps_the_accounts_cards_and_that_plans() -> None:
    cards = [_card("account", "health", DAY), _card("mine", "health", DAY + timedelta(1), "p1"),
             _card("other", "health", DAY + timedelta(2), "p2"),
             _card("other-only", "fit", DAY, "p2")]
    assert _ids(cards_by_rubric(cards, plan_id="p1")) == {"health": ["account", "mine"]}
    assert _ids(cards_by_rubric(cards)) == {"fit": ["other-only"],
                                            "health": ["account", "mine", "other"]}


def test_at_keeps_cards_scored_until_then() -> None:
    cards = [_card("h1", "health", DAY), _card("h2", "health", DAY + timedelta(days=5)),
             _card("f1", "fit", DAY + timedelta(days=6))]
    assert _ids(cards_by_rubric(cards, at=DAY + timedelta(days=5))) == {"health": ["h1", "h2"]}
    assert cards_by_rubric(cards, at=DAY - timedelta(seconds=1)) == {}


def test_times_without_a_zone_count_as_utc() -> None:
    naive = _card("naive", "health", datetime(2026, 3, 1, 10, 0))
    paris = _card("paris", "health", datetime(2026, 3, 1, 10, 30,
                                              tzinfo=timezone(timedelta(hours=1))))  # 09:30 UTC
    assert _ids(cards_by_rubric([naive, paris])) == {"health": ["paris", "naive"]}
    assert _ids(cards_by_rubric([naive, paris], at=datetime(2026, 3, 1, 9, 45))) == {
        "health": ["paris"]}

"""Names people type: "did you mean" for every lookup, methodology names in any case, aliases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kamcore import hookimpl
from kamcore.errors import NotFoundError
from kamcore.model import Account
from kamcore.plugin.host import make_plugin_host
from kamcore.plugin.registry import Registry
from kamcore.store import Workspace


def _methodology(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "version": "1.0", "title": f"{name} plan",
            "steps": [{"key": "only", "title": "Only step"}], "sections": [], **extra}


def _registry(*documents: dict[str, Any]) -> Registry:
    class Documents:
        @hookimpl
        def kam_methodologies(self) -> list[dict[str, Any]]:
            return list(documents)

    host = make_plugin_host(entry_points=False, strict=False, extra={"docs": Documents()})
    return Registry(host)


@pytest.mark.parametrize(("typed", "message"), [
    ("meddpic", "no methodology named 'meddpic'; did you mean meddpicc, meddic or medpicc? "
                "available: meddic, medpicc, sama7"),
    ("sama8", "no methodology named 'sama8'; did you mean sama7? available: meddic, medpicc, "
              "sama7"),
    ("planning", "no methodology named 'planning'; available: meddic, medpicc, sama7"),
])
def test_an_unknown_methodology_suggests_the_closest_names(typed: str, message: str) -> None:
    registry = _registry(_methodology("medpicc", aliases=["meddpicc"]), _methodology("meddic"),
                         _methodology("sama7"))
    with pytest.raises(NotFoundError) as missing:
        registry.methodology(typed)
    assert str(missing.value) == message


def test_methodologies_match_in_any_case_and_by_alias() -> None:
    registry = _registry(_methodology("medpicc", aliases=["meddpicc"]), _methodology("sama7"))
    assert registry.methodology("SAMA7").name == "sama7"
    assert registry.methodology("meddpicc").name == "medpicc"
    assert registry.methodology("MEDDPICC").name == "medpicc"


def test_a_variant_does_not_inherit_its_bases_aliases() -> None:
    registry = _registry(_methodology("medpicc", aliases=["meddpicc"]),
                         {"name": "house", "version": "1.0", "title": "House",
                          "extends": "medpicc"})
    assert registry.methodology("house").aliases == ()
    assert registry.methodology("meddpicc").name == "medpicc"


def test_an_alias_that_names_another_methodology_is_reported_and_ignored() -> None:
    registry = _registry(_methodology("alpha", aliases=["beta", "gamma"]), _methodology("beta"))
    assert registry.methodology("beta").name == "beta"
    assert registry.methodology("gamma").name == "alpha"
    assert registry.host.plugins["docs"].errors == [
        "alias 'beta' of methodology 'alpha' already names 'beta'; ignored"]


def test_other_lookups_suggest_too() -> None:
    registry = _registry()
    with pytest.raises(NotFoundError, match="did you mean html\\?"):
        registry.exporter("htm")
    with pytest.raises(NotFoundError, match="did you mean account-tiering\\?"):
        registry.rubric("account_tiering")


def test_a_missing_record_suggests_close_ids_beyond_the_ones_listed(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "kam.db", create=True) as ws:
        for number in range(30):
            ws.save(Account(id=f"a{number:02d}", name=f"Account {number}"))
        ws.save(Account(id="zeta-industries", name="Zeta"))
        with pytest.raises(NotFoundError) as missing:
            ws.get(Account, "zeta-industry")
    assert missing.value.suggestions == ["zeta-industries"]
    assert "zeta-industries" not in missing.value.available  # only the first 20 are listed
    assert len(missing.value.available) == 20


def test_kam_plan_new_takes_the_frameworks_own_spelling(kam: Any, tmp_path: Path) -> None:
    env = {"KAMCORE_LOAD_PLUGINS": "medpicc"}
    db = str(tmp_path / "kam.db")
    assert kam("-w", db, "init", env=env).code == 0
    assert kam("-w", db, "account", "add", "Acme", env=env).code == 0
    created = kam("-w", db, "plan", "new", "acme", "-m", "MEDDPICC", env=env)
    assert created.code == 0, created
    assert "created plan acme-medpicc (medpicc 1.0.0)" in created.out
    typo = kam("-w", db, "plan", "new", "acme", "-m", "medpic", env=env)
    assert typo.code == 2
    assert "did you mean medpicc" in typo.err and "Traceback" not in typo.err

"""The CSV exports (issue 25, point 5): every section available as one long table (``csv-plan``),
UTF-8 with a byte-order mark by default so a spreadsheet reads non-ASCII text right, ``--no-bom``
to leave it out, formulas neutralised in every cell."""

from __future__ import annotations

import csv
import io
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from kamcore.exporting import neutralise_formula
from kamcore.model import MethodologyRef, Plan
from kamcore.store import Workspace
from kamcore.testing import FORMULA_PAYLOADS, sample_account

BOM = "\ufeff".encode()


@pytest.fixture
def demo(kam_run: Any) -> Any:
    """``kam`` with every installed plugin (the demo plans need sama7 and the others), after
    ``kam demo`` built its workspace."""
    def run(*args: str) -> Any:
        return kam_run(*args, env={"KAMCORE_LOAD_PLUGINS": None})

    assert run("demo").code == 0
    return run


def _table(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_plan_lists_every_section_of_the_methodology_in_words(demo: Any,
                                                                  tmp_path: Path) -> None:
    result = demo("-w", "kam-demo.db", "export", "helios-sama7", "-f", "csv-plan", "-o",
                  "plan.csv")
    assert result.code == 0, result
    data = (tmp_path / "plan.csv").read_bytes()
    assert data.startswith(BOM) and b"\r\n" in data
    rows = _table(data)
    assert list(rows[0]) == ["plan", "section", "item", "field", "value"]
    import yaml

    document = (files("kamcore_sama7") / "sama7.yaml").read_text(encoding="utf-8")
    titles = [section["title"] for section in yaml.safe_load(document)["sections"]]
    assert list(dict.fromkeys(r["section"] for r in rows)) == titles  # all, in order
    bet = [r for r in rows if r["item"] == "Growth bet 'Outcome-based service contracts'"]
    assert {r["field"]: r["value"] for r in bet}["Source"] == "Investor day 2025"
    for row in rows:  # words, not paths or JSON
        assert "sections." not in row["item"] + row["field"] and '{"' not in row["value"]
    # a section that is itself a list: each row names its item
    assert demo("-w", "kam-demo.db", "export", "meridian-simple_plan", "-f", "csv-plan", "-o",
                "meridian.csv").code == 0
    goals = [r for r in _table((tmp_path / "meridian.csv").read_bytes())
             if r["section"] == "Customer goals"]
    assert goals and all(r["item"].startswith("Customer goal '") for r in goals), goals


def test_the_byte_order_mark_is_the_default_and_no_bom_leaves_it_out(demo: Any,
                                                                     tmp_path: Path) -> None:
    for fmt in ("csv", "csv-plan"):
        assert demo("-w", "kam-demo.db", "export", "helios-sama7", "-f", fmt, "-o",
                    f"{fmt}.csv").code == 0
        assert demo("-w", "kam-demo.db", "export", "helios-sama7", "-f", fmt, "--no-bom",
                    "-o", f"{fmt}-plain.csv").code == 0
        with_bom = (tmp_path / f"{fmt}.csv").read_bytes()
        plain = (tmp_path / f"{fmt}-plain.csv").read_bytes()
        assert with_bom.startswith(BOM) and not plain.startswith(BOM)
        assert with_bom[len(BOM):] == plain
    assert demo("-w", "kam-demo.db", "export", "--all", "-f", "csv-plan", "--no-bom", "-o",
                "all").code == 0
    files = sorted((tmp_path / "all").iterdir())
    with Workspace.open(tmp_path / "kam-demo.db") as ws:
        plans = ws.count(Plan)
    assert plans >= 5 and len(files) == plans
    assert not any(f.read_bytes().startswith(BOM) for f in files)


def test_csv_plan_neutralises_formulas_and_keeps_full_width_text(kam_run: Any,
                                                                 tmp_path: Path) -> None:
    texts = [*FORMULA_PAYLOADS, "\uff1d\u5408\u8a08 (total)", "caf\u00e9 \u20ac"]
    with Workspace.open(tmp_path / "ws.db", create=True) as ws:
        ws.save(sample_account(id="acme"))
        ws.save(Plan(id="evil", account_id="acme", step="act",
                     methodology=MethodologyRef(name="not-installed", version="1"),
                     sections={"notes": {"lines": [{"title": t} for t in texts]},
                               "empty": {}}))
    assert kam_run("-w", "ws.db", "export", "evil", "-f", "csv-plan", "-o", "e.csv").code == 0
    rows = _table((tmp_path / "e.csv").read_bytes())
    values = [r["value"] for r in rows if r["section"] == "Notes"]
    assert values == [neutralise_formula(t) for t in texts]
    assert values[-2].startswith("'\uff1d") and values[-1] == "caf\u00e9 \u20ac"
    assert [r for r in rows if r["section"] == "Empty"] == [
        {"plan": "evil", "section": "Empty", "item": "", "field": "", "value": ""}]

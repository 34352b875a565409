"""Formula neutralisation (OWASP "CSV Injection"): which texts count as formulas, and the
``csv`` export read back with the csv module (the ``xlsx`` one: plugins/office/tests)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kamcore import Workspace
from kamcore.exporting import formula_like, neutralise_formula
from kamcore.model import MethodologyRef, Plan
from kamcore.testing import FORMULA_PAYLOADS, INERT_CELL_TEXTS, sample_account


@pytest.mark.parametrize("text", FORMULA_PAYLOADS)
def test_a_formula_gets_an_apostrophe_in_front(text: str) -> None:
    assert formula_like(text)
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("text", [*INERT_CELL_TEXTS, "", "'=already quoted", "5-3"])
def test_other_texts_are_left_as_they_are(text: str) -> None:
    assert not formula_like(text)
    assert neutralise_formula(text) == text


def test_a_number_is_exempt_only_when_it_is_the_whole_text() -> None:
    for text in ("-5 days", "-5;=1+1", "+5\n=1+1", " -5", "-5.", "-.5", "-1e3", "-\uff15"):
        assert formula_like(text), text


def test_the_csv_export_neutralises_every_payload(kam_run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    texts = [*FORMULA_PAYLOADS, *INERT_CELL_TEXTS]
    workspace = tmp_path / "ws.db"
    with Workspace.open(workspace, create=True) as ws:
        ws.save(sample_account(id="acme"))
        ws.save(Plan(id="evil", account_id="acme", step="act",
                     methodology=MethodologyRef(name="not-installed", version="1"),
                     sections={"actions": [{"id": f"a{n}", "title": text, "owner": text}
                                           for n, text in enumerate(texts)]}))
    result = kam_run("-w", str(workspace), "export", "evil", "--format", "csv")
    assert result.code == 0, result
    rows = list(csv.DictReader(io.StringIO(result.out, newline="")))
    assert [(row["title"], row["owner"]) for row in rows] == [
        (neutralise_formula(text), neutralise_formula(text)) for text in texts]
    for row in rows[:len(FORMULA_PAYLOADS)]:
        assert row["title"].startswith("'") and row["owner"].startswith("'"), row

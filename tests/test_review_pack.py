"""``kam export PLAN --format markdown --review-pack``: the plan, what changed since the last
review, the scores and what is due next (from ``ExportContext.options``)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from kamcore.cadence import Cadence
from kamcore.model import Plan, Stakeholder
from kamcore.store import Workspace

PLAN = "p1"
TODAY = date.today()


def _set(kam_run: Any, tmp_path: Path, section: str, data: Any) -> None:
    path = tmp_path / f"{section}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = kam_run("plan", "set", PLAN, section, str(path))
    assert result.code == 0, result


def _score(kam_run: Any, currency: int) -> None:
    result = kam_run("score", "acme", "-r", "qbr-health", "--set", "relationship_depth=3",
                     "--set", "pipeline_coverage=4", "--set", f"plan_currency={currency}")
    assert result.code == 0, result


@pytest.fixture
def planned(kam_run, method_env: dict[str, str]) -> Any:
    """A kt-gated plan (cadence: internal monthly, customer quarterly) with objectives."""
    assert kam_run("init", env=method_env).code == 0
    assert kam_run("account", "add", "Acme", "--id", "acme").code == 0
    assert kam_run("plan", "new", "acme", "-m", "kt-gated", "--id", PLAN).code == 0
    return kam_run


OBJECTIVE = {"id": "o1", "title": "Cut warehouse costs"}
SIGNOFF = {"name": "Helen Park", "date": "2026-02-01"}


def test_review_pack_shows_changes_scores_and_what_is_due(planned: Any, tmp_path: Path) -> None:
    kam_run = planned
    _set(kam_run, tmp_path, "objectives", [OBJECTIVE])
    _score(kam_run, 2)
    held = TODAY - timedelta(days=40)
    assert kam_run("review", "record", PLAN, "--kind", "internal", "--date", held.isoformat(),
                   "--decision", "run the pilot").code == 0

    _set(kam_run, tmp_path, "objectives", [{**OBJECTIVE, "customer_signoff": SIGNOFF}])
    with Workspace.open(tmp_path / "kam.db") as ws:
        ws.save(Stakeholder(id="acme.x", account_id="acme", name="<script>alert(1)</script>",
                            last_contact=TODAY), base_revision=0)
    _score(kam_run, 4)

    result = kam_run("export", PLAN, "--format", "markdown", "--review-pack", "-o", "pack.md")
    assert result.code == 0, result
    pack = (tmp_path / "pack.md").read_text(encoding="utf-8")
    assert pack.startswith("# Review pack: Acme")
    assert "- **Last review**: internal review on " + held.isoformat().replace("-", "\\-") in pack
    assert "run the pilot" in pack

    since = pack.split("## Since the last review", 1)[1].split("## Scores", 1)[0]
    assert "signed off by Helen Park on 2026\\-02\\-01" in since
    assert "stakeholder &lt;script&gt;alert\\(1\\)&lt;/script&gt; added" in since
    assert "<script>" not in pack
    assert "score qbr\\-health" in since

    scores = pack.split("## Scores", 1)[1].split("## Due next", 1)[0]
    assert "| qbr\\-health | 1.0.0 |" in scores
    row = next(line for line in scores.splitlines() if line.startswith("| qbr"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    # the total at the last review, beside today's, as every report writes scores (3, not 3.00)
    assert cells[5] == "3 \\(amber\\)"

    due = pack.split("## Due next", 1)[1].split("## Account", 1)[0]
    internal = next(line for line in due.splitlines() if line.startswith("| internal"))
    overdue_by = (TODAY - Cadence.parse("internal", "1 month").next_due(held)).days
    assert f"overdue {overdue_by} days" in internal  # monthly, last held 40 days ago
    assert "Quarterly business review" in due and "never" in due
    # the plan itself follows
    assert "## Plan" in pack and "## Findings" in pack


def test_review_pack_of_a_plan_never_reviewed(planned: Any, tmp_path: Path) -> None:
    kam_run = planned
    _set(kam_run, tmp_path, "objectives", [OBJECTIVE])
    result = kam_run("export", PLAN, "--review-pack")
    assert result.code == 0, result
    assert "- **Last review**: none recorded yet" in result.out
    assert "_Changes since revision 1" in result.out
    assert 'objective "Cut warehouse costs" added' in result.out.replace("\\", "")
    assert "_No score cards yet._" in result.out


def test_plain_export_is_unchanged(planned: Any) -> None:
    result = planned("export", PLAN)
    assert result.code == 0, result
    assert result.out.startswith("# Account plan: Acme")
    assert "## Since the last review" not in result.out


def test_options_are_documented_json_data(planned: Any, tmp_path: Path) -> None:
    from kamcore.plugin.registry import get_registry
    from kamcore.reviewpack import OPTION_KEYS, review_pack_options

    kam_run = planned
    assert kam_run("review", "record", PLAN, "--kind", "customer", "--date",
                   TODAY.isoformat(), "--score", "relationship_depth=4", "--score",
                   "pipeline_coverage=3", "--score", "plan_currency=5").code == 0
    with Workspace.open(tmp_path / "kam.db") as ws:
        plan = ws.get(Plan, PLAN)
        options = review_pack_options(ws, get_registry(), plan)
    assert tuple(options) == OPTION_KEYS
    assert json.loads(json.dumps(options)) == options  # plain JSON data
    assert options["last_review"]["number"] == 1
    assert options["changes_since_review"] == [] and options["change_kinds"] == []
    assert {d["kind"] for d in options["due"]} == {"internal", "customer"}
    import kamcore.reviewpack

    for key in OPTION_KEYS:
        assert f"``{key}``" in (kamcore.reviewpack.__doc__ or ""), key


def test_review_pack_refuses_all(planned: Any) -> None:
    planned("export", "--all", "--review-pack", "-o", "out").assert_usage_error(
        "--review-pack and --summary export one plan")


def test_other_formats_accept_the_review_pack(planned: Any) -> None:
    result = planned("export", PLAN, "--format", "json", "--review-pack")
    assert result.code == 0, result
    assert json.loads(result.out)["plan"]["id"] == PLAN


def test_a_summary_given_with_the_pack_is_rendered_escaped(planned: Any,
                                                          tmp_path: Path) -> None:
    summary = tmp_path / "summary.txt"
    summary.write_text("Helios signed *both* objectives.\n\n<script>alert(1)</script> is "
                       "still open.\n", encoding="utf-8")
    markdown = planned("export", PLAN, "--review-pack", "--summary", str(summary))
    assert markdown.code == 0, markdown
    section = markdown.out.split("## Summary\n\n", 1)[1].split("\n## ", 1)[0]
    assert section.startswith("Helios signed \\*both\\* objectives.\n\n")
    assert "<script>" not in markdown.out
    html = planned("export", PLAN, "--review-pack", "--summary", str(summary), "-f", "html")
    assert html.code == 0, html
    assert '<p class="value">Helios signed *both* objectives.</p>' in html.out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; is still open." in html.out
    assert "<script>alert" not in html.out
    assert "## Summary" not in planned("export", PLAN, "--review-pack").out


def test_a_summary_needs_a_review_pack(planned: Any, tmp_path: Path) -> None:
    summary = tmp_path / "summary.txt"
    summary.write_text("Words.\n", encoding="utf-8")
    alone = planned("export", PLAN, "--summary", str(summary))
    assert alone.code == 2 and "--summary: a summary goes into a review pack" in alone.err
    missing = planned("export", PLAN, "--review-pack", "--summary", "nowhere.txt")
    assert missing.code == 2 and "nowhere.txt: no such file" in missing.err

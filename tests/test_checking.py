"""kamcore.checking: the helpers plugins build their findings with."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

from kamcore.checking import finding, has_section
from kamcore.documents import Document
from kamcore.methodology import build_methodology


def test_finding_is_a_warning_of_its_source_with_a_rendered_path() -> None:
    found = finding("house_plan", "goal-unstated", "no goal", ("sections", "goals", 0, "by"),
                    "g1")
    assert (found.severity, found.code, found.message, found.source, found.path,
            found.subject) == ("warning", "goal-unstated", "no goal", "house_plan",
                               "sections.goals[0].by", "g1")
    assert finding("house_plan", "no-goals", "none").path is None
    assert finding("house_plan", "broken", "bad", severity="error").severity == "error"
    with pytest.raises(ValidationError):
        finding("house_plan", "Not Kebab", "message")


def test_has_section() -> None:
    methodology = build_methodology(Document({
        "name": "house-plan", "version": "1.0", "title": "House plan",
        "steps": [{"key": "only", "title": "Only", "sections": ["goals"]}],
        "sections": [{"key": "goals", "title": "Goals", "schema": {"type": "array"}}],
    }, "house.yaml"))
    assert has_section(methodology, "goals")
    assert not has_section(methodology, "stakeholder_map")


def test_importing_it_builds_no_record_model() -> None:
    code = "import sys, kamcore.checking; print('kamcore.model' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"

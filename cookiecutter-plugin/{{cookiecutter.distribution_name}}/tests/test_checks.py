"""The plugin's ``kam_check_plan``: real plans in a real workspace, checked the way ``kam plan
check`` checks them (the ``kam_*`` fixtures come with kamcore's pytest plugin)."""
{%- set kinds = cookiecutter.__kinds.split(",") %}

from __future__ import annotations
{% if "methodology" not in kinds %}
from pathlib import Path
{% endif %}
import pytest

from kamcore.model import Plan
from kamcore.store import Workspace
from kamcore.testing import Checker, sample_stakeholder

from {{ cookiecutter.package_name }}.checks import SOURCE
{% if "methodology" in kinds %}

@pytest.fixture
def kam_methodology_name() -> str:
    return "{{ cookiecutter.contribution_name }}"
{% else %}
#: A small methodology with the ``economic_buyer`` role, found through
#: ``KAMCORE_METHODOLOGY_PATH`` (replace it with the one your users run).
METHODOLOGY = """\
name: check-test
version: "1.0"
title: Methodology for the check's tests
roles: [economic_buyer, champion]
steps:
  - {key: plan, title: Plan, sections: [notes]}
sections:
  - {key: notes, title: Notes, schema: {type: string}}
"""


@pytest.fixture(autouse=True)
def _methodology(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "check-test.yaml").write_text(METHODOLOGY, encoding="utf-8")
    monkeypatch.setenv("KAMCORE_METHODOLOGY_PATH", str(tmp_path))


@pytest.fixture
def kam_methodology_name() -> str:
    return "check-test"
{% endif %}

@pytest.fixture
def kam_plugin_names() -> set[str]:
    return {"{{ cookiecutter.__entry_point }}"}


def test_an_account_without_economic_buyer_is_flagged(kam_plan: Plan,
                                                      kam_check: Checker) -> None:
    found = kam_check(kam_plan, source=SOURCE)
    assert [f.code for f in found] == ["no-economic-buyer"]
    assert found[0].severity == "warning"
    assert "economic_buyer" in found[0].message


def test_an_economic_buyer_clears_the_finding(kam_workspace: Workspace, kam_plan: Plan,
                                              kam_check: Checker) -> None:
    kam_workspace.save(sample_stakeholder(account_id=kam_plan.account_id), base_revision=0)
    assert kam_check(kam_plan, source=SOURCE) == []

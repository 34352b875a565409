"""The plugin author kit's fixtures, on the built-ins and ``kt-gated`` (a local methodology)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from kamcore.methodology import Methodology
from kamcore.model import Account, Plan
from kamcore.planning import set_section
from kamcore.plugin.host import PluginHost
from kamcore.store import Workspace
from kamcore.testing import Checker


@pytest.fixture(autouse=True)
def _local_methodologies(methodology_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAMCORE_METHODOLOGY_PATH", str(methodology_dir))


@pytest.fixture
def kam_methodology_name() -> str:
    return "kt-gated"


def test_hosts_are_strict_unless_told(kam_plugin_host: PluginHost) -> None:
    assert kam_plugin_host.strict is True


class TestLenient:
    @pytest.fixture
    def kam_strict_plugins(self) -> bool:
        return False

    def test_the_host_is_lenient(self, kam_plugin_host: PluginHost) -> None:
        assert kam_plugin_host.strict is False


def test_account_and_plan(kam_workspace: Workspace, kam_account: Account,
                          kam_methodology: Methodology, kam_plan: Plan) -> None:
    assert (kam_account.id, kam_account.revision) == ("acme", 1)
    assert kam_account.external_ids
    assert kam_methodology.name == "kt-gated"
    assert (kam_plan.id, kam_plan.account_id, kam_plan.step, kam_plan.sections) == (
        "acme-kt-gated", "acme", "analyse", {})
    assert kam_workspace.get(Plan, kam_plan.id) == kam_plan


def test_check_reads_the_stored_plan_as_of_its_creation(
        kam_workspace: Workspace, kam_methodology: Methodology, kam_plan: Plan,
        kam_check: Checker) -> None:
    assert kam_plan.created_at is not None
    created = kam_plan.created_at.date()
    overdue = {"title": "Kick-off", "owner": "Jo", "due": (created - timedelta(days=1)).isoformat()}
    set_section(kam_workspace, kam_methodology, kam_plan, "actions", [overdue])
    found = kam_check(kam_plan)  # the revision saved by set_section, not the one passed
    assert "action-overdue" in {f.code for f in found}
    assert {f.source for f in found} == {"kamcore"}
    assert kam_check(kam_plan, source="other") == []
    later = {f.code for f in kam_check(kam_plan, created + timedelta(days=400))}
    assert later - {f.code for f in found}, "a later as_of finds more (the plan is stale by then)"


def test_kam_methodology_name_must_be_overridden(tmp_path: Path) -> None:
    (tmp_path / "test_it.py").write_text(textwrap.dedent("""\
        def test_it(kam_plan):
            pass
        """), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "test_it.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1, proc.stdout
    assert "override the kam_methodology_name fixture" in proc.stdout, proc.stdout


def test_a_raising_plugin_fails_the_authors_test_with_its_traceback(
        tmp_path: Path, test_plugins: Path, kam_env) -> None:  # type: ignore[no-untyped-def]
    """The kit's fixtures are strict by default: a hook that raises fails the test where it
    happens, and pytest shows the plugin's own traceback (not a ``plugin-failed`` finding)."""
    (tmp_path / "test_author.py").write_text(textwrap.dedent("""\
        import pytest

        @pytest.fixture
        def kam_plugin_names():
            return {"good", "raising"}

        @pytest.fixture
        def kam_methodology_name():
            return "kt-good"

        def test_check(kam_plan, kam_check):
            assert kam_check(kam_plan) is not None
        """), encoding="utf-8")
    env = kam_env({"PYTHONPATH": str(test_plugins), "KAMCORE_LOAD_PLUGINS": None})
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "test_author.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "kamcore_test_raising/__init__.py" in proc.stdout, proc.stdout
    assert "RuntimeError: raising plugin:" in proc.stdout, proc.stdout
    assert "PluginError" in proc.stdout and "KAMCORE_STRICT_PLUGINS=1" in proc.stdout

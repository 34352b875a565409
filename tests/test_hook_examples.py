"""The hook reference's examples (``docs/_hooks/hook_examples.py``, one per hook) work: the
module is installed for real as the plugin ``example`` and driven through ``kam``, and its
event hooks are run in-process on a real workspace."""

from __future__ import annotations

import importlib.util
import logging
import shutil
import subprocess
import sys
import textwrap
import types
from datetime import date
from pathlib import Path

import pytest

import kamcore.plugin.spec

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "_hooks" / "hook_examples.py"
HOOKREF = ROOT / "docs" / "_hooks" / "hookref.py"


def _module(path: Path, name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_every_hook_has_an_example_in_the_reference() -> None:
    hookref = _module(HOOKREF, "kamcore_docs_hookref_examples")
    hooks = {name for name in dir(kamcore.plugin.spec) if name.startswith("kam_")}
    shown = hookref.examples()
    assert set(shown) == hooks
    page = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    for name, source in shown.items():
        assert f"```python\n{source}\n```" in page, name


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples as the installed plugin ``example`` (pip, offline, into a folder)."""
    root = tmp_path_factory.mktemp("example-plugin")
    source = root / "src"
    source.mkdir()
    shutil.copy(EXAMPLES, source / "kamcore_hook_examples.py")
    (source / "pyproject.toml").write_text(textwrap.dedent("""\
        [build-system]
        requires = ["setuptools>=77"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "kamcore-hook-examples"
        version = "0.1.0"
        [project.entry-points.kamcore]
        example = "kamcore_hook_examples"
        [tool.setuptools]
        py-modules = ["kamcore_hook_examples"]
        """), encoding="utf-8")
    site = root / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--no-index", "--target", str(site), str(source)],
                   check=True, capture_output=True, timeout=300)
    return site


def test_the_examples_work_through_kam(kam, example_site: Path, tmp_path: Path) -> None:
    env = {"PYTHONPATH": str(example_site), "KAMCORE_LOAD_PLUGINS": "example",
           "KAMCORE_STRICT_PLUGINS": "1"}
    listing = {p["name"]: p for p in kam("plugins", "--json", env=env).json()}
    assert listing["example"]["errors"] == []
    assert listing["example"]["contributes"] == {
        "adapter": ["example-csv"], "exporter": ["example-text"],
        "methodology": ["example-plan"], "rubric": ["example-fit"],
        "signal": ["example_people"]}
    assert kam("init", env=env).code == 0
    (tmp_path / "accounts.csv").write_text("id,name\nacme,Acme\n", encoding="utf-8")
    imported = kam("import", "example-csv", "accounts.csv", env=env)
    assert imported.code == 0, imported
    created = kam("plan", "new", "acme", "--methodology", "example-plan", "--json", env=env)
    assert created.code == 0, created
    plan_id = created.json()["id"]
    checked = kam("plan", "check", plan_id, "--json", env=env).json()["findings"]
    assert ("no-stakeholders", "example") in {(f["code"], f["source"]) for f in checked}
    exported = kam("export", plan_id, "--format", "example-text", env=env)
    assert exported.out == f"{plan_id}: Acme, step plan\n", exported
    assert kam("account", "count", "acme", env=env).out == "0\n"
    assert kam("stakeholder", "add", "acme", "Helen Park", env=env).code == 0
    assert kam("account", "count", "acme", env=env).out == "1\n"
    scored = kam("score", "acme", "--rubric", "example-fit", "--json", env=env)
    assert scored.code == 0, scored
    assert "thin" in scored.out  # one stakeholder: 1 point, the "thin" band
    with_llm = {**env, "KAMCORE_LOAD_PLUGINS": "example,llm"}
    shown = kam("plan", "summarize", plan_id, "--show-prompt", env=with_llm)
    assert shown.code == 0, shown
    assert "Name the goal nobody owns yet." in shown.out


def test_the_event_examples_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from kamcore import Account, HookEvents, Review, Workspace
    from kamcore.model import MethodologyRef, Plan
    from kamcore.plugin.host import make_plugin_host

    host = make_plugin_host(entry_points=False, strict=True,
                            extra={"example": _module(EXAMPLES, "kamcore_docs_examples")})
    caplog.set_level(logging.INFO, logger="example")
    with Workspace.open(tmp_path / "kam.db", create=True,
                        listener=HookEvents(host)) as workspace:
        workspace.save(Account(id="acme", name="Acme"))
        plan = workspace.save(Plan(id="p1", account_id="acme", step="plan",
                                   methodology=MethodologyRef(name="example-plan",
                                                              version="1.0.0")))
        workspace.save(plan.model_copy(update={"step": "review"}), base_revision=plan.revision)
        workspace.save(Review(id="r1", plan_id="p1", account_id="acme", review_kind="internal",
                              date=date(2026, 2, 1), plan_revision=2))
    assert [r.getMessage() for r in caplog.records if r.name == "example"] == [
        "p1 moved to step review", "internal review of p1 on 2026-02-01"]

"""The cookiecutter-plugin template: baked with several kinds and a hyphenated name, installed
into a real virtual environment, its generated tests pass (and under tox, with kamcore from a
local path), and kam sees the new plugins."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from cookiecutter.exceptions import UndefinedVariableInTemplate
from cookiecutter.main import cookiecutter

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "cookiecutter-plugin"
KINDS = ("methodology", "rubric", "exporter", "adapter", "check")
#: The two bakes: every kind at once under a hyphenated name, and a check on its own.
BAKES = {"northstar-kam": "methodology, rubric, exporter, adapter, check", "lone_check": "check"}


def _python(env: Path) -> str:
    return str(env / "bin" / "python")


def _bake(root: Path, name: str, provides: str) -> Path:
    return Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(root),
                             extra_context={"plugin_name": name, "provides": provides}))


@pytest.fixture(scope="module")
def baked_env(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """Bake :data:`BAKES`, make a venv that sees this environment's packages (kamcore, pytest)
    and install the baked distributions into it, offline."""
    root = tmp_path_factory.mktemp("bake")
    projects = {name: _bake(root, name, provides) for name, provides in BAKES.items()}
    env = root / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    env_site = subprocess.run(
        [_python(env), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip()
    parent_site = sysconfig.get_paths()["purelib"]
    Path(env_site, "_kamcore_parent.pth").write_text(
        f"import site; site.addsitedir({parent_site!r})\n", encoding="utf-8")
    subprocess.run([_python(env), "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--no-index", *map(str, projects.values())],
                   check=True)
    return env, projects


def test_a_hyphenated_name_gives_underscore_module_and_entry_point(
        baked_env: tuple[Path, dict[str, Path]]) -> None:
    _, projects = baked_env
    project = projects["northstar-kam"]
    assert project.name == "kamcore-northstar-kam"
    package = project / "src" / "kamcore_northstar_kam"
    for name in ("pyproject.toml", "README.md", "tox.ini", ".github/workflows/ci.yml",
                 "tests/test_contract.py", "tests/test_checks.py"):
        assert (project / name).is_file(), name
    for name in ("__init__.py", "methodology.yaml", "rubric.yaml", "signals.py", "exporter.py",
                 "adapter.py", "sample/accounts.csv", "checks.py"):
        assert (package / name).is_file(), name
    assert 'northstar_kam = "kamcore_northstar_kam"' in (project / "pyproject.toml").read_text()
    contract = (project / "tests/test_contract.py").read_text()
    for cls in ("MethodologyContract", "RubricContract", "ExporterContract", "AdapterContract"):
        assert f"({cls})" in contract, cls


def test_a_lone_check_keeps_only_its_files(baked_env: tuple[Path, dict[str, Path]]) -> None:
    _, projects = baked_env
    package = projects["lone_check"] / "src" / "kamcore_lone_check"
    assert sorted(p.name for p in package.iterdir()) == ["__init__.py", "checks.py", "py.typed"]
    assert "kam_check_plan" in (package / "__init__.py").read_text()


def test_ci_and_tox_install_kamcore_from_a_configurable_source(
        baked_env: tuple[Path, dict[str, Path]]) -> None:
    _, projects = baked_env
    project = projects["northstar-kam"]
    ci = (project / ".github/workflows/ci.yml").read_text()
    assert "${{ matrix.python-version }}" in ci
    assert "KAMCORE_SOURCE: ${{ vars.KAMCORE_SOURCE || 'kamcore>=0.1' }}" in ci
    assert "deps = {env:KAMCORE_SOURCE:kamcore>=0.1}" in (project / "tox.ini").read_text()
    readme = (project / "README.md").read_text()
    assert "pypi.org" not in readme
    assert "KAMCORE_SOURCE=/path/to/kamcore tox -e py" in readme


@pytest.mark.parametrize("name", BAKES)
def test_generated_tests_pass_as_generated(baked_env: tuple[Path, dict[str, Path]],
                                           name: str) -> None:
    env, projects = baked_env
    result = subprocess.run([_python(env), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                            cwd=projects[name], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary and "error" not in summary, summary
    assert "test_an_economic_buyer_clears_the_finding PASSED" in subprocess.run(
        [_python(env), "-m", "pytest", "-v", "-p", "no:cacheprovider", "tests/test_checks.py"],
        cwd=projects[name], capture_output=True, text=True).stdout


def test_kam_sees_the_baked_plugins(baked_env: tuple[Path, dict[str, Path]]) -> None:
    env, _ = baked_env
    plugins = json.loads(subprocess.run([_python(env), "-m", "kamcore", "plugins", "--json"],
                                        check=True, capture_output=True, text=True).stdout)
    by_name = {p["name"]: p for p in plugins}
    for name in ("northstar_kam", "lone_check"):
        assert by_name[name]["status"] == "loaded"
        assert by_name[name]["errors"] == []
    assert by_name["northstar_kam"]["contributes"] == {
        "adapter": ["northstar-kam"], "exporter": ["northstar-kam"],
        "methodology": ["northstar-kam"], "rubric": ["northstar-kam"],
        "signal": ["northstar_kam_open_pipeline"]}
    assert by_name["lone_check"]["hooks"] == ["kam_check_plan"]


def test_tox_runs_the_generated_tests_against_a_local_kamcore(tmp_path: Path) -> None:
    """What a plugin repository outside this one does: ``tox -e py`` with kamcore installed
    from a path (a real, isolated tox environment; pip reads only the local indexes)."""
    project = _bake(tmp_path, "northstar-kam", "methodology, exporter, check")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("KAMCORE_", "KAM_", "VIRTUAL_ENV", "PYTHONPATH", "TOX_"))}
    env["KAMCORE_SOURCE"] = str(ROOT)
    tox = shutil.which("tox", path=str(Path(sys.executable).parent))
    assert tox is not None, "tox is in kamcore's dev extra"
    result = subprocess.run([tox, "-e", "py", "--", "-q", "-p", "no:cacheprovider"],
                            cwd=project, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert " passed" in result.stdout and "failed" not in result.stdout, result.stdout[-2000:]
    assert "py: OK" in result.stdout, result.stdout[-2000:]


@pytest.mark.parametrize(("name", "complaint"), [
    ("Bad Name!", "plugin_name 'Bad Name!': use lower-case letters, digits, '-' or '_'"),
    ("9lives", "plugin_name '9lives'"),
])
def test_a_bad_plugin_name_is_refused_before_the_next_question(tmp_path: Path, name: str,
                                                               complaint: str) -> None:
    with pytest.raises(UndefinedVariableInTemplate) as caught:
        cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(tmp_path),
                     extra_context={"plugin_name": name})
    assert "distribution_name" in caught.value.message  # the second question, not the last
    assert complaint in str(caught.value.error)
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_kind_is_refused_naming_the_kinds(tmp_path: Path) -> None:
    with pytest.raises(UndefinedVariableInTemplate) as caught:
        cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(tmp_path),
                     extra_context={"provides": "methodology, scorer"})
    assert "description" in caught.value.message  # the question right after
    assert ("name one or more of methodology, rubric, exporter, adapter, check, separated by "
            "commas ('scorer' is not one)") in str(caught.value.error)
    assert list(tmp_path.iterdir()) == []

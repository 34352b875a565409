"""The cookiecutter-plugin template: baked for every kind, installed into a real virtual
environment, its generated tests pass, and kam sees the new plugin."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parents[1] / "cookiecutter-plugin"
KINDS = ("methodology", "rubric", "exporter", "adapter")


def _python(env: Path) -> str:
    return str(env / "bin" / "python")


@pytest.fixture(scope="module")
def baked_env(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """Bake each kind with --no-input, make a venv that sees this environment's packages
    (kamcore, pytest) and install the four baked distributions into it, offline."""
    root = tmp_path_factory.mktemp("bake")
    projects = {
        kind: Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(root),
                                extra_context={"provides": kind, "plugin_name": f"baked_{kind}"}))
        for kind in KINDS
    }
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


@pytest.mark.parametrize("kind", KINDS)
def test_generated_project_has_the_promised_files(baked_env: tuple[Path, dict[str, Path]],
                                                  kind: str) -> None:
    _, projects = baked_env
    project = projects[kind]
    for name in ("pyproject.toml", "README.md", "tox.ini", ".github/workflows/ci.yml",
                 "tests/test_contract.py", f"src/kamcore_baked_{kind}/__init__.py"):
        assert (project / name).is_file(), name
    assert f'baked_{kind} = "kamcore_baked_{kind}"' in (project / "pyproject.toml").read_text()
    ci = (project / ".github/workflows/ci.yml").read_text()
    assert "${{ matrix.python-version }}" in ci
    assert "Contract" in (project / "tests/test_contract.py").read_text()


@pytest.mark.parametrize("kind", KINDS)
def test_generated_tests_pass_as_generated(baked_env: tuple[Path, dict[str, Path]],
                                           kind: str) -> None:
    env, projects = baked_env
    result = subprocess.run([_python(env), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                            cwd=projects[kind], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
    assert "failed" not in result.stdout


def test_kam_sees_the_baked_plugins(baked_env: tuple[Path, dict[str, Path]]) -> None:
    env, _ = baked_env
    plugins = json.loads(subprocess.run([_python(env), "-m", "kamcore", "plugins", "--json"],
                                        check=True, capture_output=True, text=True).stdout)
    by_name = {p["name"]: p for p in plugins}
    for kind in KINDS:
        assert by_name[f"baked_{kind}"]["status"] == "loaded"
        assert by_name[f"baked_{kind}"]["errors"] == []
    assert by_name["baked_rubric"]["contributes"]["rubric"] == ["baked-rubric"]
    methodologies = json.loads(subprocess.run(
        [_python(env), "-m", "kamcore", "methodologies", "--json"],
        check=True, capture_output=True, text=True).stdout)
    assert "baked-methodology" in {m["name"] for m in methodologies}


def test_a_bad_plugin_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FailedHookException):
        cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(tmp_path),
                     extra_context={"plugin_name": "Bad Name!"})
    assert list(tmp_path.iterdir()) == []

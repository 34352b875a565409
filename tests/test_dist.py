"""Releases: ``make dist`` builds every distribution (wheels and sdists, metadata checked by
``twine check``), and the built wheels installed into a fresh virtual environment -- nothing of
this checkout on its path, dependencies from the configured package indexes -- run ``kam demo``.

Slow (a full build and a real install, minutes on a loaded machine): one test, like the
template's tox test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: What the fresh environment gets: the core and the methodologies the demo plans use.
INSTALLED = ("kamcore", "kamcore_sama7", "kamcore_simple_plan", "kamcore_medpicc")


def _clean_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items()
            if not key.startswith(("KAMCORE_", "KAM_", "VIRTUAL_ENV", "PYTHONPATH"))}


def test_make_dist_and_a_fresh_install_runs_the_demo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = subprocess.run(["make", "dist", f"DIST={dist}", f"VENV={Path(sys.prefix)}"],
                           cwd=ROOT, capture_output=True, text=True, timeout=1500)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    plugins = sorted(p.name for p in (ROOT / "plugins").iterdir()
                     if (p / "pyproject.toml").is_file())
    names = ["kamcore", *(f"kamcore_{name}" for name in plugins)]
    for name in names:
        assert (dist / f"{name}-0.1.0-py3-none-any.whl").is_file(), name
        assert (dist / f"{name}-0.1.0.tar.gz").is_file(), name
    assert built.stdout.count("PASSED") == 2 * len(names), built.stdout[-3000:]

    env_dir = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True, env=_clean_env())
    python = str(env_dir / "bin" / "python")
    wheels = [str(next(dist.glob(f"{name}-*.whl"))) for name in INSTALLED]
    installed = subprocess.run([python, "-m", "pip", "install", "--quiet", *wheels],
                               capture_output=True, text=True, timeout=1200, env=_clean_env())
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    where = subprocess.run([python, "-c", "import kamcore; print(kamcore.__file__)"],
                           check=True, capture_output=True, text=True, env=_clean_env(),
                           cwd=tmp_path).stdout.strip()
    assert where.startswith(str(env_dir)), where  # the wheel, not this checkout

    demo = subprocess.run([str(env_dir / "bin" / "kam"), "demo"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600,
                          env={**_clean_env(), "NO_COLOR": "1", "COLUMNS": "200"})
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "records:" in demo.stdout and "plans written as Markdown to kam-demo/" in demo.stdout
    assert "sama7" in demo.stdout, demo.stdout
    assert sorted((tmp_path / "kam-demo").glob("*.md")), "one Markdown plan per account"

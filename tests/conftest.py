"""Shared fixtures of the core's tests.

* ``kam``: runs the real ``kam`` console script in a subprocess (clean environment, cwd in
  ``tmp_path``) and returns a :class:`Result` (code, stdout, stderr).
* ``kam_run``: the same through ``kamcore.cli.run`` in-process (faster), with the process-wide
  plugin host and registry rebuilt for each call so environment changes take effect.
* ``methodology_dir``: a folder holding ``kt-gated.yaml``, a methodology with a gate, for
  ``KAMCORE_METHODOLOGY_PATH`` (the built-in ``local_documents`` plugin).
* ``test_plugins``: the four distributions under ``tests/plugin_dists`` installed for real with
  pip (offline) into a session folder; put it on ``sys.path``/``PYTHONPATH`` to use them.

By default both runners set ``KAMCORE_LOAD_PLUGINS=`` (no external plugin) so that the tests
do not depend on which plugin packages happen to be installed in the venv; tests about plugins
pass ``KAMCORE_LOAD_PLUGINS=None`` to unset it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent
PLUGIN_DISTS = TESTS / "plugin_dists"
KAM = Path(sys.executable).parent / "kam"

#: Variables of the outer environment that would change what kam does.
_SCRUBBED = ("KAM_WORKSPACE", "KAMCORE_LOAD_PLUGINS", "KAMCORE_STRICT_PLUGINS",
             "KAMCORE_METHODOLOGY_PATH", "KAMCORE_RUBRIC_PATH", "KAMCORE_DEBUG", "PYTHONPATH")

#: Default environment additions: no external plugins, plain output.
DEFAULT_ENV: dict[str, str] = {"KAMCORE_LOAD_PLUGINS": "", "NO_COLOR": "1", "COLUMNS": "200"}


@dataclass
class Result:
    """What one ``kam`` run gave."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """stdout parsed as JSON (fails the test with the output if it is not JSON)."""
        try:
            return json.loads(self.out)
        except json.JSONDecodeError as exc:  # pragma: no cover - diagnostic
            raise AssertionError(f"stdout is not JSON ({exc}):\n{self.out}\n{self.err}") from None

    def assert_usage_error(self, *needles: str) -> None:
        """Exit 2 with a clear message on stderr containing each needle, and no traceback."""
        assert self.code == 2, self
        assert "Traceback" not in self.err and "Traceback" not in self.out, self
        assert "internal error" not in self.err, self
        for needle in needles:
            assert needle in self.err, self

    def __str__(self) -> str:  # shown by pytest when an assert on the result fails
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def _environment(overrides: Mapping[str, str | None] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env.update(DEFAULT_ENV)
    for key, value in (overrides or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


@pytest.fixture
def kam_env() -> Callable[[Mapping[str, str | None] | None], dict[str, str]]:
    """Build a subprocess environment the way the ``kam`` runner does."""
    return _environment


# -- runners --------------------------------------------------------------------------------

KamRunner = Callable[..., Result]


@pytest.fixture
def kam(tmp_path: Path) -> KamRunner:
    """Run the installed ``kam`` script: ``kam("plan", "show", "x", env={...}, cwd=...)``."""
    assert KAM.exists(), f"console script missing: {KAM}"

    def run(*args: str, env: Mapping[str, str | None] | None = None, cwd: Path | None = None,
            input: str | None = None, timeout: float = 60) -> Result:
        proc = subprocess.run(
            [str(KAM), *args], cwd=cwd or tmp_path, env=_environment(env), input=input,
            capture_output=True, text=True, timeout=timeout,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


def _reset_process_plugins() -> None:
    from kamcore.plugins import get_plugin_host
    from kamcore.registry import get_registry

    get_registry.cache_clear()
    get_plugin_host.cache_clear()


@pytest.fixture
def kam_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> Iterator[KamRunner]:
    """Run ``kamcore.cli.run`` in-process with a clean environment, cwd ``tmp_path``."""
    from kamcore.cli import run as cli_run

    monkeypatch.chdir(tmp_path)
    for key in _SCRUBBED:
        monkeypatch.delenv(key, raising=False)
    for key, value in DEFAULT_ENV.items():
        monkeypatch.setenv(key, value)

    def run(*args: str, env: Mapping[str, str | None] | None = None) -> Result:
        for key, value in (env or {}).items():
            if value is None:
                monkeypatch.delenv(key, raising=False)
            else:
                monkeypatch.setenv(key, value)
        _reset_process_plugins()
        capsys.readouterr()
        code = cli_run(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    yield run
    _reset_process_plugins()


# -- methodology documents ------------------------------------------------------------------

GATED = textwrap.dedent("""\
    # A methodology with a gate, used across the CLI tests.
    name: kt-gated
    version: "1.0"
    title: Gated test methodology
    description: Three steps; leaving the first needs signed-off objectives.
    roles: [economic_buyer, champion, coach]
    cadence:
      internal: {every: "1 month"}
      customer: {every: "3 months", title: Quarterly business review}
    settings:
      stale_after_days: 90
    steps:
      - key: analyse
        title: Analyse the account
        purpose: Understand the customer's goals.
        sections: [objectives, risks]
        gate:
          message: every joint objective needs the customer's sign-off
          schema:
            type: object
            required: [objectives]
            properties:
              objectives:
                type: array
                minItems: 1
                items: {required: [customer_signoff]}
      - key: act
        title: Act on the plan
        sections: [actions]
      - key: review
        title: Review with the customer
    sections:
      - key: objectives
        title: Joint objectives
        schema: {type: array, items: {$ref: "urn:kamcore:shape:objective"}}
      - key: risks
        title: Risks
        schema: {type: array, items: {$ref: "urn:kamcore:shape:risk"}}
      - key: actions
        title: Actions
        schema: {type: array, items: {$ref: "urn:kamcore:shape:action"}}
    example:
      step: act
      sections:
        objectives:
          - id: o1
            title: Cut warehouse costs by 10%
            customer_signoff: {name: Helen Park, date: "2026-01-15"}
        actions:
          - {id: a1, title: Run the pilot, owner: Dana, status: open}
    """)


@pytest.fixture(scope="session")
def methodology_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with ``kt-gated.yaml`` (read-only for tests: copy it to change it)."""
    folder = tmp_path_factory.mktemp("methodologies")
    (folder / "kt-gated.yaml").write_text(GATED, encoding="utf-8")
    return folder


@pytest.fixture
def method_env(methodology_dir: Path) -> dict[str, str]:
    """Environment that makes ``kt-gated`` available."""
    return {"KAMCORE_METHODOLOGY_PATH": str(methodology_dir)}


# -- test plugin distributions ---------------------------------------------------------------

TEST_DISTS = ("good", "broken", "raising", "misspelt")


@pytest.fixture(scope="session")
def test_plugins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test plugin distributions, built and installed by pip into a folder (offline).

    The sources are copied first so that the build leaves nothing behind in ``tests/``.
    """
    root = tmp_path_factory.mktemp("plugin-install")
    sources = root / "src"
    for name in TEST_DISTS:
        shutil.copytree(PLUGIN_DISTS / name, sources / name)
    target = root / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation",
         "--no-index", "--no-cache-dir", "--disable-pip-version-check", "--quiet",
         "--target", str(target), *(str(sources / name) for name in TEST_DISTS)],
        capture_output=True, text=True, timeout=300,
        env={**_environment(None), "PIP_NO_INPUT": "1"},
    )
    assert proc.returncode == 0, f"pip install failed:\n{proc.stdout}\n{proc.stderr}"
    for name in TEST_DISTS:
        assert list(target.glob(f"kamcore_test_{name}-*.dist-info/entry_points.txt")), name
    return target


@pytest.fixture
def plugin_env(test_plugins: Path) -> dict[str, str | None]:
    """Subprocess environment that sees the test plugins (and every installed one)."""
    return {"PYTHONPATH": str(test_plugins), "KAMCORE_LOAD_PLUGINS": None}


@pytest.fixture
def plugins_on_path(test_plugins: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put the installed test plugins on ``sys.path`` for in-process checks."""
    monkeypatch.syspath_prepend(str(test_plugins))
    monkeypatch.delenv("KAMCORE_LOAD_PLUGINS", raising=False)
    monkeypatch.delenv("KAMCORE_STRICT_PLUGINS", raising=False)
    return test_plugins


# -- workspaces ------------------------------------------------------------------------------


@pytest.fixture
def core_host() -> Any:
    """A plugin host with only the built-in plugins (no entry points)."""
    from kamcore.plugins import make_plugin_host

    return make_plugin_host(entry_points=False, strict=False)


@pytest.fixture
def gated(methodology_dir: Path) -> Any:
    """The ``kt-gated`` methodology, loaded from its file."""
    from kamcore.documents import load_document
    from kamcore.methodology import build_methodology

    return build_methodology(load_document(methodology_dir / "kt-gated.yaml"))

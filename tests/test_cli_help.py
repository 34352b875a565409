"""``kam --help`` stays fast: no pydantic, jsonschema, SQLAlchemy or rich imported.

Help loads the plugins (to list the commands they add through ``kam_commands``, as llm and
datasette do), so a plugin module must import nothing heavy when it is loaded: the shipped
plugins and the test plugins are loaded here and held to that."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HEAVY = ("pydantic", "jsonschema", "sqlalchemy", "rich", "yaml", "referencing", "alembic",
         "psycopg", "jinja2")


def _imported(importtime_log: str) -> set[str]:
    """Module names from ``-X importtime`` output."""
    names = set()
    for line in importtime_log.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                names.add(name)
    return names


def test_kam_help_imports_nothing_heavy(kam_env, test_plugins: Path) -> None:
    """The real console script under ``-X importtime``, with plugins installed."""
    script = Path(sys.executable).parent / "kam"
    env = {"PYTHONPATH": str(test_plugins), "KAMCORE_LOAD_PLUGINS": None}
    proc = subprocess.run([sys.executable, "-X", "importtime", str(script), "--help"],
                          capture_output=True, text=True, env=kam_env(env), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Usage: kam" in proc.stdout
    for command in ("init", "demo", "plugins", "methodologies", "account", "plan", "import",
                    "export", "schema"):
        assert f"  {command} " in proc.stdout
    modules = _imported(proc.stderr)
    assert "kamcore.cli" in modules and "click" in modules  # the log is really being read
    roots = {name.split(".")[0] for name in modules}
    assert not roots & set(HEAVY), sorted(roots & set(HEAVY))


@pytest.mark.parametrize("argv", [["--help"], ["plan", "--help"], ["plan", "set", "--help"],
                                  ["account", "--help"], ["export", "--help"],
                                  ["import", "--help"], ["methodologies", "--help"],
                                  ["--version"]])
def test_help_of_subcommands_imports_nothing_heavy(argv: list[str], test_plugins: Path,
                                                   kam_env) -> None:
    code = textwrap.dedent(f"""\
        import sys
        from kamcore.cli import run
        status = run({argv!r})
        heavy = sorted({{m.split(".")[0] for m in sys.modules}} & {set(HEAVY)!r})
        print("STATUS", status)
        print("HEAVY", ",".join(heavy))
        print("PLUGINS", ",".join(sorted(m for m in sys.modules if m.startswith("kamcore_"))))
        """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=kam_env({"PYTHONPATH": str(test_plugins),
                                       "KAMCORE_LOAD_PLUGINS": None}), timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "STATUS 0" in lines, proc.stdout
    assert "HEAVY " in lines, proc.stdout
    if argv == ["--help"]:  # the plugins were loaded (to list their commands) and stayed light
        assert "kamcore_sama7" in proc.stdout.split("PLUGINS ", 1)[1], proc.stdout
    assert "Usage: kam" in proc.stdout or "kam, version" in proc.stdout


#: The plugins shipped under plugins/, installed into the test environment by `make install`.
SHIPPED = {"kamcore_simple_plan": "simple_plan", "kamcore_sama7": "sama7",
           "kamcore_medpicc": "medpicc", "kamcore_hubspot": "hubspot",
           "kamcore_salesforce": "salesforce", "kamcore_office": "office"}


def test_kam_plugins_loads_every_plugin_without_building_the_record_models(
        kam_env, tmp_path: Path) -> None:
    """Listing plugins imports each built-in and shipped plugin, but neither pydantic nor the
    record models: plugin modules import them where a check or adapter runs. (The first run
    on an empty load cache does: checking the methodologies needs the core shapes' schemas.)"""
    code = textwrap.dedent("""\
        import sys
        from kamcore.cli import run
        status = run(["plugins"])
        print("STATUS", status)
        print("MODULES", ",".join(sorted(sys.modules)))
        """)
    env = kam_env({"KAMCORE_LOAD_PLUGINS": None, "KAMCORE_CACHE_DIR": str(tmp_path / "cache")})
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=env, timeout=60)
        assert proc.returncode == 0, proc.stderr
    assert "STATUS 0" in proc.stdout.splitlines(), proc.stdout
    for plugin in SHIPPED.values():
        assert f"{plugin} " in proc.stdout, proc.stdout
    assert "failed" not in proc.stdout, proc.stdout
    [listed] = [line for line in proc.stdout.splitlines() if line.startswith("MODULES ")]
    modules = set(listed.removeprefix("MODULES ").split(","))
    assert set(SHIPPED) | {"kamcore.builtin.staleness", "kamcore.builtin.checks"} <= modules
    built = sorted(m for m in modules if m.split(".")[0] == "pydantic" or m == "kamcore.model")
    assert built == [], built

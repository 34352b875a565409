"""Plugins: real distributions installed with pip, loaded from their entry points.

``tests/plugin_dists`` holds four tiny distributions: ``good`` (a methodology as a mapping and
one as packaged YAML, an exporter, a signal, a plan check), ``broken`` (ImportError on import),
``raising`` (hooks that raise RuntimeError), ``misspelt`` (``kam_methodolgies``), ``exiting``
(``sys.exit()`` on import) and ``exiting_hook`` (hooks that raise SystemExit).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TEST_PLUGIN_NAMES = {"good", "broken", "raising", "misspelt", "exiting", "exiting_hook"}
BUILTINS = {"kamcore.builtin.exporters", "kamcore.builtin.adapters", "kamcore.builtin.checks",
            "kamcore.builtin.local_documents"}


def _by_name(listing: list[dict]) -> dict[str, dict]:
    return {entry["name"]: entry for entry in listing}


# -- kam plugins ------------------------------------------------------------------------------


def test_kam_plugins_reports_broken_plugin_and_exits_0(kam, plugin_env) -> None:
    result = kam("plugins", env=plugin_env)
    assert result.code == 0, result
    assert "Traceback" not in result.err
    assert ("plugin broken: import failed: ImportError: kamcore-test-broken needs the module "
            "not_installed_backend") in result.err
    assert "broken" in result.out and "failed" in result.out
    assert ("plugin misspelt: refused: hookimpl 'kam_methodolgies' matches no kamcore hook "
            "(did you mean kam_methodologies?)") in result.err
    # the good plugin still loads next to the broken one
    assert "kt-good" in result.out


def test_kam_plugins_json_lists_builtins_and_contributions(kam, plugin_env) -> None:
    result = kam("plugins", "--json", env=plugin_env)
    assert result.code == 0, result
    plugins = _by_name(result.json())
    for name in BUILTINS:
        assert plugins[name]["builtin"] is True
        assert plugins[name]["status"] == "loaded"
        assert plugins[name]["distribution"] == "kamcore"
    assert {"json", "markdown", "yaml"} <= set(
        plugins["kamcore.builtin.exporters"]["contributes"]["exporter"])
    assert plugins["kamcore.builtin.adapters"]["contributes"]["adapter"] == ["json", "revenue-csv"]

    good = plugins["good"]
    assert good["builtin"] is False
    assert good["status"] == "loaded"
    assert good["errors"] == []
    assert good["distribution"] == "kamcore-test-good"
    assert good["version"] == "0.1.0"
    assert good["contributes"] == {
        "exporter": ["kt-good-text"],
        "methodology": ["kt-good", "kt-good-yaml"],
        "signal": ["kt-stakeholder-count"],
    }
    assert set(good["hooks"]) == {"kam_check_plan", "kam_exporters", "kam_methodologies",
                                  "kam_signals"}

    broken = plugins["broken"]
    assert broken["status"] == "failed"
    assert broken["errors"] and "ImportError" in broken["errors"][0]

    raising = plugins["raising"]
    assert raising["status"] == "loaded"
    assert any("kam_methodologies raised RuntimeError" in e for e in raising["errors"])

    misspelt = plugins["misspelt"]
    assert misspelt["status"] == "failed"
    assert misspelt["hooks"] == []


def test_misspelt_hookimpl_is_refused_with_a_suggestion(kam, plugin_env) -> None:
    result = kam("plugins", "--json", env=plugin_env)
    [error] = _by_name(result.json())["misspelt"]["errors"]
    assert "kam_methodolgies" in error
    assert "did you mean kam_methodologies" in error


def test_methodologies_still_listed_with_a_broken_plugin(kam, plugin_env) -> None:
    text = kam("methodologies", env=plugin_env)
    assert text.code == 0, text
    assert "kt-good" in text.out and "kt-good-yaml" in text.out
    assert "Traceback" not in text.err


def test_methodologies_json_with_every_test_plugin(kam_run, plugins_on_path: Path) -> None:
    result = kam_run("methodologies", "--json", env={"KAMCORE_LOAD_PLUGINS": None})
    assert result.code == 0, result
    listing = _by_name(result.json())
    assert listing["kt-good"]["plugin"] == "good"
    assert listing["kt-good"]["version"] == "1.2.0"
    assert listing["kt-good"]["steps"] == ["discover", "commit"]
    assert listing["kt-good-yaml"]["sections"] == ["notes"]
    assert listing["kt-good-yaml"]["source"].endswith("good_yaml.yaml")
    # the misspelt plugin's methodology never arrives
    assert "kt-misspelt" not in listing


def test_strict_mode_makes_a_broken_plugin_fatal(kam, plugin_env) -> None:
    env = {**plugin_env, "KAMCORE_STRICT_PLUGINS": "1", "KAMCORE_LOAD_PLUGINS": "good,broken"}
    result = kam("plugins", env=env)
    result.assert_usage_error("broken", "KAMCORE_STRICT_PLUGINS=1", "ImportError")
    assert result.out == ""


def test_strict_mode_makes_a_raising_hook_fatal(kam_run, plugins_on_path: Path) -> None:
    env = {"KAMCORE_STRICT_PLUGINS": "1", "KAMCORE_LOAD_PLUGINS": "raising"}
    result = kam_run("methodologies", env=env)
    result.assert_usage_error("raising", "RuntimeError", "kam_methodologies exploded")


def test_strict_mode_with_healthy_plugins_works(kam_run, plugins_on_path: Path) -> None:
    env = {"KAMCORE_STRICT_PLUGINS": "1", "KAMCORE_LOAD_PLUGINS": "good"}
    result = kam_run("plugins", "--json", env=env)
    assert result.code == 0, result
    assert _by_name(result.json())["good"]["status"] == "loaded"


def _check_only_good(plugins: dict[str, dict]) -> None:
    assert plugins["good"]["status"] == "loaded"
    for name in TEST_PLUGIN_NAMES - {"good"}:
        assert plugins[name]["status"] == "disabled", plugins[name]
        assert plugins[name]["errors"] == []
    external = {n for n, p in plugins.items() if not p["builtin"]} - {"good"}
    assert all(plugins[n]["status"] == "disabled" for n in external)
    for name in BUILTINS:
        assert plugins[name]["status"] == "loaded"


def test_allowlist_loads_only_the_named_plugin(kam, plugin_env) -> None:
    result = kam("plugins", "--json", env={**plugin_env, "KAMCORE_LOAD_PLUGINS": "good"})
    assert result.code == 0, result
    _check_only_good(_by_name(result.json()))
    assert "plugin broken" not in result.err


@pytest.mark.parametrize("allow", ["kamcore-test-good", " good , nothing-by-that-name"])
def test_allowlist_by_distribution_name_and_spacing(kam_run, plugins_on_path: Path,
                                                    allow: str) -> None:
    result = kam_run("plugins", "--json", env={"KAMCORE_LOAD_PLUGINS": allow})
    assert result.code == 0, result
    _check_only_good(_by_name(result.json()))


def test_empty_allowlist_loads_no_external_plugin(kam, kam_run, plugin_env,
                                                  plugins_on_path: Path) -> None:
    result = kam("plugins", "--json", env={**plugin_env, "KAMCORE_LOAD_PLUGINS": ""})
    assert result.code == 0, result
    plugins = _by_name(result.json())
    external = {n: p for n, p in plugins.items() if not p["builtin"]}
    assert set(external) >= TEST_PLUGIN_NAMES
    assert {p["status"] for p in external.values()} == {"disabled"}
    assert all(p["contributes"] == {} and p["hooks"] == [] for p in external.values())
    for name in BUILTINS:
        assert plugins[name]["status"] == "loaded"
    methodologies = kam_run("methodologies", "--json", env={"KAMCORE_LOAD_PLUGINS": ""}).json()
    assert not {m["name"] for m in methodologies} & {"kt-good", "kt-good-yaml"}


# -- in-process: the host and the registry -----------------------------------------------------


def test_host_loads_each_plugin_in_isolation(plugins_on_path: Path) -> None:
    from kamcore.plugin.host import make_plugin_host
    from kamcore.plugin.registry import Registry

    host = make_plugin_host(allowlist=None, strict=False)
    info = {p.name: p for p in host.listing()}
    assert info["good"].status == "loaded"
    assert info["broken"].status == "failed"
    assert info["misspelt"].status == "failed"
    assert host.pm.get_plugin("misspelt") is None  # unregistered, its hook is never called
    assert host.pm.get_plugin("broken") is None
    assert "kamcore_test_broken" not in sys.modules
    registry = Registry(host)
    assert registry.provider("methodology", "kt-good") == "good"
    assert registry.exporter("kt-good-text").suffix == ".txt"
    assert "kt-misspelt" not in registry.methodologies
    # built-ins come first in the listing, then external plugins by name
    names = [p.name for p in host.listing()]
    assert names.index("kamcore.builtin.checks") < names.index("broken") < names.index("good")


def test_strict_host_raises_plugin_error(plugins_on_path: Path) -> None:
    from kamcore.errors import PluginError
    from kamcore.plugin.host import make_plugin_host

    with pytest.raises(PluginError, match="broken"):
        make_plugin_host(allowlist=frozenset({"broken"}), strict=True)


def test_good_plugin_signal_and_exporter_work(plugins_on_path: Path, core_host) -> None:
    from kamcore import Account, AccountSnapshot, Stakeholder
    from kamcore.plugin.contributions import ExportContext
    from kamcore.plugin.host import make_plugin_host
    from kamcore.plugin.registry import Registry

    registry = Registry(make_plugin_host(allowlist=frozenset({"good"}), strict=True))
    account = Account(id="acme", name="Acme")
    people = tuple(Stakeholder(id=f"p{i}", account_id="acme", name=f"P{i}") for i in range(3))
    snapshot = AccountSnapshot(account=account, stakeholders=people)
    assert registry.signal("kt-stakeholder-count").compute(snapshot) == 3.0
    methodology = registry.methodology("kt-good")
    assert methodology.step("discover").gate is not None
    assert [c.kind for c in methodology.cadence] == ["internal"]
    from kamcore.model import MethodologyRef, Plan

    plan = Plan(id="p1", account_id="acme", step="commit",
                methodology=MethodologyRef(name="kt-good", version="1.2.0"))
    text = registry.exporter("kt-good-text").render(
        ExportContext(plan=plan, snapshot=snapshot, methodology=methodology))
    assert text == "kamcore-test-good export of plan p1 at step commit\n"


def test_unknown_names_list_what_exists(plugins_on_path: Path) -> None:
    from kamcore.errors import NotFoundError
    from kamcore.plugin.host import make_plugin_host
    from kamcore.plugin.registry import Registry

    registry = Registry(make_plugin_host(allowlist=frozenset({"good"}), strict=False))
    with pytest.raises(NotFoundError) as info:
        registry.methodology("no-such")
    assert "kt-good" in str(info.value) and "no-such" in str(info.value)
    with pytest.raises(NotFoundError, match="kt-good-text"):
        registry.exporter("pdf")
    with pytest.raises(NotFoundError, match="kt-stakeholder-count"):
        registry.signal("nope")


def test_duplicate_contribution_names_keep_the_first(core_host) -> None:
    from kamcore import Exporter, hookimpl
    from kamcore.plugin.host import PluginInfo
    from kamcore.plugin.registry import Registry

    class Duplicate:
        @hookimpl
        def kam_exporters(self):  # type: ignore[no-untyped-def]
            return [Exporter("markdown", "an impostor", ".md", lambda context: "impostor")]

    core_host.register(Duplicate(), PluginInfo(name="dup", builtin=False))
    registry = Registry(core_host)
    assert registry.provider("exporter", "markdown") == "kamcore.builtin.exporters"
    assert any("already provided" in e for e in core_host.plugins["dup"].errors)


def test_a_hookimpl_with_an_unknown_argument_is_refused(core_host) -> None:
    from kamcore import hookimpl
    from kamcore.plugin.host import PluginInfo

    class Bad:
        @hookimpl
        def kam_check_plan(self, plan, colour):  # type: ignore[no-untyped-def]
            return []

    core_host.register(Bad(), PluginInfo(name="bad-args", builtin=False))
    info = core_host.plugins["bad-args"]
    assert info.status == "failed"
    assert "colour" in info.errors[0]
    assert core_host.pm.get_plugin("bad-args") is None


# -- kam_check_plan that raises ----------------------------------------------------------------


def test_raising_check_becomes_plugin_failed_finding(plugins_on_path: Path,
                                                     tmp_path: Path) -> None:
    from kamcore import Account, HookEvents, Workspace
    from kamcore.planning import check_plan, new_plan
    from kamcore.plugin.host import make_plugin_host
    from kamcore.plugin.registry import Registry

    host = make_plugin_host(allowlist=frozenset({"good", "raising"}), strict=False)
    registry = Registry(host)
    with Workspace.open(tmp_path / "kam.db", create=True, listener=HookEvents(host)) as workspace:
        workspace.save(Account(id="acme", name="Acme"))
        plan = new_plan(workspace, registry.methodology("kt-good"), "acme")
        findings = check_plan(plan, registry.methodology("kt-good"),
                              workspace.snapshot("acme"), host)
    failed = [f for f in findings if f.code == "plugin-failed"]
    assert len(failed) == 1
    assert failed[0].severity == "error"
    assert failed[0].source == "raising"
    assert "RuntimeError" in failed[0].message and plan.id in failed[0].message
    # the other plugins' findings still arrive
    assert any(f.code == "kt-good-reminder" and f.source == "good" for f in findings)
    assert any(f.code == "gate-not-met" and f.source == "kamcore" for f in findings)
    assert findings[0].severity == "error"  # errors sort first


def test_plan_check_cli_with_raising_plugin(kam, plugin_env, tmp_path: Path,
                                           core_host) -> None:
    from kamcore import Account, HookEvents, Workspace
    from kamcore.model import MethodologyRef, Plan

    with Workspace.open(tmp_path / "kam.db", create=True,
                        listener=HookEvents(core_host)) as workspace:
        workspace.save(Account(id="acme", name="Acme"))
        workspace.save(Plan(id="p1", account_id="acme", step="discover",
                            methodology=MethodologyRef(name="kt-good", version="1.2.0")))
    env = {**plugin_env, "KAMCORE_LOAD_PLUGINS": "good,raising,broken"}
    result = kam("plan", "check", "p1", "--json", env=env)
    assert result.code == 1, result  # the plugin-failed finding is an error
    codes = {(f["code"], f["source"]) for f in result.json()["findings"]}
    assert ("plugin-failed", "raising") in codes
    assert ("kt-good-reminder", "good") in codes
    assert "Traceback" not in result.err


def test_plan_check_and_export_in_process(kam_run, plugins_on_path: Path, tmp_path: Path,
                                          core_host) -> None:
    from kamcore import Account, HookEvents, Workspace
    from kamcore.model import MethodologyRef, Plan

    with Workspace.open(tmp_path / "kam.db", create=True,
                        listener=HookEvents(core_host)) as workspace:
        workspace.save(Account(id="acme", name="Acme"))
        workspace.save(Plan(id="p1", account_id="acme", step="discover",
                            methodology=MethodologyRef(name="kt-good", version="1.2.0")))
    env = {"KAMCORE_LOAD_PLUGINS": "good,raising"}
    loud = kam_run("plan", "check", "p1", env=env)
    assert loud.code == 1 and "plugin-failed" in loud.out
    # without the raising plugin the same plan has no error: exit 0
    quiet = kam_run("plan", "check", "p1", "--json", env={"KAMCORE_LOAD_PLUGINS": "good"})
    assert quiet.code == 0, quiet
    assert {f["code"] for f in quiet.json()["findings"]} == {"kt-good-reminder", "gate-not-met"}

    exported = kam_run("export", "p1", "--format", "kt-good-text", env=env)
    assert exported.code == 0, exported
    assert exported.out == "kamcore-test-good export of plan p1 at step discover\n"


# -- every registration and event hook, through a plugin object ---------------------------------


def test_kam_adapters_contributes_an_importer(core_host, tmp_path: Path) -> None:
    from kamcore import Account, Adapter, HookEvents, Workspace, hookimpl
    from kamcore.importing import import_records
    from kamcore.plugin.host import PluginInfo
    from kamcore.plugin.registry import Registry

    def read(path: Path):  # type: ignore[no-untyped-def]
        for line in path.read_text().splitlines():
            key, name = line.split(",")
            yield Account(id=key, name=name, external_ids={"kt-crm": key.upper()})

    class Crm:
        @hookimpl
        def kam_adapters(self):  # type: ignore[no-untyped-def]
            return [Adapter("kt-crm", "Accounts from a two-column file.", read), "not an adapter"]

    core_host.register(Crm(), PluginInfo(name="kt-crm-plugin", builtin=False))
    registry = Registry(core_host)
    assert registry.provider("adapter", "kt-crm") == "kt-crm-plugin"
    assert any("kam_adapters returned 'not an adapter'" in e
               for e in core_host.plugins["kt-crm-plugin"].errors)
    source = tmp_path / "accounts.csv"
    source.write_text("acme,Acme\nglobex,Globex\n")
    with Workspace.open(tmp_path / "kam.db", create=True,
                        listener=HookEvents(core_host)) as workspace:
        summary = import_records(workspace, registry.adapter("kt-crm").read(source))
        assert summary.total("created") == 2
        assert workspace.find_by_external_id(Account, "kt-crm", "GLOBEX").name == "Globex"


def test_kam_rubrics_contributes_a_rubric(core_host) -> None:
    from kamcore import hookimpl
    from kamcore.plugin.host import PluginInfo
    from kamcore.plugin.registry import Registry

    rubric = {"name": "kt-fit", "version": "1.0", "title": "Fit", "scale": {"min": 1, "max": 5},
              "criteria": [{"key": "fit", "title": "Fit", "weight": 1.0}],
              "bands": [{"name": "high", "min": 4.0}, {"name": "low", "min": 1.0}]}

    class Rubrics:
        @hookimpl
        def kam_rubrics(self):  # type: ignore[no-untyped-def]
            return [rubric, {**rubric, "name": "kt-broken", "criteria": "none"}]

    core_host.register(Rubrics(), PluginInfo(name="kt-rubrics", builtin=False))
    registry = Registry(core_host)
    loaded = registry.rubric("kt-fit")
    assert (loaded.name, loaded.version) == ("kt-fit", "1.0")
    assert registry.provider("rubric", "kt-fit") == "kt-rubrics"
    assert loaded.band_for(4.5).name == "high" and loaded.band_for(2).name == "low"
    assert "kt-broken" not in registry.rubrics
    assert any("kt-rubrics[1]" in e for e in core_host.plugins["kt-rubrics"].errors)


def test_registration_hook_returning_junk_is_reported(core_host) -> None:
    from kamcore import hookimpl
    from kamcore.plugin.host import PluginInfo
    from kamcore.plugin.registry import Registry

    class Junk:
        @hookimpl
        def kam_methodologies(self):  # type: ignore[no-untyped-def]
            return [42, "/nonexistent/methodology.yaml"]

    core_host.register(Junk(), PluginInfo(name="junk", builtin=False))
    registry = Registry(core_host)
    errors = core_host.plugins["junk"].errors
    assert any("returned 42" in e for e in errors)
    assert any("no such file" in e for e in errors)
    assert not registry.contributions_of("junk")


def test_kam_review_recorded_runs_after_commit(core_host, tmp_path: Path) -> None:
    from datetime import date

    from kamcore import Account, HookEvents, Review, Workspace, hookimpl
    from kamcore.model import MethodologyRef, Plan
    from kamcore.plugin.host import PluginInfo

    seen: list[tuple[str, int, bool]] = []

    class Listener:
        @hookimpl
        def kam_review_recorded(self, review, plan, workspace):  # type: ignore[no-untyped-def]
            # called after the commit: the review is readable through the workspace
            seen.append((review.id, plan.revision,
                         workspace.find(Review, review.id) is not None))

    core_host.register(Listener(), PluginInfo(name="listener", builtin=False))
    with Workspace.open(tmp_path / "kam.db", create=True,
                        listener=HookEvents(core_host)) as workspace:
        workspace.save(Account(id="acme", name="Acme"))
        plan = workspace.save(Plan(id="p1", account_id="acme", step="s",
                                   methodology=MethodologyRef(name="m", version="1")))

        def record(review_id: str) -> None:  # saving a review announces it
            workspace.save(Review(id=review_id, plan_id="p1", account_id="acme",
                                  review_kind="internal", date=date(2026, 2, 1),
                                  plan_revision=plan.revision))

        with workspace.transaction():
            record("r1")
            assert seen == []  # not before the commit
        assert seen == [("r1", 1, True)]
        with pytest.raises(RuntimeError), workspace.transaction():
            record("r2")
            raise RuntimeError("rolled back")
        assert seen == [("r1", 1, True)]
        assert workspace.find(Review, "r2") is None


# -- plugins that call sys.exit() ------------------------------------------------------------


def _seed(tmp_path: Path, kam_run) -> Path:  # type: ignore[no-untyped-def]
    """A JSON bundle of one account and its plan, exported without any external plugin."""
    from kamcore import Account, Workspace
    from kamcore.model import MethodologyRef, Plan

    with Workspace.open(tmp_path / "source.db", create=True) as workspace:
        workspace.save(Account(id="acme", name="Acme"))
        workspace.save(Plan(id="acme-plan", account_id="acme", step="discover",
                            methodology=MethodologyRef(name="kt-good", version="1.2.0")))
    seed = tmp_path / "seed.json"
    assert kam_run("-w", str(tmp_path / "source.db"), "export", "acme-plan", "--format", "json",
                   "-o", str(seed)).code == 0
    return seed


def test_plugins_calling_sys_exit_are_reported_failed(kam, plugin_env) -> None:
    result = kam("plugins", "--json", env=plugin_env)
    assert result.code == 0, result
    plugins = _by_name(result.json())
    assert plugins["exiting"]["status"] == "failed"
    assert plugins["exiting"]["errors"] == ["import failed: SystemExit: called sys.exit(None)"]
    assert plugins["exiting_hook"]["status"] == "loaded"
    assert ("kam_methodologies raised SystemExit: called sys.exit('exiting_hook plugin: "
            "kam_methodologies gives up')") in plugins["exiting_hook"]["errors"]
    assert plugins["good"]["status"] == "loaded"
    text = kam("plugins", env=plugin_env)
    assert text.code == 0, text
    assert "plugin exiting: import failed: SystemExit" in text.err


def test_commands_work_next_to_plugins_calling_sys_exit(kam, kam_run, plugin_env,
                                                        tmp_path: Path) -> None:
    seed = _seed(tmp_path, kam_run)
    assert kam("init", env=plugin_env).code == 0
    imported = kam("import", "json", str(seed), env=plugin_env)
    assert imported.code == 0, imported
    assert "2 created" in imported.out
    listed = kam("plan", "list", "--json", env=plugin_env)
    assert listed.code == 0, listed
    assert [plan["id"] for plan in listed.json()] == ["acme-plan"]
    # a check hook raising SystemExit(0) is a failed plugin, not a clean exit 0
    checked = kam("plan", "check", "acme-plan", "--json", env=plugin_env)
    assert checked.code == 1, checked
    codes = {(f["code"], f["source"]) for f in checked.json()["findings"]}
    assert ("plugin-failed", "exiting_hook") in codes
    # an exporter calling sys.exit(0) is the plugin's failure: exit 2, named, nothing written
    out = tmp_path / "plan.txt"
    exported = kam("export", "acme-plan", "--format", "kt-exit", "-o", str(out), env=plugin_env)
    assert exported.code == 2, exported
    assert ("error: exporter 'kt-exit' of plugin 'exiting_hook' failed: SystemExit: called "
            "sys.exit(0)") in exported.err
    assert "Traceback" not in exported.err and not out.exists()


@pytest.mark.parametrize("plugin", ["exiting", "exiting_hook"])
def test_strict_mode_makes_a_plugin_calling_sys_exit_fatal(kam, plugin_env, plugin: str,
                                                           tmp_path: Path) -> None:
    env = {**plugin_env, "KAMCORE_STRICT_PLUGINS": "1", "KAMCORE_LOAD_PLUGINS": plugin}
    assert kam("init", env={"KAMCORE_LOAD_PLUGINS": ""}).code == 0
    for command in (("plugins",), ("methodologies",)):
        result = kam(*command, env=env)
        result.assert_usage_error(plugin, "KAMCORE_STRICT_PLUGINS=1", "SystemExit")


def test_sys_exit_outside_any_plugin_is_an_internal_error_not_a_quiet_exit(
        kam_run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The backstop of ``kam``: a SystemExit raised by no plugin (plugins' contributions are
    guarded, see tests/test_plugin_guard.py) still fails loudly (exit 3) instead of exiting 0
    having done nothing."""
    import kamcore.operations

    def exiting_export(*args: object, **kwargs: object) -> None:
        raise SystemExit(0)

    assert kam_run("init").code == 0
    monkeypatch.setattr(kamcore.operations, "export_plan", exiting_export)
    result = kam_run("export", "acme-plan", "-o", str(tmp_path / "out.md"))
    assert result.code == 3, result
    assert "called sys.exit(0)" in result.err
    assert not (tmp_path / "out.md").exists()


# -- KAMCORE_DEBUG: the traceback of every plugin failure -----------------------------------


def test_debug_prints_the_traceback_of_a_raising_check(kam, plugin_env, tmp_path: Path,
                                                      core_host) -> None:
    from kamcore import Account, HookEvents, Workspace
    from kamcore.model import MethodologyRef, Plan

    with Workspace.open(tmp_path / "kam.db", create=True,
                        listener=HookEvents(core_host)) as workspace:
        workspace.save(Account(id="acme", name="Acme"))
        workspace.save(Plan(id="p1", account_id="acme", step="discover",
                            methodology=MethodologyRef(name="kt-good", version="1.2.0")))
    env = {**plugin_env, "KAMCORE_LOAD_PLUGINS": "good,raising"}
    quiet = kam("plan", "check", "p1", env=env)
    assert "Traceback" not in quiet.err, quiet
    result = kam("plan", "check", "p1", env={**env, "KAMCORE_DEBUG": "1"})
    assert result.code == 1, result
    assert "kamcore: plugin 'raising': kam_check_plan raised RuntimeError" in result.err, result
    assert "Traceback (most recent call last)" in result.err, result
    # the traceback reaches into the plugin's own file, at the line that raised
    assert "kamcore_test_raising/__init__.py" in result.err, result
    assert 'raise RuntimeError(f"raising plugin: cannot check {plan.id}")' in result.err, result


def test_debug_prints_the_traceback_of_an_import_failure(kam, plugin_env) -> None:
    result = kam("plugins", env={**plugin_env, "KAMCORE_LOAD_PLUGINS": "broken",
                                 "KAMCORE_DEBUG": "1"})
    assert result.code == 0, result
    assert "kamcore: plugin 'broken': import failed: ImportError" in result.err, result
    assert "Traceback (most recent call last)" in result.err, result
    assert "kamcore_test_broken/__init__.py" in result.err, result


def test_strict_mode_chains_the_plugins_exception(plugins_on_path: Path) -> None:
    from kamcore.errors import PluginError
    from kamcore.plugin.host import make_plugin_host

    host = make_plugin_host(allowlist=frozenset({"raising"}), strict=True)
    with pytest.raises(PluginError, match="kam_methodologies raised RuntimeError") as caught:
        host.call("kam_methodologies")
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert "kam_methodologies exploded" in str(caught.value.__cause__)


def test_kam_plugins_table_shows_the_hooks_of_each_plugin(kam, plugin_env) -> None:
    result = kam("plugins", env={**plugin_env, "KAMCORE_LOAD_PLUGINS": "good"})
    assert result.code == 0, result
    [row] = [line for line in result.out.splitlines() if line.startswith(" good ")
             or "│ good " in line]
    assert ("exporter: kt-good-text; methodology: kt-good, kt-good-yaml; signal: "
            "kt-stakeholder-count; hooks: check_plan") in row, result.out


def test_kam_export_help_lists_the_installed_formats(kam, plugin_env) -> None:
    result = kam("export", "--help", env={**plugin_env, "KAMCORE_LOAD_PLUGINS": "good"})
    assert result.code == 0, result
    formats = result.out.split("Formats (--format NAME):", 1)[1]
    assert "kt-good-text" in formats and "One line naming the plan. (.txt)" in formats
    assert "markdown" in formats and "html" in formats

"""Contract test classes that plugin authors subclass (like pandas' extension tests).

Each class needs ``kam_plugin_names`` (the plugins under test) and one fixture naming what to
test: ``methodology_name``, ``rubric_name``, ``exporter_name`` or ``adapter_name`` (plus
``adapter_sample_path``). Every test method is a guarantee kamcore relies on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..errors import InvalidInputError
from ..exporting import export_context
from ..importing import import_records
from ..methodology import Methodology
from ..model import Finding, MethodologyRef, Plan, Stakeholder
from ..planning import advance, check_plan, new_plan, set_section
from ..plugin.host import PluginHost
from ..plugin.registry import Registry
from ..rubric import Rubric
from ..schemas import schema_problems
from ..store import Workspace
from .factories import (
    HOSTILE_ACTION_TITLE,
    HOSTILE_NAME,
    sample_account,
    sample_opportunity,
    sample_stakeholder,
)


class PluginContract:
    """Every plugin under test loads, registers only hooks that exist, and reports no error."""

    def test_plugins_load_without_errors(self, kam_plugin_host: PluginHost,
                                         kam_plugin_names: set[str],
                                         kam_registry: Registry) -> None:
        infos = {i.name: i for i in kam_plugin_host.listing()}
        for name in kam_plugin_names:
            matching = [i for i in infos.values() if name in (i.name, i.distribution)]
            assert matching, f"plugin {name!r} is not installed (no 'kamcore' entry point)"
            for info in matching:
                assert info.status == "loaded", f"{info.name}: {info.errors}"
                assert info.errors == [], f"{info.name} reported: {info.errors}"
                assert info.hooks, f"{info.name} implements no kamcore hook"


def _build_example_plan(workspace: Workspace, methodology: Methodology) -> Plan:
    workspace.save(sample_account(), base_revision=0)
    workspace.save(sample_stakeholder(), base_revision=0)
    workspace.save(sample_opportunity(), base_revision=0)
    plan = new_plan(workspace, methodology, "acme")
    for key, data in methodology.document.get("example", {}).get("sections", {}).items():
        plan = set_section(workspace, methodology, plan, key, data)
    return plan


class MethodologyContract(PluginContract):
    """A methodology loads, its schemas are valid, keys are unique, and its example plan meets
    every gate so a plan can really walk through all of its steps."""

    @pytest.fixture
    def methodology(self, kam_registry: Registry, methodology_name: str) -> Methodology:
        return kam_registry.methodology(methodology_name)

    def test_methodology_is_provided_by_the_plugin(self, kam_registry: Registry,
                                                   methodology_name: str,
                                                   kam_plugin_names: set[str]) -> None:
        provider = kam_registry.provider("methodology", methodology_name)
        assert provider in kam_plugin_names or provider in {
            i.name for i in kam_registry.host.listing() if i.distribution in kam_plugin_names}

    def test_schemas_are_valid_draft_2020_12(self, methodology: Methodology) -> None:
        for section in methodology.sections:
            assert schema_problems(section.schema.schema) == [], section.key
        for step in methodology.steps:
            if step.gate is not None:
                assert schema_problems(step.gate.schema.schema) == [], step.key

    def test_step_and_section_keys_are_unique(self, methodology: Methodology) -> None:
        steps = [s.key for s in methodology.steps]
        sections = [s.key for s in methodology.sections]
        assert len(steps) == len(set(steps))
        assert len(sections) == len(set(sections))
        assert all(key in sections for step in methodology.steps for key in step.sections)

    def test_has_an_example_when_it_has_gates(self, methodology: Methodology) -> None:
        if any(step.gate for step in methodology.steps):
            assert "example" in methodology.document, (
                "add an `example:` block whose sections meet every gate")

    def test_every_gate_can_be_satisfied(self, methodology: Methodology) -> None:
        sections = methodology.document.get("example", {}).get("sections", {})
        for step in methodology.steps:
            if step.gate is not None:
                assert step.gate.schema.errors(sections) == [], (
                    f"the example does not meet the gate of {step.key}")

    def test_example_plan_walks_through_every_step(self, kam_workspace: Workspace,
                                                   methodology: Methodology) -> None:
        plan = _build_example_plan(kam_workspace, methodology)
        while plan.step != methodology.steps[-1].key:
            plan = advance(kam_workspace, methodology, plan)
        assert plan.step == methodology.steps[-1].key

    def test_checks_run_cleanly_on_the_example(self, kam_workspace: Workspace,
                                               kam_registry: Registry,
                                               methodology: Methodology) -> None:
        plan = _build_example_plan(kam_workspace, methodology)
        findings = check_plan(plan, methodology, kam_workspace.snapshot("acme"),
                              kam_registry.host)
        assert all(isinstance(f, Finding) for f in findings)
        assert [f for f in findings if f.code in {"plugin-failed", "section-invalid"}] == []

    def test_bad_section_data_is_refused_with_its_path(self, kam_workspace: Workspace,
                                                       methodology: Methodology) -> None:
        plan = _build_example_plan(kam_workspace, methodology)
        candidates: tuple[object, ...] = (12345, "free text", [], {}, [{"unexpected": True}])
        refused_any = False
        for section in methodology.sections:
            bad = next((c for c in candidates if section.schema.errors(c)), None)
            if bad is None:
                continue
            refused_any = True
            with pytest.raises(InvalidInputError) as refused:
                set_section(kam_workspace, methodology, plan, section.key, bad)
            assert all(p.path[:2] == ("sections", section.key) for p in refused.value.problems)
        assert refused_any, "no section schema refuses anything: every section accepts any data"
        assert kam_workspace.get(Plan, plan.id).revision == plan.revision


class RubricContract(PluginContract):
    """A rubric loads, its signals exist, and it scores a sample account onto its scale."""

    @pytest.fixture
    def rubric(self, kam_registry: Registry, rubric_name: str) -> Rubric:
        return kam_registry.rubric(rubric_name)

    def test_weights_sum_to_one(self, rubric: Rubric) -> None:
        assert abs(sum(c.weight for c in rubric.criteria) - 1) < 1e-6

    def test_every_signal_is_installed(self, rubric: Rubric, kam_registry: Registry) -> None:
        for criterion in rubric.criteria:
            if criterion.signal:
                assert criterion.signal in kam_registry.signals, criterion.key

    def test_scores_a_sample_account(self, rubric: Rubric, kam_registry: Registry,
                                     kam_workspace: Workspace) -> None:
        from ..rubric import score_account

        kam_workspace.save(sample_account(), base_revision=0)
        kam_workspace.save(sample_stakeholder(), base_revision=0)
        inputs = {c.key: c.scale.max for c in rubric.criteria if not c.computed}
        card = score_account(rubric, kam_workspace.snapshot("acme"), inputs,
                             kam_registry.signals)
        low, high = rubric.total_range()
        assert low - 1e-9 <= card.total <= high + 1e-9
        assert card.rubric.version == rubric.version
        assert set(card.values) == {c.key for c in rubric.criteria}


class ExporterContract(PluginContract):
    """An exporter renders a sample plan; markup exporters leave hostile text inert.

    Set ``renders_markup = False`` for data formats (JSON, YAML, CSV) where text is quoted
    data, and for plain-text formats (``.txt``), where text is written as it is: there is no
    markup for it to inject into, so the hostile-text test is skipped. A CSV or spreadsheet
    exporter still neutralises formulas (:func:`kamcore.exporting.neutralise_formula`): test
    that yourself, as the template's generated tests do.
    """

    renders_markup = True

    @pytest.fixture
    def rendered(self, kam_workspace: Workspace, kam_registry: Registry,
                 exporter_name: str) -> str | bytes:
        """A plan with a hostile stakeholder name and action title, rendered."""
        kam_workspace.save(sample_account(), base_revision=0)
        kam_workspace.save(sample_stakeholder(name=HOSTILE_NAME), base_revision=0)
        plan = kam_workspace.save(Plan(
            id="acme-plan", account_id="acme",
            methodology=MethodologyRef(name="not-installed", version="1"), step="start",
            sections={"actions": [{"title": HOSTILE_ACTION_TITLE, "owner": HOSTILE_NAME}]},
        ), base_revision=0)
        exporter = kam_registry.exporter(exporter_name)
        return exporter.render(export_context(kam_workspace, kam_registry, plan))

    def test_renders_something(self, rendered: str | bytes) -> None:
        assert len(rendered) > 0

    def test_hostile_text_is_inert(self, rendered: str | bytes) -> None:
        if not self.renders_markup or isinstance(rendered, bytes):
            pytest.skip("not a markup format (renders_markup = False): text stays as written")
        assert HOSTILE_NAME not in rendered
        assert "<script" not in rendered.lower()

    def test_renders_each_installed_methodology_example(self, kam_workspace: Workspace,
                                                        kam_registry: Registry,
                                                        exporter_name: str) -> None:
        kam_workspace.save(sample_account(), base_revision=0)
        exporter = kam_registry.exporter(exporter_name)
        for methodology in kam_registry.methodologies.values():
            plan = new_plan(kam_workspace, methodology, "acme")
            for key, data in methodology.document.get("example", {}).get("sections",
                                                                         {}).items():
                plan = set_section(kam_workspace, methodology, plan, key, data)
            assert exporter.render(export_context(kam_workspace, kam_registry, plan))

    def test_portfolio_index_links_each_plan(self, kam_workspace: Workspace,
                                             kam_registry: Registry, exporter_name: str) -> None:
        """An exporter with an ``index`` renders it over plans it summarised: every plan's file
        is named in it, and (for markup) a hostile account name stays inert."""
        exporter = kam_registry.exporter(exporter_name)
        if exporter.index is None:
            pytest.skip("no portfolio index")
        entries = []
        for number, name in enumerate(("Plain Account", HOSTILE_NAME)):
            account = kam_workspace.save(sample_account(id=f"acct-{number}", name=name,
                                                        external_ids={}), base_revision=0)
            plan = kam_workspace.save(Plan(
                id=f"plan-{number}", account_id=account.id, step="start",
                methodology=MethodologyRef(name="not-installed", version="1"),
            ), base_revision=0)
            context = export_context(kam_workspace, kam_registry, plan)
            entries.append((exporter.index.summarise(context), f"plan-{number}{exporter.suffix}"))
        page = exporter.index.render(entries)
        assert exporter.index.name and page
        if isinstance(page, bytes):
            return
        for _, file_name in entries:
            assert file_name in page
        if self.renders_markup:
            assert HOSTILE_NAME not in page
            assert "<script" not in page.lower()


class AdapterContract(PluginContract):
    """An adapter imports its own sample data, keeps external ids, and a re-import changes
    nothing. Needs ``adapter_name`` and ``adapter_sample_path`` fixtures."""

    def test_imports_its_sample(self, kam_workspace: Workspace, kam_registry: Registry,
                                adapter_name: str, adapter_sample_path: Path) -> None:
        adapter = kam_registry.adapter(adapter_name)
        summary = import_records(kam_workspace, adapter.read(adapter_sample_path))
        assert summary.total("created") > 0

    def test_reimport_changes_nothing(self, kam_workspace: Workspace, kam_registry: Registry,
                                      adapter_name: str, adapter_sample_path: Path) -> None:
        adapter = kam_registry.adapter(adapter_name)
        import_records(kam_workspace, adapter.read(adapter_sample_path))
        again = import_records(kam_workspace, adapter.read(adapter_sample_path))
        assert again.total("created") == 0
        assert again.total("updated") == 0
        assert again.total("unchanged") > 0

    def test_dry_run_writes_nothing(self, kam_workspace: Workspace, kam_registry: Registry,
                                    adapter_name: str, adapter_sample_path: Path) -> None:
        adapter = kam_registry.adapter(adapter_name)
        summary = import_records(kam_workspace, adapter.read(adapter_sample_path), dry_run=True)
        assert summary.total("created") > 0
        assert kam_workspace.count(Stakeholder) == 0

"""The house's layers, read from the source: no import circle, the CLI a thin front door, the
store knowing the records only. See docs/architecture.md.

Imports are read with :mod:`ast` from every module under ``src/`` and each plugin's ``src/``:
those at module level (``if TYPE_CHECKING:`` blocks included, since a type-only circle is still
a circle for a reader) make the graph searched for circles; the rules about who may import what
count imports inside functions too.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE_ROOTS = [ROOT / "src", *sorted(ROOT.glob("plugins/*/src"))]


@attrs.frozen
class Import:
    """One import in a module: the module it names, and whether it runs at import time."""

    target: str
    module_level: bool
    line: int


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path, root): path
            for root in SOURCE_ROOTS for path in sorted(root.rglob("*.py"))}


MODULES = _modules()


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute name of ``from <level dots><name> import ...`` written in ``module``."""
    if level == 0:
        return name or ""
    base = module.split(".")
    if not is_package:
        base.pop()
    base = base[:len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def _imports(module: str) -> Iterator[Import]:
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    function_nodes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)

    def visit(node: ast.AST, module_level: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(alias.name, module_level, child.lineno)
            elif isinstance(child, ast.ImportFrom):
                target = _resolve(module, is_package, child.level, child.module)
                for alias in child.names:  # ``from package import submodule`` names the
                    submodule = f"{target}.{alias.name}"  # submodule, not the package
                    found = submodule if submodule in MODULES else target
                    yield Import(found, module_level, child.lineno)
            yield from visit(child, module_level and not isinstance(child, function_nodes))

    yield from visit(tree, True)


def _known(target: str) -> str | None:
    """The module of ours that an import names (a name inside a module counts as it)."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module in MODULES:
        graph[module] = {target for found in _imports(module)
                         if found.module_level and (target := _known(found.target)) is not None
                         and target != module}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                connect(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def _violations(prefix: str, forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()
                ) -> list[str]:
    """Imports (anywhere in the module) of the modules under ``prefix`` that name a forbidden
    module, as ``module:line -> target``."""
    found = []
    for module in MODULES:
        if module != prefix and not module.startswith(prefix + "."):
            continue
        for imported in _imports(module):
            target = imported.target
            if target in allowed:
                continue
            if any(target == name or target.startswith(name + ".") for name in forbidden):
                found.append(f"{module}:{imported.line} -> {target}")
    return found


def test_the_analysis_sees_the_house() -> None:
    graph = _graph()
    assert {"kamcore.cli", "kamcore.store.workspace", "kamcore.plugin.host",
            "kamcore_sama7"} <= set(graph)
    assert "kamcore.plugin.spec" in graph["kamcore.plugin.host"]
    assert "kamcore.model" in graph["kamcore.store.workspace"]
    # and a circle is found when there is one
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circle_in_src_and_plugins() -> None:
    assert _cycles(_graph()) == []


def test_the_cli_imports_neither_builtin_plugins_nor_store_internals() -> None:
    assert _violations("kamcore.cli", ("kamcore.builtin", "kamcore.store."),
                       allowed=("kamcore.store",)) == []


def test_the_store_knows_the_records_and_nothing_of_plugins_or_operations() -> None:
    forbidden = ("kamcore.plugin", "kamcore.plugins", "kamcore.hookspecs", "kamcore.registry",
                 "kamcore.operations", "kamcore.cli", "kamcore.builtin", "kamcore.events")
    assert _violations("kamcore.store", forbidden) == []


def test_the_checks_catch_a_violation(tmp_path: Path) -> None:
    """The rule checker is not vacuous: an import of a built-in from the CLI is caught."""
    MODULES["kamcore.cli.bad_cmd"] = bad = tmp_path / "bad_cmd.py"
    bad.write_text("def run():\n    from ..builtin.html import render_html\n", encoding="utf-8")
    try:
        assert "kamcore.cli.bad_cmd:2 -> kamcore.builtin.html" in _violations(
            "kamcore.cli", ("kamcore.builtin",))
    finally:
        del MODULES["kamcore.cli.bad_cmd"]


@pytest.mark.parametrize(("old", "new", "name"), [
    ("kamcore.hookspecs", "kamcore.plugin.spec", "kam_check_plan"),
    ("kamcore.plugins", "kamcore.plugin.host", "make_plugin_host"),
    ("kamcore.registry", "kamcore.plugin.registry", "Registry"),
    ("kamcore.markers", "kamcore.plugin.markers", "hookimpl"),
    ("kamcore.contributions", "kamcore.plugin.contributions", "Exporter"),
])
def test_old_plugin_import_paths_still_work_with_a_deprecation_warning(
        old: str, new: str, name: str) -> None:
    import importlib

    module = importlib.import_module(old)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = getattr(module, name)
    assert value is getattr(importlib.import_module(new), name)
    assert [str(w.message) for w in caught if w.category is DeprecationWarning] == [
        f"{old} is deprecated since kamcore 0.2 and goes in 1.0: import {name} from {new}"]

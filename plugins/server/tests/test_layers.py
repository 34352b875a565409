"""The server is a front door: it reaches the workspace only through ``kamcore.operations``
(and ``Workspace`` reads), never through the store's tables or its access store."""

from __future__ import annotations

import ast
from importlib.resources import files

SOURCE = files("kamcore_server")


def _modules() -> list[tuple[str, ast.Module]]:
    found = []
    stack = [SOURCE]
    while stack:
        folder = stack.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                stack.append(entry)
            elif entry.name.endswith(".py"):
                found.append((entry.name, ast.parse(entry.read_text(encoding="utf-8"))))
    return found


def test_the_server_imports_only_the_workspace_from_the_store() -> None:
    modules = _modules()
    assert len(modules) > 10  # the package is really being read
    for name, tree in modules:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kamcore.store"):
                assert node.module == "kamcore.store", (name, node.module)
                # the workspace, and the value its change reads return (for the event streams)
                assert {alias.name for alias in node.names} <= {"Workspace", "Change"}, name
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("kamcore.store") for a in node.names), name


def test_the_server_never_touches_the_access_store_directly() -> None:
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "access" \
                    and not (isinstance(node.value, ast.Name) and node.value.id == "operations"):
                raise AssertionError(f"{name}: .access on {ast.unparse(node.value)}")

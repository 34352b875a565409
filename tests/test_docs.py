"""The documentation site: it builds strictly, its generated parts match the code, and the
hook contract is documented and tested.

* ``mkdocs build --strict`` succeeds (broken links and anchors are errors).
* Every hookspec has a docstring that states its contract (each argument, the return value,
  "Added in X.Y"), and the built hook reference renders it from that docstring. Blanking a
  docstring fails the generator, hence the build and these tests.
* Every hookspec is named by a test file of its own (under ``tests/`` or ``plugins/*/tests/``).
* The examples of the tutorial and the embedding guide run against the installed code.
"""

from __future__ import annotations

import html
import importlib.util
import inspect
import os
import re
import subprocess
import sys
import types
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
HOOKREF_PATH = DOCS / "_hooks" / "hookref.py"


def _load_hookref() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("kamcore_docs_hookref", HOOKREF_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hookref = _load_hookref()
HOOKSPECS: dict[str, Callable[..., Any]] = dict(hookref.hookspecs())


def _sama7_installed() -> bool:
    return any(ep.name == "sama7" for ep in entry_points(group="kamcore"))


needs_sama7 = pytest.mark.skipif(not _sama7_installed(),
                                 reason="the sama7 plugin is not installed")


def _page_text(page: Path) -> str:
    """The visible text of a built page, whitespace collapsed."""
    text = re.sub(r"</?(?:code|a|em|strong)\b[^>]*>", "", page.read_text(encoding="utf-8"))
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())


def _plain(markup: str) -> str:
    """Docstring text as the hook reference shows it, without the Markdown markup."""
    text = hookref._inline(markup, set(HOOKSPECS), hookref.LINKS)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text).replace("`", "")
    return " ".join(text.split())


def _code_blocks(page: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", page.read_text(encoding="utf-8"), re.S)


# -- the build --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built with ``mkdocs build --strict`` into a temporary folder."""
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    return out


def test_site_builds_strictly_with_every_page(site: Path) -> None:
    for page in ("index", "quickstart", "concepts", "hooks", "tutorial-house-methodology",
                 "reference/methodology-yaml", "reference/rubric-yaml", "reference/cli",
                 "embedding", "writing-plugins", "deprecation"):
        path = site / ("index.html" if page == "index" else f"{page}/index.html")
        assert path.is_file(), page
    assert not (site / "_hooks").exists(), "the hook module must not be published"


def test_no_marker_is_left_unreplaced(site: Path) -> None:
    for page in site.rglob("*.html"):
        assert "<!-- hookspecs -->" not in page.read_text(encoding="utf-8"), page
        assert "<!-- kam-cli -->" not in page.read_text(encoding="utf-8"), page


# -- the hook reference -----------------------------------------------------------------------


def test_there_are_hookspecs() -> None:
    assert len(HOOKSPECS) >= 8
    assert all(name.startswith("kam_") for name in HOOKSPECS)


@pytest.mark.parametrize("name", sorted(HOOKSPECS))
def test_hookspec_docstring_states_its_contract(name: str) -> None:
    fn = HOOKSPECS[name]
    doc = inspect.cleandoc(fn.__doc__ or "")
    assert doc, f"{name} has no docstring: the docstring is the hook's contract"
    assert re.search(r"Added in \d+\.\d+", doc), f"{name}: say when it was added (Added in X.Y)"
    assert ":param" in doc or ":return" in doc, f"{name}: no :param:/:return: contract"
    for param in inspect.signature(fn).parameters:
        assert re.search(rf"^:param {param}:", doc, re.M), f"{name}: :param {param}: missing"
    assert hookref.contract_problems(name, fn) == []


@pytest.mark.parametrize("name", sorted(HOOKSPECS))
def test_hook_reference_is_generated_from_the_docstring(site: Path, name: str) -> None:
    page = (site / "hooks" / "index.html").read_text(encoding="utf-8")
    assert f'id="{name}"' in page, f"{name} has no section in the hook reference"
    text = _page_text(site / "hooks" / "index.html")
    parsed = hookref.parse_docstring(HOOKSPECS[name].__doc__)
    assert _plain(parsed["summary"]) in text
    for param, description in parsed["params"].items():
        assert _plain(description) in text, f"{name}: :param {param}: not rendered"
    if parsed["returns"]:
        assert _plain(parsed["returns"]) in text, f"{name}: :return: not rendered"
    assert f"def {name}(" in text, f"{name}: signature not rendered"


def test_a_hookspec_without_docstring_fails_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blanking one docstring must stop the generator (and so the strict docs build)."""
    name, fn = next(iter(HOOKSPECS.items()))
    assert hookref.render_hook_reference()
    monkeypatch.setattr(fn, "__doc__", None)
    assert hookref.contract_problems(name, fn) == [f"{name}: the hookspec has no docstring"]
    with pytest.raises(hookref.HookDocError, match=name):
        hookref.render_hook_reference()


def test_an_undocumented_argument_fails_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    name, fn = next((n, f) for n, f in HOOKSPECS.items() if inspect.signature(f).parameters)
    param = next(iter(inspect.signature(fn).parameters))
    doc = "\n".join(line for line in inspect.cleandoc(fn.__doc__ or "").splitlines()
                    if not line.startswith(f":param {param}:"))
    monkeypatch.setattr(fn, "__doc__", doc)
    assert any(repr(param) in problem for problem in hookref.contract_problems(name, fn))
    with pytest.raises(hookref.HookDocError):
        hookref.render_hook_reference()


def test_deprecations_are_rendered_from_the_hookspec(monkeypatch: pytest.MonkeyPatch) -> None:
    fn = next(f for f in HOOKSPECS.values() if inspect.signature(f).parameters)
    param = next(iter(inspect.signature(fn).parameters))
    spec = dict(fn.kamcore_spec)  # type: ignore[attr-defined]
    spec["warn_on_impl_args"] = {param: DeprecationWarning(f"{param} goes away, use x")}
    monkeypatch.setattr(fn, "kamcore_spec", spec)
    rendered = hookref.render_hook_reference()
    assert f'Deprecated argument `{param}`' in rendered
    assert f"{param} goes away, use x" in rendered


# -- every hook has a test --------------------------------------------------------------------


def _test_files() -> list[Path]:
    files = [*(ROOT / "tests").rglob("test_*.py"), *ROOT.glob("plugins/*/tests/**/test_*.py")]
    return sorted(path for path in files if path.resolve() != Path(__file__).resolve())


@pytest.mark.parametrize("name", sorted(HOOKSPECS))
def test_every_hook_has_a_test_of_its_own(name: str) -> None:
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    testing = [path.relative_to(ROOT) for path in _test_files()
               if pattern.search(path.read_text(encoding="utf-8"))]
    assert testing, (f"no test file under tests/ or plugins/*/tests/ mentions {name}: "
                     "write a test that exercises this hook")


# -- the generated CLI reference --------------------------------------------------------------


def test_cli_reference_lists_every_command_and_option(site: Path) -> None:
    page = (site / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    for path, command, ctx in hookref._commands():
        assert f'id="{"-".join(path)}"' in page, " ".join(path)
        for param in command.get_params(ctx):
            for opt in getattr(param, "opts", []):
                if opt.startswith("-") and opt not in ("-h", "--help"):
                    assert f"<code>{opt}</code>" in page, f"{' '.join(path)} {opt}"


# -- examples that must run -------------------------------------------------------------------


@needs_sama7
def test_tutorial_methodology_loads_and_walks(tmp_path: Path) -> None:
    from kamcore.documents import parse_document
    from kamcore.methodology import load_methodologies
    from kamcore.model import Account
    from kamcore.planning import advance, new_plan, set_section
    from kamcore.plugins import make_plugin_host
    from kamcore.registry import Registry
    from kamcore.store import Workspace

    page = DOCS / "tutorial-house-methodology.md"
    text = next(block for block in _code_blocks(page, "yaml") if "extends: sama7" in block)
    host = make_plugin_host(allowlist=frozenset({"sama7"}), strict=True)
    registry = Registry(host)
    loaded, errors = load_methodologies([parse_document(text, "tutorial.yaml")],
                                        registry.methodologies)
    assert errors == {}, "\n".join(str(e) for e in errors.values())
    house = loaded["acme-sama7"]
    assert house.derives_from("sama7")
    assert [s.key for s in house.steps][-2:] == ["executive_sponsor_review",
                                                 "governance_and_review_cadence"]
    with Workspace.open(tmp_path / "kam.db", create=True, plugins=host) as ws:
        ws.save(Account(id="acme", name="Acme Industrial"))
        plan = new_plan(ws, house, "acme")
        for key, data in house.document["example"]["sections"].items():
            plan = set_section(ws, house, plan, key, data)
        plan = advance(ws, house, plan, to=house.document["example"]["step"])
        assert plan.step == "governance_and_review_cadence"


@needs_sama7
def test_reference_derivation_example_loads() -> None:
    from kamcore.documents import parse_document
    from kamcore.methodology import load_methodologies
    from kamcore.plugins import make_plugin_host
    from kamcore.registry import Registry

    registry = Registry(make_plugin_host(allowlist=frozenset({"sama7"}), strict=True))
    page = DOCS / "reference" / "methodology-yaml.md"
    derived = [block for block in _code_blocks(page, "yaml") if "extends:" in block]
    assert derived
    for block in derived:
        _, errors = load_methodologies([parse_document(block, "reference.yaml")],
                                       {"sama7": registry.methodology("sama7")})
        assert errors == {}, "\n".join(str(e) for e in errors.values())


def test_rubric_reference_example_loads() -> None:
    from kamcore.documents import parse_document
    from kamcore.rubric import build_rubric

    block = _code_blocks(DOCS / "reference" / "rubric-yaml.md", "yaml")[0]
    rubric = build_rubric(parse_document(block, "rubric.yaml"))
    assert rubric.name == "acme-fit"


@needs_sama7
def test_embedding_examples_run(tmp_path: Path) -> None:
    script = "\n\n".join(_code_blocks(DOCS / "embedding.md", "python"))
    env = {key: value for key, value in os.environ.items() if not key.startswith("KAM")}
    env["KAMCORE_LOAD_PLUGINS"] = "sama7"
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}"


@needs_sama7
def test_writing_plugins_examples_register_cleanly() -> None:
    from kamcore.plugins import make_plugin_host
    from kamcore.registry import Registry

    modules = {}
    for index, block in enumerate(_code_blocks(DOCS / "writing-plugins.md", "python")):
        if "class Test" in block or "files(" in block:
            continue  # a test class, and sama7's own kam_methodologies
        module = types.ModuleType(f"docs_example_{index}")
        exec(compile(block, f"writing-plugins.md[{index}]", "exec"), module.__dict__)
        modules[module.__name__] = module
    host = make_plugin_host(allowlist=frozenset({"sama7"}), strict=True, extra=modules)
    registry = Registry(host)
    for info in host.listing():
        if info.name in modules:
            assert info.status == "loaded" and info.errors == [], info
    assert {"actions-csv"} <= set(registry.exporters)
    assert {"mycrm-accounts"} <= set(registry.adapters)
    assert {"open_pipeline"} <= set(registry.signals)

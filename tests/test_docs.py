"""The documentation site: it builds strictly, its generated parts match the code, and the
hook contract is documented and tested.

* ``mkdocs build --strict`` succeeds (broken links and anchors are errors).
* Every hookspec has a docstring that states its contract (each argument, the return value,
  "Added in X.Y"), and the built hook reference renders it from that docstring, with whether
  the hook is ``firstresult`` and how kamcore calls hooks. A small hookspec module written to a
  temporary folder shows that a docstring missing any part of its contract fails the
  generator, hence the build.
* Every hookspec is named by a test file of its own (under ``tests/`` or ``plugins/*/tests/``).
* The examples of the tutorial and the embedding guide run against the installed code.
* Every ``kam`` command line in the pages names a real command and only its real options; the
  plugin contributions they name (exporters, adapters, rubrics, methodologies) exist.
* The console examples of the scoring and CRM-import guides print what the pages show, on the
  demo workspace and the Salesforce plugin's sample exports.
* The codes, change kinds and option keys the code documents in its docstrings all appear in
  the pages that explain them, and the home page lists every built-in plugin and contribution.
"""

from __future__ import annotations

import html
import importlib
import importlib.util
import inspect
import os
import re
import shlex
import shutil
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pluggy
import pytest
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
HOOKREF_PATH = DOCS / "_hooks" / "hookref.py"


def _load_hookref() -> types.ModuleType:
    """The MkDocs hook module, imported as MkDocs does (registered in ``sys.modules``)."""
    spec = importlib.util.spec_from_file_location("kamcore_docs_hookref", HOOKREF_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


hookref = _load_hookref()
#: The hookspecs of ``hookref.SPEC_MODULE`` as the hook reference reads them, by name.
HOOKS: dict[str, Any] = {hook.name: hook for hook in
                         hookref.load_spec_module(hookref.SPEC_MODULE).hooks}

#: The guides to the features that came after the first site: each a page of its own.
GUIDES = ("stakeholder-map", "scoring", "reviews", "crm-import", "exporters")
#: Every Markdown page of the site (the hook module is not a page).
PAGES = sorted([*DOCS.glob("*.md"), *DOCS.glob("reference/*.md")])
#: The entry-point names of the plugins in ``plugins/``.
REPO_PLUGINS = frozenset({"simple_plan", "sama7", "medpicc", "salesforce", "hubspot", "office"})


def _sama7_installed() -> bool:
    return any(ep.name == "sama7" for ep in entry_points(group="kamcore"))


needs_sama7 = pytest.mark.skipif(not _sama7_installed(),
                                 reason="the sama7 plugin is not installed")


def _repo_plugins_installed() -> bool:
    return {ep.name for ep in entry_points(group="kamcore")} >= REPO_PLUGINS


needs_repo_plugins = pytest.mark.skipif(
    not _repo_plugins_installed(),
    reason=f"not every plugin of plugins/ is installed ({', '.join(sorted(REPO_PLUGINS))})")


def _page_text(page: Path) -> str:
    """The visible text of a built page, whitespace collapsed."""
    return _visible(page.read_text(encoding="utf-8"))


def _visible(markup: str) -> str:
    """The visible text of HTML, whitespace collapsed."""
    text = re.sub(r"</?(?:code|a|em|strong)\b[^>]*>", "", markup)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())


def _plain(markup: str) -> str:
    """Docstring text as the hook reference shows it, without the Markdown markup."""
    text = hookref._inline(markup, set(HOOKS), hookref.LINKS)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text).replace("`", "")
    return " ".join(text.split())


def _written(page: Path) -> str:
    """The page as its author wrote it: without the parts generated from the code (those are
    checked against the code by test_the_generated_parts_of_the_pages_are_current)."""
    return hookref.without_generated(page.read_text(encoding="utf-8"))


def _code_blocks(page: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", _written(page), re.S)


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
                 "embedding", "writing-plugins", "deprecation", *GUIDES):
        path = site / ("index.html" if page == "index" else f"{page}/index.html")
        assert path.is_file(), page
    assert not (site / "_hooks").exists(), "the hook module must not be published"


def test_no_marker_is_left_unreplaced(site: Path) -> None:
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for marker in ("hookspecs", "kam-cli", "shapes", "schema:methodology"):
            assert f"<!-- {marker} -->" not in text and f"<!-- /{marker} -->" not in text, page


# -- the generated parts, checked in --------------------------------------------------------


def test_the_generated_parts_of_the_pages_are_current() -> None:
    """The references read in the repository match the code (``make docs-update`` rewrites
    them), with every installed plugin loaded, as the site is built."""
    env = {k: v for k, v in os.environ.items() if k != "KAMCORE_LOAD_PLUGINS"}
    proc = subprocess.run([sys.executable, str(HOOKREF_PATH), "--check"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in hookref.GENERATED_PAGES:
        text = (DOCS / name).read_text(encoding="utf-8")
        assert re.search(r"<!-- (\S+) -->\n.+<!-- /\1 -->", text, re.S), name
    hooks = (DOCS / "hooks.md").read_text(encoding="utf-8")
    for name in HOOKS:  # every hook's section, kam_commands included, is in the page itself
        assert f"### {name} {{#{name}}}" in hooks, name


def test_a_stale_page_is_found_and_rewritten(tmp_path: Path) -> None:
    """(The hook reference only: in this process, the CLI reference would list the commands
    of whichever plugins an earlier test left the process-wide host with.)"""
    page = tmp_path / "hooks.md"
    current = (DOCS / "hooks.md").read_text(encoding="utf-8")
    page.write_text(current.replace("### kam_check_plan {#kam_check_plan}", "### old"),
                    encoding="utf-8")
    only = ("hooks.md",)
    assert hookref.stale_pages(tmp_path, write=False, pages=only) == ["hooks.md"]
    assert hookref.stale_pages(tmp_path, write=True, pages=only) == ["hooks.md"]
    assert page.read_text(encoding="utf-8") == current
    assert hookref.stale_pages(tmp_path, write=False, pages=only) == []


# -- the hook reference -----------------------------------------------------------------------


def test_there_are_hookspecs() -> None:
    assert len(HOOKS) >= 8
    assert all(name.startswith("kam_") for name in HOOKS)


def test_the_reference_reads_the_hooks_and_options_pluggy_sees() -> None:
    """The hooks and ``firstresult`` flags, checked against pluggy's own reading of the module."""
    manager = pluggy.PluginManager(hookref.PROJECT_NAME)
    manager.add_hookspecs(importlib.import_module(hookref.SPEC_MODULE))
    specs = {name: caller.spec for name, caller in vars(manager.hook).items()
             if isinstance(caller, pluggy.HookCaller) and caller.spec is not None}
    assert set(specs) == set(HOOKS)
    for name, spec in specs.items():
        assert HOOKS[name].firstresult is bool(spec.opts["firstresult"]), name


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_hookspec_docstring_states_its_contract(name: str) -> None:
    function = getattr(importlib.import_module(hookref.SPEC_MODULE), name)
    doc = inspect.cleandoc(function.__doc__ or "")
    assert doc, f"{name} has no docstring: the docstring is the hook's contract"
    assert re.search(r"Added in \d+\.\d+", doc), f"{name}: say when it was added (Added in X.Y)"
    assert ":param" in doc or ":return" in doc, f"{name}: no :param:/:return: contract"
    for param in inspect.signature(function).parameters:
        assert re.search(rf"^:param {param}:", doc, re.M), f"{name}: :param {param}: missing"
    assert hookref.contract_problems(HOOKS[name]) == []


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_hook_reference_is_generated_from_the_docstring(site: Path, name: str) -> None:
    page = (site / "hooks" / "index.html").read_text(encoding="utf-8")
    assert f'id="{name}"' in page, f"{name} has no section in the hook reference"
    text = _page_text(site / "hooks" / "index.html")
    hook = HOOKS[name]
    assert _plain(hook.summary) in text
    for param, description in hook.param_docs.items():
        assert _plain(description) in text, f"{name}: :param {param}: not rendered"
    if hook.return_doc:
        assert _plain(hook.return_doc) in text, f"{name}: :return: not rendered"
    for paragraph in hook.prose:
        assert _plain(paragraph) in text, f"{name}: a paragraph is not rendered"
    assert f"def {name}(" in text, f"{name}: signature not rendered"
    kind = "yes" if hook.firstresult else "no"
    section = _page_text_between(page, f'id="{name}"', "<h")
    assert f"Added in: {hook.added}" in section, f"{name}: version not rendered"
    assert f"firstresult: {kind};" in section, f"{name}: firstresult not rendered"


def test_the_reference_says_how_kamcore_calls_hooks(site: Path) -> None:
    page = (site / "hooks" / "index.html").read_text(encoding="utf-8")
    assert 'id="calling"' in page
    calling = _page_text_between(page, 'id="calling"', "<h2")
    for words in ("on its own", "in pluggy's order", "tryfirst=True", "trylast=True",
                  "registered last first", "reported", "skipped", "hookwrapper=True",
                  "wrapper=True", "refused when it registers", "firstresult=True",
                  "first implementation that returns something other than None"):
        assert words in calling, f"the reference does not say {words!r}"
    assert "historic" not in _page_text(site / "hooks" / "index.html")


def _page_text_between(html_text: str, start: str, end: str) -> str:
    """The visible text of ``html_text`` from ``start`` to the next ``end`` after it."""
    tail = html_text[html_text.index(start):]
    cut = tail.find(end, len(start))
    return _visible(tail if cut < 0 else tail[:cut])


# -- the hook reference of a small spec module ------------------------------------------------

#: A hookspec module of two groups: a complete firstresult hook, and one with a deprecated
#: argument and a paragraph after its fields.
_SPEC_SOURCE = '''\
"""Hooks of the tests.

Its second paragraph introduces the reference.
"""

import pluggy

hookspec = pluggy.HookspecMarker("PROJECT")

# -- picking --------------------------------------------------------------------------------


@hookspec(firstresult=True)
def kam_pick(plan: str, limit: int) -> str | None:
    """Pick one thing.

    :param plan: the plan to pick from.
    :param limit: how many to look at,
        at most.
    :return: the thing picked, or None.

    Added in 1.2.
    """


# -- reacting -------------------------------------------------------------------------------


@hookspec(warn_on_impl_args={"note": DeprecationWarning("note goes away, use plan")})
def kam_react(plan: str, note: str) -> None:
    """React to a plan.

    :param plan: the plan.
    :param note: a note.

    Called after saving. Added in 1.3.
    """
'''.replace("PROJECT", hookref.PROJECT_NAME)


@pytest.fixture
def spec_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], str]]:
    """Writes a hookspec module into ``tmp_path`` (importable) and returns its name."""
    name = "kam_test_hookspecs"
    monkeypatch.syspath_prepend(str(tmp_path))

    def write(source: str) -> str:
        (tmp_path / f"{name}.py").write_text(source, encoding="utf-8")
        return name

    yield write
    sys.modules.pop(name, None)


def test_a_spec_module_is_rendered_from_its_source(spec_module: Callable[[str], str]) -> None:
    name = spec_module(_SPEC_SOURCE)
    spec = hookref.load_spec_module(name)
    pick, react = spec.hooks
    assert (pick.name, pick.group, pick.firstresult) == ("kam_pick", "Picking", True)
    assert pick.parameters == (("plan", "str"), ("limit", "int"))
    assert pick.returns == "str | None"
    assert pick.param_docs == {"plan": "the plan to pick from.",
                               "limit": "how many to look at, at most."}
    assert (pick.return_doc, pick.added) == ("the thing picked, or None.", "1.2")
    assert (react.group, react.firstresult, react.returns) == ("Reacting", False, "None")
    # the paragraph after the fields is prose, not part of the last field
    assert react.param_docs["note"] == "a note."
    assert react.prose == ("Called after saving. Added in 1.3.",)
    rendered = hookref.render_hook_reference(name)
    assert f"declared in `{name}`" in rendered
    assert "Its second paragraph introduces the reference." in rendered
    assert rendered.index("## Picking hooks") < rendered.index("## Reacting hooks")
    assert "@hookspec(firstresult=True)\ndef kam_pick(plan: str, limit: int) -> str | None:" \
        in rendered
    assert "- **firstresult**: yes; the calls stop at the first implementation" in rendered
    assert "- **firstresult**: no; every implementation is called" in rendered
    assert "- **Added in**: 1.3" in rendered
    assert 'Deprecated argument `note`' in rendered
    assert "note goes away, use plan" in rendered
    assert hookref.CALLING in rendered


#: Ways to break ``kam_pick``'s contract: (text replaced, replacement, the problem reported).
_DEFECTS = {
    "no docstring": ('    """Pick one thing.', '    ...\n    """Pick one thing.',
                     "the hookspec has no docstring"),
    "no summary": ("Pick one thing.\n\n", "", "has no summary line"),
    "undocumented argument": ("    :param limit: how many to look at,\n        at most.\n", "",
                              "argument 'limit' is not documented"),
    "empty argument doc": (":param limit: how many to look at,\n        at most.",
                           ":param limit:", "argument 'limit' is not documented"),
    "unknown argument": (":param plan:", ":param plans:", "documents :param plans: but has no"),
    "undocumented return": ("    :return: the thing picked, or None.\n", "",
                            "the return value is not documented"),
    "no version": ("Added in 1.2.", "Added recently.", "does not say when it was added"),
}


@pytest.mark.parametrize("defect", sorted(_DEFECTS))
def test_an_incomplete_docstring_fails_the_reference(spec_module: Callable[[str], str],
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     defect: str) -> None:
    """A hook without a parameter doc, a return doc or an "Added in" version (etc.) stops the
    generator, and so the strict docs build."""
    old, new, problem = _DEFECTS[defect]
    assert old in _SPEC_SOURCE
    name = spec_module(_SPEC_SOURCE.replace(old, new, 1))
    pick = hookref.load_spec_module(name).hooks[0]
    assert any(problem in found for found in hookref.contract_problems(pick)), \
        hookref.contract_problems(pick)
    with pytest.raises(hookref.HookDocError, match=f"kam_pick: .*{re.escape(problem)}"):
        hookref.render_hook_reference(name)
    page = types.SimpleNamespace(file=types.SimpleNamespace(src_uri="hooks.md"))
    monkeypatch.setattr(hookref, "SPEC_MODULE", name)
    with pytest.raises(PluginError, match=f"(?s)hooks.md: .*{re.escape(problem)}"):
        hookref.on_page_markdown(hookref.HOOKSPEC_MARKER, page, None, None)


# -- every hook has a test --------------------------------------------------------------------


def _test_files() -> list[Path]:
    files = [*(ROOT / "tests").rglob("test_*.py"), *ROOT.glob("plugins/*/tests/**/test_*.py")]
    return sorted(path for path in files if path.resolve() != Path(__file__).resolve())


@pytest.mark.parametrize("name", sorted(HOOKS))
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
    from kamcore.events import HookEvents
    from kamcore.methodology import load_methodologies
    from kamcore.model import Account
    from kamcore.planning import advance, new_plan, set_section
    from kamcore.plugin.host import make_plugin_host
    from kamcore.plugin.registry import Registry
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
    with Workspace.open(tmp_path / "kam.db", create=True, listener=HookEvents(host)) as ws:
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
    from kamcore.plugin.host import make_plugin_host
    from kamcore.plugin.registry import Registry

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
    from kamcore.plugin.host import make_plugin_host
    from kamcore.plugin.registry import Registry

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
    assert {"actions-csv", "plan-text"} <= set(registry.exporters)
    assert registry.exporter("plan-text").index is not None
    assert {"mycrm-accounts"} <= set(registry.adapters)
    assert {"open_pipeline"} <= set(registry.signals)


# -- kam command lines in the pages -----------------------------------------------------------

_SHELL_LANGUAGES = frozenset({"", "console", "sh", "shell", "bash", "text"})
_SHELL_OPERATORS = frozenset({"|", "||", "&&", ";", ">", ">>", "<", "2>&1", "&"})
_KAM_LINE = re.compile(r"^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*kam\s+(?!=)")  # not `kam = module:fn`
_ENV_ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=")
_PLACEHOLDER = re.compile(r"^(?:[A-Z][A-Z0-9_]*(?:\.\.\.)?|\.\.\.|\$\w+|<.*>)$")


def _kam_lines(text: str) -> list[str]:
    """Every ``kam ...`` command line of a page: in shell, console and text code blocks (a
    ``$ `` prompt dropped, backslash continuations joined) and in inline code spans."""
    found: list[str] = []

    def block(match: re.Match[str]) -> str:
        if match.group(1) in _SHELL_LANGUAGES:
            body = re.sub(r"\\\n\s*", " ", match.group(2))
            for line in body.splitlines():
                line = line.strip().removeprefix("$ ").lstrip()
                if _KAM_LINE.match(line):
                    found.append(line)
        return ""

    prose = re.sub(r"```(\w*)\n(.*?)```", block, text, flags=re.S)
    found += [span for span in re.findall(r"`([^`\n]+)`", prose) if _KAM_LINE.match(span)]
    return found


@dataclass
class _Invocation:
    """A ``kam`` command line resolved against the click commands."""

    line: str
    path: tuple[str, ...] = ()
    options: dict[str, list[str]] = field(default_factory=dict)
    arguments: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _resolve(line: str) -> _Invocation:
    """Walk ``line`` through the ``kam`` command tree: each subcommand must exist (``a|b``
    names alternatives, all of which must) and each option must belong to the command it
    follows. Placeholders (``COMMAND``, ``$P``) end the walk."""
    import click

    from kamcore.cli import cli

    try:
        tokens = shlex.split(line, comments=True)
    except ValueError:
        tokens = line.split()
    while tokens and _ENV_ASSIGNMENT.match(tokens[0]):
        tokens.pop(0)
    for index, token in enumerate(tokens):
        if token in _SHELL_OPERATORS:
            tokens = tokens[:index]
            break
    assert tokens[:1] == ["kam"], line
    found = _Invocation(line, ("kam",))
    command: click.Command = cli
    ctx = click.Context(cli, info_name="kam")
    rest = tokens[1:]
    while rest:
        token = rest.pop(0)
        if token.startswith("-") and token != "-" and not token[1:2].isdigit():
            name = token.split("=", 1)[0]
            if name in ctx.help_option_names:
                continue
            param = next((p for p in command.get_params(ctx) if isinstance(p, click.Option)
                          and name in (*p.opts, *p.secondary_opts)), None)
            if param is None:
                found.problems.append(f"`{' '.join(found.path)}` has no option {name}")
                continue
            if not param.is_flag and not param.count:
                value = token.split("=", 1)[1] if "=" in token else (rest.pop(0) if rest else "")
                found.options.setdefault(str(param.name), []).append(value)
            continue
        if isinstance(command, click.Group):
            if _PLACEHOLDER.match(token):
                break
            names = token.split("|")
            missing = [name for name in names if command.get_command(ctx, name) is None]
            if missing:
                found.problems.append(f"`{' '.join(found.path)}` has no subcommand "
                                      f"{', '.join(missing)}")
                break
            if len(names) > 1:
                break
            command = command.get_command(ctx, token)  # type: ignore[assignment]
            ctx = click.Context(command, info_name=token, parent=ctx)
            found.path = (*found.path, token)
            continue
        found.arguments.append(token)
    return found


def _invocations() -> list[tuple[str, _Invocation]]:
    return [(str(page.relative_to(DOCS)), _resolve(line))
            for page in PAGES for line in _kam_lines(_written(page))]


def test_pages_show_kam_commands() -> None:
    counted = {page: 0 for page in GUIDES}
    for page, _ in _invocations():
        stem = page.removesuffix(".md")
        if stem in counted:
            counted[stem] += 1
    assert all(counted.values()), f"a guide without kam command lines: {counted}"


def test_every_kam_command_in_the_pages_exists() -> None:
    problems = [f"{page}: {problem} (in `{found.line}`)"
                for page, found in _invocations() for problem in found.problems]
    assert problems == [], "\n".join(problems)


def _documented_document_names() -> set[str]:
    """Names of the methodology and rubric documents the pages define themselves (loaded
    through KAMCORE_METHODOLOGY_PATH / KAMCORE_RUBRIC_PATH in their examples)."""
    names = set()
    for page in PAGES:
        for block in _code_blocks(page, "yaml"):
            names.update(re.findall(r"^name:\s*([\w.-]+)", block, re.M))
    return names


@needs_repo_plugins
def test_names_in_kam_command_lines_are_installed() -> None:
    from kamcore.plugin.host import make_plugin_host
    from kamcore.plugin.registry import Registry

    registry = Registry(make_plugin_host(allowlist=None, strict=True))
    own = _documented_document_names()
    known = {
        "exporter": set(registry.exporters), "adapter": set(registry.adapters),
        "rubric": set(registry.rubrics) | own, "methodology": set(registry.methodologies) | own,
    }
    #: command -> (option holding a name, or None for the first argument, kind of name)
    naming = {
        ("export",): ("format_name", "exporter"), ("import",): (None, "adapter"),
        ("score",): ("rubric_name", "rubric"), ("segment",): ("rubric_name", "rubric"),
        ("plan", "new"): ("methodology_name", "methodology"),
        ("plan", "template"): (None, "methodology"),
        ("methodologies", "show"): (None, "methodology"), ("rubrics", "show"): (None, "rubric"),
    }
    wanted: list[tuple[str, str, str, str]] = []
    for page, found in _invocations():
        if found.path[1:] not in naming:
            continue
        option, kind = naming[found.path[1:]]
        values = found.options.get(option, []) if option else found.arguments[:1]
        wanted += [(page, found.line, kind, value) for value in values]
    assert wanted
    unknown = [f"{page}: {kind} {name!r} is not installed (in `{line}`)"
               for page, line, kind, name in wanted
               if name and not _PLACEHOLDER.match(name) and name not in known[kind]]
    assert unknown == [], "\n".join(unknown)


# -- console examples that must print what the pages show -------------------------------------


def _console_examples(page: Path, blocks: list[str] | None = None) -> list[tuple[str, list[str]]]:
    """``(command line, expected output lines)`` for each ``$ kam`` command of the page's
    console blocks, or of ``blocks`` (continuation lines joined)."""
    examples: list[tuple[str, list[str]]] = []
    for body in _code_blocks(page, "console") if blocks is None else blocks:
        body = re.sub(r"\\\n\s*", " ", body)
        examples.append(("", []))  # output before a block's first command belongs to none
        for line in body.splitlines():
            if line.startswith("$ "):
                examples.append((line[2:], []))
            else:
                examples[-1][1].append(line)
    return [(line, output) for line, output in examples if line.startswith("kam ")]


def _shows(expected: list[str], actual: str) -> bool:
    """Whether every expected line (blank and ``...`` lines aside) appears in ``actual``, in
    order, whitespace at both ends ignored."""
    lines = iter(line.strip() for line in actual.splitlines())
    return all(any(line == want for line in lines)
               for want in (e.strip() for e in expected) if want and want != "...")


def _run_console_examples(page: Path, run: Callable[..., Any], workspace: Path) -> int:
    ran = 0
    for line, expected in _console_examples(page):
        argv = shlex.split(line, comments=True)[1:]
        result = run("-w", str(workspace), *argv, env={"KAMCORE_LOAD_PLUGINS": None})
        code = 2 if any(e.startswith("error:") for e in expected) else 0
        assert result.code == code, f"{page.name}: `{line}`\n{result}"
        assert _shows(expected, result.out + result.err), \
            f"{page.name}: `{line}` does not print what the page shows\n{result}"
        ran += 1
    return ran


@needs_repo_plugins
def test_scoring_examples_print_what_the_page_shows(kam_run: Callable[..., Any],
                                                    tmp_path: Path) -> None:
    workspace = tmp_path / "kam-demo.db"
    demo = kam_run("-w", str(workspace), "demo", "--out", str(tmp_path / "out"),
                   env={"KAMCORE_LOAD_PLUGINS": None})
    assert demo.code == 0, demo
    assert _run_console_examples(DOCS / "scoring.md", kam_run, workspace) >= 5


def test_stakeholder_map_examples_print_what_the_page_shows(kam_run: Callable[..., Any],
                                                           tmp_path: Path) -> None:
    workspace = tmp_path / "kam.db"
    assert kam_run("-w", str(workspace), "init").code == 0
    assert _run_console_examples(DOCS / "stakeholder-map.md", kam_run, workspace) >= 15


@needs_repo_plugins
def test_crm_import_dry_run_example_prints_what_the_page_shows(kam_run: Callable[..., Any],
                                                               tmp_path: Path) -> None:
    import kamcore_salesforce

    samples = Path(kamcore_salesforce.__file__).parent / "samples" / "csv"
    shutil.copytree(samples, tmp_path / "exports")
    workspace = tmp_path / "kam.db"
    assert kam_run("-w", str(workspace), "init").code == 0
    page = DOCS / "crm-import.md"
    first = next(body for body in _code_blocks(page, "console") if "--dry-run" in body)
    examples = _console_examples(page, [first])
    assert len(examples) == 3
    for line, expected in examples:
        result = kam_run("-w", str(workspace), *shlex.split(line, comments=True)[1:],
                         env={"KAMCORE_LOAD_PLUGINS": None})
        assert result.code == 0, result
        assert _shows(expected, result.out + result.err), f"`{line}`\n{result}"


# -- what the code documents, the pages explain -----------------------------------------------


def _codes(text: str) -> set[str]:
    """kebab-case codes written as ``code`` in a docstring."""
    return set(re.findall(r"``([a-z]+(?:-[a-z]+)+)``", text))


def test_every_builtin_finding_code_is_documented() -> None:
    from kamcore import planning
    from kamcore.builtin import checks, staleness

    staleness_codes = _codes(staleness.__doc__ or "")
    assert {"stakeholder-not-contacted", "action-overdue", "plan-not-refreshed",
            "new-economic-buyer", "staleness-settings-invalid"} <= staleness_codes
    check_codes = set(re.findall(r'code="([a-z-]+)"', inspect.getsource(checks)
                                 + inspect.getsource(planning)))
    concepts = (DOCS / "concepts.md").read_text(encoding="utf-8")
    reviews = (DOCS / "reviews.md").read_text(encoding="utf-8")
    for code in staleness_codes | check_codes:
        assert f"`{code}`" in concepts, f"concepts.md does not list the finding code {code}"
    for code in staleness_codes:
        assert f"`{code}`" in reviews, f"reviews.md does not explain the finding code {code}"


def test_staleness_settings_are_documented() -> None:
    from kamcore.methodology import staleness

    for page in ("reviews.md", "reference/methodology-yaml.md"):
        text = (DOCS / page).read_text(encoding="utf-8")
        for key in staleness.KEYS:
            assert f"`{key}`" in text, f"{page} does not describe settings.staleness.{key}"


def test_every_change_kind_is_documented() -> None:
    from kamcore import changes

    kinds = _codes(changes.__doc__ or "")
    assert {"stakeholder-added", "objective-signed", "action-done", "score-changed"} <= kinds
    reviews = (DOCS / "reviews.md").read_text(encoding="utf-8")
    missing = sorted(kind for kind in kinds if f"`{kind}`" not in reviews)
    assert missing == [], f"reviews.md does not list the change kinds {missing}"


def test_every_review_pack_option_is_documented() -> None:
    from kamcore.reviewpack import OPTION_KEYS

    exporters = (DOCS / "exporters.md").read_text(encoding="utf-8")
    missing = [key for key in OPTION_KEYS if f"`{key}`" not in exporters]
    assert missing == [], f"exporters.md does not list the review-pack options {missing}"


def test_home_page_lists_every_builtin_plugin_and_contribution() -> None:
    from kamcore.plugin.host import BUILTIN_PLUGINS, make_plugin_host
    from kamcore.plugin.registry import Registry

    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for name in BUILTIN_PLUGINS:
        assert f"`{name}`" in index, f"index.md does not list the built-in plugin {name}"
    builtin = Registry(make_plugin_host(entry_points=False, strict=True))
    names = [*builtin.exporters, *builtin.adapters, *builtin.rubrics, *builtin.signals]
    assert {"html", "csv", "stakeholder-coverage", "stakeholder_coverage"} <= set(names)
    missing = [name for name in names if f"`{name}`" not in index]
    assert missing == [], f"index.md does not list the built-in contributions {missing}"
    exporters = (DOCS / "exporters.md").read_text(encoding="utf-8")
    assert [n for n in builtin.exporters if f"`{n}`" not in exporters] == []

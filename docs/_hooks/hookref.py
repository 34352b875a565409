"""The parts of the docs generated from the code: in the Markdown pages and in the site.

Each generated part sits in its page between an opening and a closing marker
(``<!-- hookspecs -->`` ... ``<!-- /hookspecs -->``), so the pages read in the repository show
it too. ``python docs/_hooks/hookref.py`` (``make docs-update``) rewrites what is between the
markers of :data:`GENERATED_PAGES` from the code; ``--check`` only says which pages are stale
(``tests/test_docs.py`` runs it, as llm runs cog). As an MkDocs hook (listed under ``hooks:``
in ``mkdocs.yml``), ``on_page_markdown`` renders the same parts afresh into the site, markers
removed. The markers:

``<!-- hookspecs -->``
    The hook reference: how kamcore calls hook implementations (:data:`CALLING`), then a
    section per hookspec of :data:`SPEC_MODULE` with its signature, its docstring rendered as
    Markdown, the version it was added in, whether it is a ``firstresult`` hook, and its
    deprecations (``warn_on_impl`` / ``warn_on_impl_args``).
``<!-- kam-cli -->``
    Every ``kam`` command, subcommand, argument and option, read from the click objects.
``<!-- schema:methodology -->`` / ``<!-- schema:rubric -->``
    The JSON Schema that every methodology / rubric document is validated against.
``<!-- shapes -->``
    The fields of the core section shapes (``urn:kamcore:shape:NAME``).

The hookspec module is read statically by griffe (signatures and annotations as written, the
``# -- group ---`` comments, the docstrings, parsed by griffe's Sphinx-style parser) and imported
for what pluggy sees (which functions are hookspecs, and their options). No network is needed.

A hookspec without a complete docstring (a summary, ``:param NAME:`` for every argument and for
no other name, ``:return:`` unless it returns None, and "Added in X.Y") stops the build with
:class:`HookDocError`: the hook reference can never silently lose a hook's contract.
``tests/test_docs.py`` imports this file to check the same rules.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import griffe

#: The module that declares kamcore's hookspecs: the one place that names it.
SPEC_MODULE = "kamcore.plugin.spec"
#: The pluggy project of the hookspecs: ``@hookspec`` stores a hookspec's options on the
#: function as the attribute ``<project>_spec``.
PROJECT_NAME = "kamcore"

HOOKSPEC_MARKER = "<!-- hookspecs -->"
#: A generated part: its opening marker, then (in a page as checked in) what was generated and
#: the closing marker; a lone opening marker is filled too.
_BLOCK = re.compile(
    r"<!-- (hookspecs|kam-cli|shapes|schema:methodology|schema:rubric) -->"
    r"(?:\n.*?<!-- /\1 -->)?", re.S)
#: One example implementation of each hook, shown in its section and run by the docs tests.
EXAMPLES = Path(__file__).with_name("hook_examples.py")
#: The pages, relative to docs/, that hold generated parts.
GENERATED_PAGES = ("hooks.md", "reference/cli.md", "reference/methodology-yaml.md",
                   "reference/rubric-yaml.md")

_ROLE = re.compile(r":(?:class|func|meth|mod|data|attr|exc|obj):`~?([^`]+)`")
_ADDED = re.compile(r"Added in (\d+\.\d+(?:\.\d+)*)")
_GROUP = re.compile(r"^# -- (\w[\w ]*?) -+$")
#: A reST field marker (``:param x:``, ``:return:``), not a role (``:class:`X```).
_FIELD = re.compile(r"^:[^\s:`][^:`]*:(?:\s|$)")

#: How kamcore calls hook implementations: the reference states it before the hooks.
CALLING = """\
## How kamcore calls hooks {#calling}

kamcore calls each implementation of a hook on its own, in pluggy's order: implementations
marked `tryfirst=True` first, those marked `trylast=True` last, and otherwise the plugin
registered last first. Each call is isolated: an implementation that raises is reported against
its plugin (`kam plugins` shows it) and skipped, and the next one is called; with
`KAMCORE_STRICT_PLUGINS=1` the error stops the command instead. Hook wrappers are not supported:
a plugin with an implementation marked `hookwrapper=True` or `wrapper=True` is refused when it
registers, with an error that says so. A *firstresult* hook (its hookspec is declared with
`firstresult=True`) stops at the first implementation that returns something other than None;
every other hook calls every implementation. Each hook below says which kind it is.
"""


class HookDocError(Exception):
    """A hookspec's docstring does not state its contract; the docs build fails."""


# -- hookspecs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hook:
    """One hookspec, as the hook reference shows it. Text is whitespace-collapsed reST."""

    name: str
    #: The ``# -- group ---`` comment the hookspec stands under, capitalized ("Hooks" if none).
    group: str
    #: Its pluggy options (``firstresult``, ``warn_on_impl``, ``warn_on_impl_args``, ...).
    options: Mapping[str, Any]
    #: ``(name, annotation as written, or "")`` of each argument, in order.
    parameters: tuple[tuple[str, str], ...]
    #: The return annotation as written, or "".
    returns: str
    #: The docstring, cleaned ("" when there is none).
    docstring: str
    #: The first paragraph, when it comes before the field list ("" when there is none).
    summary: str
    #: The other paragraphs outside the field list, in order.
    prose: tuple[str, ...]
    #: The ``:param NAME:`` descriptions, by name.
    param_docs: Mapping[str, str]
    #: The ``:return:`` description, or None.
    return_doc: str | None
    #: ``(exception, description)`` of each ``:raises EXC:``.
    raises: tuple[tuple[str, str], ...]

    @property
    def added(self) -> str | None:
        """The X.Y of the docstring's "Added in X.Y", or None."""
        match = _ADDED.search(self.docstring)
        return match.group(1) if match else None

    @property
    def firstresult(self) -> bool:
        """Whether the hookspec is declared with ``firstresult=True``."""
        return bool(self.options.get("firstresult"))


@dataclass(frozen=True)
class SpecModule:
    """A hookspec module: its name, its docstring's paragraphs and its hooks in source order."""

    name: str
    paragraphs: tuple[str, ...]
    hooks: tuple[Hook, ...]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _paragraphs(text: str) -> list[str]:
    return [_flat(par) for par in re.split(r"\n\s*\n", text) if par.strip()]


def _split_field_list(lines: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    """``(lines before the field list, the field list, lines after it)`` of a cleaned docstring.

    In reST a field's body is its ``:name:`` line and the indented or blank lines after it: the
    first unindented line that is not a field ends it. griffe's Sphinx-style parser runs a
    field's body to the next field instead, which would make a paragraph after the fields
    ("Called once per process. Added in 0.1.") part of the last field; so griffe is given the
    field list alone.
    """
    before: list[str] = []
    fields: list[str] = []
    after: list[str] = []
    part = before
    for line in lines:
        if _FIELD.match(line):
            part = fields
        elif part is fields and line and not line[0].isspace():
            part = after
        part.append(line)
    return before, fields, after


def _group(lines: Sequence[str], lineno: int) -> str:
    """The ``# -- group ----`` comment closest above line ``lineno`` (1-based), capitalized."""
    for line in reversed(lines[: lineno - 1]):
        match = _GROUP.match(line.strip())
        if match:
            return match.group(1).strip().capitalize()
    return "Hooks"


def _annotation(value: str | griffe.Expr | None) -> str:
    return "" if value is None else str(value)


def _hook(source: griffe.Function, options: Mapping[str, Any]) -> Hook:
    """The :class:`Hook` of the hookspec griffe read as ``source``, declared with ``options``."""
    docstring = source.docstring.value if source.docstring else ""
    before, fields, after = _split_field_list(docstring.splitlines())
    field_list = griffe.Docstring("\n".join(fields), parent=source)
    param_docs: dict[str, str] = {}
    return_doc = None
    raises: tuple[tuple[str, str], ...] = ()
    for section in griffe.parse_sphinx(field_list, warnings=False):
        if isinstance(section, griffe.DocstringSectionParameters):
            param_docs = {param.name: _flat(param.description) for param in section.value}
        elif isinstance(section, griffe.DocstringSectionReturns):
            return_doc = _flat(section.value[0].description)
        elif isinstance(section, griffe.DocstringSectionRaises):
            raises = tuple((_annotation(exc.annotation), _flat(exc.description))
                           for exc in section.value)
    leading = _paragraphs("\n".join(before))
    return Hook(
        name=source.name,
        group=_group(source.module.lines, source.lineno or 1),
        options=options,
        parameters=tuple((param.name, _annotation(param.annotation))
                         for param in source.parameters),
        returns=_annotation(source.returns),
        docstring=docstring,
        summary=next(iter(leading), ""),
        prose=(*leading[1:], *_paragraphs("\n".join(after))),
        param_docs=param_docs,
        return_doc=return_doc,
        raises=raises,
    )


def load_spec_module(name: str) -> SpecModule:
    """The hookspecs of the module ``name``, in source order.

    The hookspecs are the module's functions that carry pluggy's ``<project>_spec`` attribute
    (as :meth:`pluggy.PluginManager.add_hookspecs` finds them), with those options; everything
    else is read from the source by griffe.

    :raises HookDocError: a hookspec is not a function in the source griffe reads.
    """
    module = importlib.import_module(name)
    marker = f"{PROJECT_NAME}_spec"
    declared = {attr: fn for attr, fn in vars(module).items()
                if callable(fn) and getattr(fn, marker, None) is not None}
    source = griffe.load(name)
    hooks = []
    for attr, fn in declared.items():
        member = source[attr]
        found = member.final_target if isinstance(member, griffe.Alias) else member
        if not isinstance(found, griffe.Function):
            raise HookDocError(f"{name}.{attr}: a hookspec that is not a function in the source")
        hooks.append((found.lineno or 0, _hook(found, getattr(fn, marker))))
    docstring = source.docstring.value if source.docstring else ""
    return SpecModule(name=name, paragraphs=tuple(_paragraphs(docstring)),
                      hooks=tuple(hook for _, hook in sorted(hooks, key=lambda item: item[0])))


def contract_problems(hook: Hook) -> list[str]:
    """Why ``hook``'s docstring is not a complete contract (empty when it is)."""
    name = hook.name
    if not hook.docstring.strip():
        return [f"{name}: the hookspec has no docstring"]
    problems = []
    if not hook.summary:
        problems.append(f"{name}: the docstring has no summary line")
    arguments = [param for param, _ in hook.parameters]
    for param in arguments:
        if not hook.param_docs.get(param):
            problems.append(f"{name}: argument {param!r} is not documented (:param {param}:)")
    for documented in hook.param_docs:
        if documented not in arguments:
            problems.append(f"{name}: documents :param {documented}: but has no such argument")
    if hook.returns not in ("None", "") and not hook.return_doc:
        problems.append(f"{name}: the return value is not documented (:return:)")
    if hook.added is None:
        problems.append(f"{name}: the docstring does not say when it was added ('Added in X.Y')")
    return problems


def signature(hook: Hook) -> str:
    """The hookspec as a Python ``def`` line (wrapped when long), annotations as written."""
    params = [f"{name}: {annotation}" if annotation else name
              for name, annotation in hook.parameters]
    tail = f" -> {hook.returns}" if hook.returns else ""
    one_line = f"def {hook.name}({', '.join(params)}){tail}: ..."
    if len(one_line) <= 90:
        return one_line
    body = "".join(f"    {param},\n" for param in params)
    return f"def {hook.name}(\n{body}){tail}: ..."


#: Where the hook reference links a role's target (relative to ``hooks.md``).
LINKS = {
    "kamcore.Exporter": "writing-plugins.md#exporters",
    "kamcore.Adapter": "writing-plugins.md#adapters",
    "kamcore.Signal": "writing-plugins.md#signals",
    "kamcore.hookimpl": "writing-plugins.md#hookimpl",
}


def _inline(text: str, hook_names: set[str], links: dict[str, str] | None = None) -> str:
    """reST inline markup as Markdown: ``code`` and :role:`target` become code spans; a role
    naming a hook links to its section, one in ``links`` to that page."""

    def role(match: re.Match[str]) -> str:
        target = match.group(1)
        shown = target.rsplit(".", 1)[-1] if target.startswith("kamcore.") else target
        if target in hook_names:
            return f"[`{target}`](#{target})"
        if links and target in links:
            return f"[`{shown}`]({links[target]})"
        return f"`{shown}`"

    text = _ROLE.sub(role, text)
    text = re.sub(r"``docs/([\w/-]+\.md)``", r"[`\1`](\1)", text) if links else text
    return re.sub(r"``(.+?)``", r"`\1`", text)


def _options(hook: Hook) -> list[str]:
    """The hook's version and kind, as a Markdown list."""
    kind = ("yes; the calls stop at the first implementation that returns something other than "
            "None" if hook.firstresult else "no; every implementation is called")
    return [f"- **Added in**: {hook.added}",
            f"- **firstresult**: {kind} ([how kamcore calls hooks](#calling))"]


def _deprecations(hook: Hook) -> list[str]:
    notes = []
    if hook.options.get("warn_on_impl") is not None:
        notes.append(f"!!! warning \"Deprecated hook\"\n    {hook.options['warn_on_impl']}\n")
    for arg, warning in (hook.options.get("warn_on_impl_args") or {}).items():
        notes.append(f"!!! warning \"Deprecated argument `{arg}`\"\n    {warning}\n")
    return notes


def examples(path: Path = EXAMPLES) -> dict[str, str]:
    """The source of each ``kam_*`` function of the examples module (decorator included, the
    ``type: ignore`` comments dropped), by hook name."""
    import ast

    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("kam_"):
            first = min([d.lineno for d in node.decorator_list] or [node.lineno])
            body = "\n".join(lines[first - 1:node.end_lineno])
            found[node.name] = re.sub(r"  # type: ignore\[[^\]]*\]", "", body)
    return found


def render_hookspec(hook: Hook, hook_names: set[str], example: str | None = None) -> str:
    """One hookspec, whose docstring passes :func:`contract_problems`, as a Markdown section,
    with ``example`` (an implementation's source) at its end."""
    decorator = "@hookspec(firstresult=True)" if hook.firstresult else "@hookspec"
    out = [f"### {hook.name} {{#{hook.name}}}", "", "```python", decorator,
           signature(hook), "```", ""]
    out += _deprecations(hook)
    out += [_inline(hook.summary, hook_names, LINKS), ""]
    if hook.parameters:
        out += ["**Parameters**", ""]
        for param, annotation in hook.parameters:
            typed = f" (`{annotation}`)" if annotation else ""
            out.append(f"- `{param}`{typed}: "
                       f"{_inline(hook.param_docs[param], hook_names, LINKS)}")
        out.append("")
    if hook.return_doc:
        typed = f" `{hook.returns}`" if hook.returns else ""
        out += [f"**Returns**{typed}: {_inline(hook.return_doc, hook_names, LINKS)}", ""]
    for exc, text in hook.raises:
        out += [f"**Raises** `{exc}`: {_inline(text, hook_names, LINKS)}", ""]
    for paragraph in hook.prose:
        out += [_inline(paragraph, hook_names, LINKS), ""]
    out += [*_options(hook), ""]
    if example is not None:
        out += ["**Example** (run by kamcore's tests):", "", "```python", example, "```", ""]
    return "\n".join(out)


def render_hook_reference(module_name: str) -> str:
    """The hook reference of the hookspec module ``module_name``: its docstring (after the
    summary), a table of the hooks, :data:`CALLING`, then each hook, grouped as in the source.

    :raises HookDocError: a hookspec's docstring does not state its contract.
    """
    spec = load_spec_module(module_name)
    problems = [problem for hook in spec.hooks for problem in contract_problems(hook)]
    if problems:
        raise HookDocError(f"incomplete hookspec docstrings in {module_name}:\n  "
                           + "\n  ".join(problems))
    names = {hook.name for hook in spec.hooks}
    shown = examples() if module_name == SPEC_MODULE else {}
    out = [f"The hookspecs are declared in `{spec.name}`. From its docstring:\n"]
    out += [_inline(paragraph, names, LINKS) + "\n" for paragraph in spec.paragraphs[1:]]
    out.append("| hook | group | summary |\n| --- | --- | --- |")
    for hook in spec.hooks:
        out.append(f"| [`{hook.name}`](#{hook.name}) | {hook.group.lower()} | "
                   f"{_inline(hook.summary, names)} |")
    out += ["", CALLING]
    current = None
    for hook in spec.hooks:
        if hook.group != current:
            out.append(f"## {hook.group} hooks\n")
            current = hook.group
        out.append(render_hookspec(hook, names, shown.get(hook.name)))
    return "\n".join(out)


# -- the kam CLI ------------------------------------------------------------------------------


def _commands() -> Iterator[tuple[list[str], Any, Any]]:
    """``(path, command, context)`` for ``kam`` and every subcommand, depth first."""
    import click

    from kamcore.cli import cli

    def walk(path: list[str], command: click.Command,
             parent: click.Context | None) -> Iterator[tuple[list[str], Any, Any]]:
        ctx = click.Context(command, info_name=path[-1], parent=parent)
        yield path, command, ctx
        if isinstance(command, click.Group):
            for sub_name in command.list_commands(ctx):
                sub = command.get_command(ctx, sub_name)
                if sub is not None and not sub.hidden:
                    yield from walk([*path, sub_name], sub, ctx)

    yield from walk(["kam"], cli, None)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _param_row(param: Any) -> str:
    import click

    if isinstance(param, click.Argument):
        names = f"`{param.human_readable_name}`"
        kind = "argument"
    else:
        names = ", ".join(f"`{opt}`" for opt in [*param.opts, *param.secondary_opts])
        kind = "flag" if param.is_flag else f"`{param.metavar or param.type.name.upper()}`"
    help_text = getattr(param, "help", None) or ""
    notes = []
    if param.required:
        notes.append("required")
    elif isinstance(param, click.Argument):
        notes.append("optional")
    if getattr(param, "multiple", False) and "repeatable" not in help_text:
        notes.append("repeatable")
    default = param.default
    if default is getattr(click.core, "UNSET", None):  # click >= 8.3: "no default"
        default = None
    if not getattr(param, "is_flag", False) and default not in (None, (), [], False):
        shown = ", ".join(default) if isinstance(default, (tuple, list)) else default
        notes.append(f"default: `{shown}`")
    if getattr(param, "envvar", None):
        notes.append(f"env: `${param.envvar}`")
    if getattr(param, "type", None) is not None and hasattr(param.type, "choices"):
        notes.append("one of " + ", ".join(f"`{c}`" for c in param.type.choices))
    text = _inline(help_text, set())
    if notes:
        text = f"{text} ({'; '.join(notes)})" if text else "; ".join(notes)
    return f"| {names} | {kind} | {_cell(text)} |"


def render_cli_reference() -> str:
    """A section per ``kam`` command with its usage, help text, arguments and options."""
    import click

    out = []
    for path, command, ctx in _commands():
        title = " ".join(path)
        anchor = "-".join(path)
        level = "###" if len(path) <= 2 else "####"
        pieces = command.collect_usage_pieces(ctx)
        out += [f"{level} {title} {{#{anchor}}}", "", "```text",
                f"{ctx.command_path} {' '.join(pieces)}".rstrip(), "```", ""]
        help_text = inspect.cleandoc(command.help or "").replace("\b\n", "")
        out += [_inline(help_text, set()), ""]
        help_options = set(ctx.help_option_names)
        params = [p for p in command.get_params(ctx)
                  if not set(getattr(p, "opts", ())) <= help_options]
        if params:
            out += ["| argument / option | takes | what it does |", "| --- | --- | --- |"]
            out += [_param_row(p) for p in params]
            out.append("")
        if isinstance(command, click.Group):
            subs = [n for n in command.list_commands(ctx)
                    if (c := command.get_command(ctx, n)) is not None and not c.hidden]
            links = ", ".join(f"[`{n}`](#{anchor}-{n})" for n in subs)
            out += [f"Subcommands: {links}", ""]
    return "\n".join(out)


# -- document schemas and section shapes ------------------------------------------------------


def render_schema(kind: str) -> str:
    """The JSON Schema of methodology or rubric documents as a JSON code block."""
    if kind == "methodology":
        from kamcore.methodology import document_schema
    else:
        from kamcore.rubric import document_schema
    return "```json\n" + json.dumps(document_schema(), indent=2) + "\n```\n"


def _type_of(prop: dict[str, Any]) -> str:
    if "anyOf" in prop:
        return " or ".join(_type_of(option) for option in prop["anyOf"])
    if "$ref" in prop:
        return str(prop["$ref"]).rsplit("/", 1)[-1]
    if "enum" in prop:
        return " / ".join(str(value) for value in prop["enum"])
    if "const" in prop:
        return repr(prop["const"])
    kind = str(prop.get("type", "any"))
    if prop.get("format"):
        kind += f" ({prop['format']})"
    limits = [f"{key} {prop[key]}" for key in ("minLength", "minimum", "maximum") if key in prop]
    return kind + (f", {', '.join(limits)}" if limits else "")


def render_shapes() -> str:
    """A table of fields per core shape that section schemas may ``$ref``."""
    from kamcore.model import SHAPES
    from kamcore.schemas import SHAPE_URI_PREFIX

    out = []
    for name, cls in SHAPES.items():
        schema = cls.model_json_schema()
        required = set(schema.get("required", ()))
        out += [f"### {name} {{#shape-{name}}}", "",
                f"`$ref: \"{SHAPE_URI_PREFIX}{name}\"` (`{cls.__name__}`): "
                f"{_inline(' '.join((cls.__doc__ or '').split()), set())}", "",
                "| field | type | required | description |", "| --- | --- | --- | --- |"]
        for field, prop in schema.get("properties", {}).items():
            kind = _type_of(prop)
            if prop.get("default") is not None:
                kind += f"; default `{prop['default']}`"
            out.append(f"| `{field}` | {_cell(kind)} | "
                       f"{'yes' if field in required else ''} | "
                       f"{_cell(prop.get('description', ''))} |")
        out += ["", "Unknown fields are refused (`additionalProperties: false`).", ""]
    return "\n".join(out)


# -- the MkDocs event -------------------------------------------------------------------------


def render_part(name: str) -> str:
    """The generated part ``name`` (a marker's name: ``hookspecs``, ``kam-cli``, ``shapes``,
    ``schema:methodology``, ``schema:rubric``).

    :raises HookDocError: a hookspec's docstring does not state its contract.
    """
    if name == "hookspecs":
        return render_hook_reference(SPEC_MODULE)
    if name == "kam-cli":
        return render_cli_reference()
    if name == "shapes":
        return render_shapes()
    return render_schema(name.removeprefix("schema:"))


def fill(markdown: str, *, keep_markers: bool) -> str:
    """``markdown`` with every generated part rendered afresh: between its markers when
    ``keep_markers`` (the page as checked in), in their place otherwise (the site)."""
    def part(match: re.Match[str]) -> str:
        name = match.group(1)
        body = render_part(name).strip("\n")
        return f"<!-- {name} -->\n{body}\n<!-- /{name} -->" if keep_markers else body

    return _BLOCK.sub(part, markdown)


def without_generated(markdown: str) -> str:
    """``markdown`` without its generated parts (markers included): what its author wrote."""
    return _BLOCK.sub("", markdown)


def stale_pages(docs: Path, *, write: bool,
                pages: Sequence[str] = GENERATED_PAGES) -> list[str]:
    """The ``pages`` (under ``docs``) whose generated parts differ from the code; with
    ``write``, each is rewritten."""
    stale = []
    for name in pages:
        page = docs / name
        text = page.read_text(encoding="utf-8")
        fresh = fill(text, keep_markers=True)
        if fresh != text:
            stale.append(name)
            if write:
                page.write_text(fresh, encoding="utf-8")
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    """``hookref.py [--check]``: rewrite the generated parts of the pages, or with ``--check``
    list the stale pages and exit 1. Every installed plugin is loaded (``KAMCORE_LOAD_PLUGINS``
    is ignored), so the CLI reference lists the commands plugins add as the site does."""
    import os
    import sys

    os.environ.pop("KAMCORE_LOAD_PLUGINS", None)
    args = list(sys.argv[1:] if argv is None else argv)
    check = args == ["--check"]
    stale = stale_pages(Path(__file__).resolve().parents[1], write=not check)
    for name in stale:
        print(f"docs/{name}: " + ("generated parts are stale; run `make docs-update`"
                                  if check else "regenerated"))
    return 1 if check and stale else 0


# -- the MkDocs event -------------------------------------------------------------------------


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Render the generated parts into the page (errors fail the build)."""
    try:
        return fill(markdown, keep_markers=False)
    except HookDocError as exc:
        from mkdocs.exceptions import PluginError

        raise PluginError(f"{page.file.src_uri}: {exc}") from exc


if __name__ == "__main__":
    raise SystemExit(main())

"""MkDocs hook: the parts of the docs that are generated from the code.

Listed under ``hooks:`` in ``mkdocs.yml``. On ``on_page_markdown`` it replaces these markers:

``<!-- hookspecs -->``
    A section per hookspec of :mod:`kamcore.hookspecs`: its name, its signature (from
    :func:`inspect.signature`), its docstring rendered as Markdown, and its pluggy options
    (``firstresult``, ``historic``, deprecations from ``warn_on_impl``/``warn_on_impl_args``).
``<!-- kam-cli -->``
    Every ``kam`` command, subcommand, argument and option, read from the click objects.
``<!-- schema:methodology -->`` / ``<!-- schema:rubric -->``
    The JSON Schema that every methodology / rubric document is validated against.
``<!-- shapes -->``
    The fields of the core section shapes (``urn:kamcore:shape:NAME``).

A hookspec without a complete docstring (a summary, ``:param NAME:`` for every argument,
``:return:`` unless it returns None, and "Added in X.Y") stops the build with
:class:`HookDocError`: the hook reference can never silently lose a hook's contract.
``tests/test_docs.py`` imports this file to check the same rules.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

HOOKSPEC_MARKER = "<!-- hookspecs -->"
CLI_MARKER = "<!-- kam-cli -->"
SHAPES_MARKER = "<!-- shapes -->"
SCHEMA_MARKER = re.compile(r"<!-- schema:(methodology|rubric) -->")

_ROLE = re.compile(r":(?:class|func|meth|mod|data|attr|exc|obj):`~?([^`]+)`")
_ADDED = re.compile(r"Added in (\d+(?:\.\d+)*)")
_FIELD = re.compile(r"^:(param|return|returns|raises)\s*([A-Za-z_][\w.]*)?:\s*(.*)$")
_GROUP = re.compile(r"^# -- (\w[\w ]*?) -+$")


class HookDocError(Exception):
    """A hookspec's docstring does not state its contract; the docs build fails."""


# -- hookspecs --------------------------------------------------------------------------------


def hookspecs() -> list[tuple[str, Callable[..., Any]]]:
    """``(name, function)`` of every hookspec in :mod:`kamcore.hookspecs`, in source order."""
    from kamcore.plugin import spec as module

    found = [
        (name, fn) for name, fn in vars(module).items()
        if callable(fn) and getattr(fn, "kamcore_spec", None) is not None
    ]
    return sorted(found, key=lambda item: inspect.getsourcelines(item[1])[1])


def hook_groups() -> dict[str, str]:
    """Hook name -> the ``# -- group ----`` comment it stands under in ``hookspecs.py``."""
    from kamcore.plugin import spec as module

    groups: dict[str, str] = {}
    group = "Hooks"
    for line in inspect.getsource(module).splitlines():
        match = _GROUP.match(line.strip())
        if match:
            group = match.group(1).strip().capitalize()
            continue
        defined = re.match(r"^def (kam_\w+)\(", line)
        if defined:
            groups[defined.group(1)] = group
    return groups


def _annotation(value: Any) -> str:
    if value is inspect.Parameter.empty or value is inspect.Signature.empty:
        return ""
    return value if isinstance(value, str) else inspect.formatannotation(value)


def signature(name: str, fn: Callable[..., Any]) -> str:
    """The hookspec as a Python ``def`` line (wrapped when long), annotations as written."""
    sig = inspect.signature(fn)
    params = [
        f"{p.name}: {_annotation(p.annotation)}" if _annotation(p.annotation) else p.name
        for p in sig.parameters.values()
    ]
    returns = _annotation(sig.return_annotation)
    tail = f" -> {returns}" if returns else ""
    one_line = f"def {name}({', '.join(params)}){tail}: ..."
    if len(one_line) <= 90:
        return one_line
    body = "".join(f"    {param},\n" for param in params)
    return f"def {name}(\n{body}){tail}: ..."


def parse_docstring(doc: str | None) -> dict[str, Any]:
    """Split a reST-style docstring into summary, prose paragraphs and field entries."""
    text = inspect.cleandoc(doc or "")
    lines = text.splitlines()
    summary_lines: list[str] = []
    while lines and lines[0].strip():
        summary_lines.append(lines.pop(0).strip())
    params: dict[str, str] = {}
    returns: str | None = None
    raises: dict[str, str] = {}
    prose: list[list[str]] = [[]]
    current: tuple[str, str | None] | None = None
    for line in lines:
        field = _FIELD.match(line.strip()) if not line.startswith(" ") else None
        if field:
            kind, arg, rest = field.groups()
            current = (kind, arg)
            if kind == "param" and arg:
                params[arg] = rest
            elif kind in ("return", "returns"):
                returns = rest
            elif kind == "raises" and arg:
                raises[arg] = rest
            continue
        if current is not None and line.startswith(" ") and line.strip():
            kind, arg = current
            if kind == "param" and arg:
                params[arg] += " " + line.strip()
            elif kind in ("return", "returns"):
                returns = f"{returns} {line.strip()}"
            elif kind == "raises" and arg:
                raises[arg] += " " + line.strip()
            continue
        current = None
        if line.strip():
            prose[-1].append(line.strip())
        elif prose[-1]:
            prose.append([])
    return {
        "summary": " ".join(summary_lines),
        "params": params,
        "returns": returns,
        "raises": raises,
        "prose": [" ".join(paragraph) for paragraph in prose if paragraph],
    }


def contract_problems(name: str, fn: Callable[..., Any]) -> list[str]:
    """Why ``fn``'s docstring is not a complete contract (empty when it is)."""
    doc = fn.__doc__
    if not doc or not doc.strip():
        return [f"{name}: the hookspec has no docstring"]
    parsed = parse_docstring(doc)
    sig = inspect.signature(fn)
    problems = []
    if not parsed["summary"]:
        problems.append(f"{name}: the docstring has no summary line")
    for param in sig.parameters:
        if not parsed["params"].get(param, "").strip():
            problems.append(f"{name}: argument {param!r} is not documented (:param {param}:)")
    for documented in parsed["params"]:
        if documented not in sig.parameters:
            problems.append(f"{name}: documents :param {documented}: but has no such argument")
    if _annotation(sig.return_annotation) not in ("None", "") and not parsed["returns"]:
        problems.append(f"{name}: the return value is not documented (:return:)")
    if not _ADDED.search(inspect.cleandoc(doc)):
        problems.append(f"{name}: the docstring does not say when it was added ('Added in X.Y')")
    return problems


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


def _options(name: str, fn: Callable[..., Any]) -> list[str]:
    spec: dict[str, Any] = getattr(fn, "kamcore_spec", None) or {}
    lines = [
        f"- **firstresult**: {'yes' if spec.get('firstresult') else 'no'} "
        + ("(the first non-None result wins)" if spec.get("firstresult")
           else "(every implementation is called)"),
        f"- **historic**: {'yes' if spec.get('historic') else 'no'}",
    ]
    added = _ADDED.search(inspect.cleandoc(fn.__doc__ or ""))
    if added:
        lines.insert(0, f"- **Added in**: {added.group(1)}")
    return lines


def _deprecations(fn: Callable[..., Any]) -> list[str]:
    spec: dict[str, Any] = getattr(fn, "kamcore_spec", None) or {}
    notes = []
    if spec.get("warn_on_impl") is not None:
        notes.append(f"!!! warning \"Deprecated hook\"\n    {spec['warn_on_impl']}\n")
    for arg, warning in (spec.get("warn_on_impl_args") or {}).items():
        notes.append(f"!!! warning \"Deprecated argument `{arg}`\"\n    {warning}\n")
    return notes


def render_hookspec(name: str, fn: Callable[..., Any], hook_names: set[str],
                    level: str = "###") -> str:
    """One hookspec as a Markdown section."""
    problems = contract_problems(name, fn)
    if problems:
        raise HookDocError("; ".join(problems))
    parsed = parse_docstring(fn.__doc__)
    sig = inspect.signature(fn)
    out = [f"{level} {name} {{#{name}}}", "", "```python", "@hookspec",
           signature(name, fn), "```", ""]
    out += _deprecations(fn)
    out += [_inline(parsed["summary"], hook_names, LINKS), ""]
    if parsed["params"]:
        out += ["**Parameters**", ""]
        for param in sig.parameters:
            annotation = _annotation(sig.parameters[param].annotation)
            typed = f" (`{annotation}`)" if annotation else ""
            out.append(f"- `{param}`{typed}: "
                       f"{_inline(parsed['params'][param], hook_names, LINKS)}")
        out.append("")
    if parsed["returns"]:
        annotation = _annotation(sig.return_annotation)
        typed = f" `{annotation}`" if annotation else ""
        out += [f"**Returns**{typed}: {_inline(parsed['returns'], hook_names, LINKS)}", ""]
    for exc, text in parsed["raises"].items():
        out += [f"**Raises** `{exc}`: {_inline(text, hook_names, LINKS)}", ""]
    for paragraph in parsed["prose"]:
        out += [_inline(paragraph, hook_names, LINKS), ""]
    out += _options(name, fn) + [""]
    return "\n".join(out)


def render_hook_reference() -> str:
    """Every hookspec, grouped as in ``hookspecs.py``, preceded by the module's docstring.

    :raises HookDocError: a hookspec's docstring does not state its contract.
    """
    from kamcore.plugin import spec as module

    specs = hookspecs()
    problems = [problem for name, fn in specs for problem in contract_problems(name, fn)]
    if problems:
        raise HookDocError("incomplete hookspec docstrings in kamcore.hookspecs:\n  "
                           + "\n  ".join(problems))
    names = {name for name, _ in specs}
    groups = hook_groups()
    intro = inspect.cleandoc(module.__doc__ or "").split("\n\n")
    out = [_inline(" ".join(par.split()), names, LINKS) for par in intro[1:]]
    out = [paragraph + "\n" for paragraph in out]
    out.append("| hook | group | summary |\n| --- | --- | --- |")
    for name, fn in specs:
        summary = _inline(parse_docstring(fn.__doc__)["summary"], names)
        out.append(f"| [`{name}`](#{name}) | {groups.get(name, 'Hooks').lower()} | {summary} |")
    out.append("")
    current = None
    for name, fn in specs:
        group = groups.get(name, "Hooks")
        if group != current:
            out.append(f"## {group} hooks\n")
            current = group
        out.append(render_hookspec(name, fn, names))
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


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Replace the markers with the generated reference (errors fail the build)."""
    if HOOKSPEC_MARKER in markdown:
        try:
            markdown = markdown.replace(HOOKSPEC_MARKER, render_hook_reference())
        except HookDocError as exc:
            from mkdocs.exceptions import PluginError

            raise PluginError(f"{page.file.src_uri}: {exc}") from exc
    if CLI_MARKER in markdown:
        markdown = markdown.replace(CLI_MARKER, render_cli_reference())
    if SHAPES_MARKER in markdown:
        markdown = markdown.replace(SHAPES_MARKER, render_shapes())
    return SCHEMA_MARKER.sub(lambda match: render_schema(match.group(1)), markdown)

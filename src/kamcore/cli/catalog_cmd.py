"""``kam methodologies`` and ``kam rubrics``: what is installed, in detail, and checking files."""

from __future__ import annotations

import click

from ._common import (
    json_option,
    print_json,
    print_table,
    print_yaml,
    registry,
    warn_about_plugins,
    yaml_option,
)


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def methodologies(ctx: click.Context, as_json: bool) -> None:
    """List installed methodologies (``show NAME`` for one, ``check FILE`` to validate one)."""
    if ctx.invoked_subcommand is not None:
        return
    reg = registry()
    warn_about_plugins(reg)
    items = sorted(reg.methodologies.values(), key=lambda m: m.name)
    if as_json:
        print_json([{**m.summary(), "plugin": reg.provider("methodology", m.name)}
                    for m in items])
        return
    print_table("methodologies", ["name", "version", "title", "extends", "steps", "plugin"], [
        [m.name, m.version, m.title, m.summary()["extends"] or "", len(m.steps),
         reg.provider("methodology", m.name)] for m in items])


@methodologies.command("show")
@click.argument("name")
@json_option
@yaml_option
def show_methodology(name: str, as_json: bool, as_yaml: bool) -> None:
    """Show a methodology's steps, sections, gates and cadence; --json or --yaml print its
    whole document (example and gate schemas included), resolved: for a methodology that
    ``extends`` another, the result of its changes, as a complete document."""
    methodology = registry().methodology(name)
    if as_json:
        print_json(dict(methodology.document))
        return
    if as_yaml:
        print_yaml(dict(methodology.document))
        return
    click.echo(f"{methodology.title} ({methodology.name} {methodology.version})")
    if methodology.description:
        click.echo(methodology.description.strip())
    print_table("steps", ["#", "key", "title", "sections", "gate"], [
        [i, s.key, s.title, ", ".join(s.sections), s.gate.message if s.gate else ""]
        for i, s in enumerate(methodology.steps, start=1)])
    print_table("sections", ["key", "title"], [[s.key, s.title] for s in methodology.sections])
    if methodology.cadence:
        print_table("review cadence", ["kind", "every"],
                    [[c.kind, c.every] for c in methodology.cadence])


@methodologies.command("check")
@click.argument("path", type=click.Path(dir_okay=False))
def check_methodology(path: str) -> None:
    """Validate a methodology file (``extends`` resolves against installed ones); exit 2 if bad."""
    from ..documents import load_document
    from ..methodology import load_methodologies

    reg = registry()
    doc = load_document(path)
    installed = {k: v for k, v in reg.methodologies.items()
                 if not isinstance(doc.data, dict) or k != doc.data.get("name")}
    loaded, errors = load_methodologies([doc], installed)
    if errors:
        raise next(iter(errors.values()))
    methodology = next(iter(loaded.values()))
    for warning in methodology.warnings():
        click.echo(f"warning: {path}: {warning}", err=True)
    click.echo(f"{path}: ok: {methodology.name} {methodology.version}, "
               f"{len(methodology.steps)} steps, {len(methodology.sections)} sections")


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def rubrics(ctx: click.Context, as_json: bool) -> None:
    """List installed scoring rubrics (``show NAME`` for one)."""
    if ctx.invoked_subcommand is not None:
        return
    reg = registry()
    warn_about_plugins(reg)
    items = sorted(reg.rubrics.values(), key=lambda r: r.name)
    if as_json:
        print_json([{**r.summary(), "plugin": reg.provider("rubric", r.name)} for r in items])
        return
    print_table("rubrics", ["name", "version", "title", "criteria", "plugin"], [
        [r.name, r.version, r.title, len(r.criteria), reg.provider("rubric", r.name)]
        for r in items])


@rubrics.command("show")
@click.argument("name")
@json_option
@yaml_option
def show_rubric(name: str, as_json: bool, as_yaml: bool) -> None:
    """Show a rubric's criteria, weights, scales and bands (--json or --yaml: its document)."""
    rubric = registry().rubric(name)
    if as_json:
        print_json(dict(rubric.document))
        return
    if as_yaml:
        print_yaml(dict(rubric.document))
        return
    click.echo(f"{rubric.title} ({rubric.name} {rubric.version})")
    print_table("criteria", ["key", "title", "weight", "scale", "computed by", "anchors"], [
        [c.key, c.title, f"{c.weight:g}", f"{c.scale.min:g}..{c.scale.max:g}", c.signal or "",
         c.anchor_text()]
        for c in rubric.criteria])
    print_table("bands", ["band", "total at least", "qualifies"],
                [[b.name, f"{b.min:g}", "yes" if b.qualifies else ""] for b in rubric.bands])

"""``kam plan summarize``, ``kam plan draft``, ``kam review brief`` and
``kam stakeholder extract``: each parses, calls one function of this plugin (which reads through
:mod:`kamcore` and writes only through :mod:`kamcore.operations`) and prints. Nothing heavy,
``llm`` included, is imported until a command runs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kamcore.cli.support import actor, json_option, open_workspace, print_json

if TYPE_CHECKING:
    from .asking import Asked

F = TypeVar("F", bound=Callable[..., Any])


def model_options(function: F) -> F:
    """``--model`` and ``--show-prompt``, shared by every command of the plugin."""
    function = click.option(
        "--show-prompt", is_flag=True,
        help="Print exactly what would be sent to the model, and send nothing.")(function)
    return click.option(
        "--model", "-m", "model", metavar="MODEL",
        help="The llm model (id or alias; default: $KAM_LLM_MODEL, else the setting "
             "llm.model, else echo). It must be allowed (setting llm.allowed_models).")(function)


def _notes(source: str) -> str:
    """The notes of ``--from`` (a UTF-8 file, or ``-`` for standard input)."""
    from kamcore.documents import read_input, read_stream

    return read_stream(sys.stdin, "<stdin>") if source == "-" else read_input(source)


def _print_asked(asked: Asked, as_json: bool, extra: dict[str, Any]) -> None:
    if as_json:
        print_json({**extra, **asked.as_dict()})
    elif asked.answer is None:
        click.echo(asked.prompt.shown(), nl=False)
    else:
        click.echo(asked.answer)


FROM_HELP = "The notes to read: a UTF-8 text file, or - for standard input."


@click.command("summarize")
@click.argument("plan_id")
@click.option("--since", metavar="review:K|REVISION",
              help="Count changes from this point: review:K (the K-th review of the plan), "
                   "review:last, a revision number (default: the last review, else revision 1).")
@model_options
@json_option
@click.pass_context
def summarize(ctx: click.Context, plan_id: str, since: str | None, model: str | None,
              show_prompt: bool, as_json: bool) -> None:
    """A short narrative of what changed in a plan, written by a model from the plan's changes
    in words and its findings."""
    from .summary import summarize as run

    asked = run(open_workspace(ctx), plan_id, model=model, since=since, show_only=show_prompt)
    _print_asked(asked, as_json, {"plan": plan_id})


@click.command("brief")
@click.argument("plan_id")
@model_options
@json_option
@click.pass_context
def brief(ctx: click.Context, plan_id: str, model: str | None, show_prompt: bool,
          as_json: bool) -> None:
    """A one-page brief for a plan's next review: what changed, contacts gone quiet, open and
    overdue actions, gate status, score trend and questions to ask the customer."""
    from .brief import brief as run

    asked = run(open_workspace(ctx), plan_id, model=model, show_only=show_prompt)
    _print_asked(asked, as_json, {"plan": plan_id})


@click.command("draft")
@click.argument("plan_id")
@click.argument("section")
@click.option("--from", "source", default="-", show_default=True, metavar="FILE",
              help=FROM_HELP)
@click.option("--apply", is_flag=True,
              help="Save the draft as a new revision (recorded as drafted with the model).")
@model_options
@json_option
@click.pass_context
def draft(ctx: click.Context, plan_id: str, section: str, source: str, apply: bool,
          model: str | None, show_prompt: bool, as_json: bool) -> int:
    """Draft SECTION of a plan from notes; the model's answer must pass the section's JSON
    Schema. Shows the draft as changes in words; saves it only with --apply."""
    from .drafting import draft_section

    done = draft_section(open_workspace(ctx), actor(ctx), plan_id, section, _notes(source),
                         model=model, apply=apply, show_only=show_prompt)
    if done.asked.answer is None:
        _print_asked(done.asked, as_json, {"plan": plan_id, "section": section})
        return 0
    if as_json:
        print_json({"plan": plan_id, "section": section, "model": done.asked.model,
                    "draft": done.data, "changes": [c.as_dict() for c in done.changes],
                    "saved": done.saved is not None,
                    "revision": done.saved.revision if done.saved else None})
        return 0
    click.echo(f"draft of section {section} of plan {plan_id} by model {done.asked.model}:")
    for change in done.changes:
        click.echo(f"  {change.text}")
    if not done.changes:
        click.echo("  no changes")
    if done.saved is not None:
        click.echo(f"saved as revision {done.saved.revision} (drafted with model "
                   f"{done.asked.model})")
    elif done.changes:
        click.echo("not saved: run again with --apply to save a draft", err=True)
    return 0


@click.command("extract")
@click.argument("account_id")
@click.option("--from", "source", required=True, metavar="FILE", help=FROM_HELP)
@click.option("--apply", is_flag=True,
              help="Ask about each proposal in turn and apply the ones confirmed.")
@model_options
@json_option
@click.pass_context
def extract(ctx: click.Context, account_id: str, source: str, apply: bool, model: str | None,
            show_prompt: bool, as_json: bool) -> int:
    """Proposed changes to an account's stakeholder map from meeting notes, as a numbered
    list; with --apply each is applied only once confirmed. Exit 1 if one could not be."""
    from kamcore.errors import KamError

    from .extraction import apply_proposal
    from .extraction import extract as run

    if apply and (as_json or show_prompt or source == "-"):
        raise click.UsageError("--apply asks about each proposal on standard input: not with "
                               "--json, --show-prompt or --from -")
    workspace = open_workspace(ctx)
    found = run(workspace, account_id, _notes(source), model=model, show_only=show_prompt)
    if found.asked.answer is None or as_json:
        _print_asked(found.asked, as_json,
                     {"account": account_id,
                      "proposals": [p.as_dict() for p in found.proposals]})
        return 0
    for number, proposal in enumerate(found.proposals, 1):
        click.echo(f"{number}. {proposal.describe()}")
    if not found.proposals:
        click.echo("no proposals")
    failed = 0
    for number, proposal in enumerate(found.proposals, 1) if apply else ():
        if not click.confirm(f"apply {number}?", default=False):
            continue
        try:
            person = apply_proposal(workspace, actor(ctx), account_id, proposal)
        except KamError as exc:
            failed += 1
            click.echo(f"{number} not applied: {exc}", err=True)
            continue
        click.echo(f"{number} applied: stakeholder {person.id} (revision {person.revision})")
    return 1 if failed else 0

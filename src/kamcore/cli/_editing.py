"""Shared pieces of the commands that add, set and remove records: the options every edit
takes (``--base-revision``, ``--clear``), and turning what was given into field changes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ._common import open_workspace, print_json, print_table

if TYPE_CHECKING:
    from ..model import Record

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R", bound="Record")

base_revision_option = click.option(
    "--base-revision", type=click.IntRange(min=1), metavar="N",
    help="The revision your change is based on (see `show --json`): refused, and nothing "
         "written, if the record has moved on since.")


def options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Several click options as one decorator (for options an ``add`` and a ``set`` share)."""

    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


def clear_option(fields: Mapping[str, str]) -> Callable[[F], F]:
    """``--clear FIELD`` (repeatable) for the options named in ``fields`` (option name ->
    record field)."""
    return click.option("--clear", "clear", multiple=True, metavar="FIELD",
                        help=f"Clear a field (repeatable): {', '.join(sorted(fields))}.")


def cleared(names: Sequence[str], fields: Mapping[str, str]) -> list[str]:
    """The record fields that ``--clear`` names (by option name or field name)."""
    known = {**{field: field for field in fields.values()}, **fields}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise click.BadParameter(f"cannot clear {', '.join(map(repr, unknown))}; fields: "
                                 f"{', '.join(sorted(fields))}", param_hint="--clear")
    return [known[name] for name in names]


def given(**values: Any) -> dict[str, Any]:
    """The options that were given: None and empty repeated options left out."""
    return {key: value for key, value in values.items() if value is not None and value != ()}


def show_saved(record: Record, verb: str, as_json: bool) -> None:
    """Print a saved record: as JSON, or ``VERB KIND ID (revision N)``."""
    if as_json:
        print_json(record.model_dump(mode="json"))
    else:
        click.echo(f"{verb} {record.kind} {record.id} (revision {record.revision})")


def show_removed(record: Record, as_json: bool) -> None:
    """Print a removed record: as JSON (``{"removed": ...}``), or ``removed KIND ID``."""
    if as_json:
        print_json({"removed": record.model_dump(mode="json")})
    else:
        click.echo(f"removed {record.kind} {record.id}")


def show_fields(record: Record, heading: str) -> None:
    """Print ``heading``, then the record's fields that hold a value (not its id, name,
    account or revision numbers) as a table."""
    from ..rendering import flat, label

    click.echo(heading)
    shown = record.model_dump(exclude={"id", "name", "account_id", "revision", "created_at"})
    print_table(None, ["field", "value"],
                [[label(key), flat(value)] for key, value in shown.items()
                 if value not in (None, "", [], {}, frozenset())])


def list_of_account(ctx: click.Context, cls: type[R], account_id: str, as_json: bool,
                    title: str, columns: Mapping[str, Callable[[R], Any]]) -> None:
    """Print the records of ``cls`` of an existing account: as JSON, or as a table titled
    ``title`` with a column per ``columns`` entry (header -> cell of a record)."""
    from ..model import Account

    workspace = open_workspace(ctx)
    workspace.get(Account, account_id)
    found = list(workspace.iter(cls, account_id=account_id))
    if as_json:
        print_json([record.model_dump(mode="json") for record in found])
        return
    print_table(title, list(columns), [[cell(record) for cell in columns.values()]
                                       for record in found])

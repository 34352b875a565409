# mypy: disable-error-code="empty-body"
"""The kamcore hook contract.

Every hook name starts with ``kam_``. Plugins implement them with :data:`kamcore.hookimpl`; an
implementation may accept any subset of a hook's arguments, so new arguments can be added
without breaking plugins (see the deprecation policy in ``docs/deprecation.md``).

Registration hooks are called once per process, when the registry is first built; behaviour
hooks are called once per plan check or event, never per row. kamcore calls each
implementation on its own: one that raises is reported (``kam plugins``) and skipped, unless
``KAMCORE_STRICT_PLUGINS=1``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from .markers import hookspec

if TYPE_CHECKING:
    import click

    from ..methodology import Methodology
    from ..model import Account, Finding, Plan, Review
    from ..snapshot import AccountSnapshot
    from ..store import Workspace
    from .contributions import Adapter, Command, Exporter, Signal

# -- registration ---------------------------------------------------------------------------


@hookspec
def kam_methodologies() -> Iterable[Any]:
    """Contribute methodology documents.

    :return: an iterable of documents, each either a path (``str``, :class:`os.PathLike` or an
        :mod:`importlib.resources` ``Traversable``, e.g.
        ``files("kamcore_sama7") / "sama7.yaml"``) to a YAML or JSON file, or a mapping holding
        the document itself. Documents may ``extends:`` a methodology of any installed plugin.
        A document that fails validation is reported against the plugin and skipped.

    Called once per process. Added in 0.1.
    """


@hookspec
def kam_rubrics() -> Iterable[Any]:
    """Contribute scoring rubric documents.

    :return: an iterable of paths to YAML/JSON rubric documents, or mappings holding them, as
        for :func:`kam_methodologies`.

    Called once per process. Added in 0.1.
    """


@hookspec
def kam_exporters() -> Iterable[Exporter]:
    """Contribute exporters for ``kam export --format NAME``.

    :return: an iterable of :class:`kamcore.Exporter`; names must be unique across plugins
        (the first registered keeps a contested name, the other is reported).

    Called once per process. Added in 0.1.
    """


@hookspec
def kam_adapters() -> Iterable[Adapter]:
    """Contribute import adapters for ``kam import ADAPTER PATH``.

    :return: an iterable of :class:`kamcore.Adapter`; names unique across plugins.

    Called once per process. Added in 0.1.
    """


@hookspec
def kam_signals() -> Iterable[Signal]:
    """Contribute named signals: metrics computed from an account, usable by rubric criteria.

    :return: an iterable of :class:`kamcore.Signal`; names unique across plugins.

    Called once per process. Added in 0.1.
    """


@hookspec
def kam_commands() -> Iterable[Command | click.Command]:
    """Contribute ``kam`` commands (as llm's ``register_commands`` and datasette's
    ``register_commands`` do).

    :return: click commands or groups, each either plain (a new top-level ``kam NAME``) or
        wrapped in :class:`kamcore.plugin.Command` with ``under=`` the name of a built-in group
        it joins (``Command(summarize, under="plan")`` makes ``kam plan summarize``). A name
        already taken (by kamcore or a plugin registered earlier) is reported against the plugin
        and ignored. Keep heavy imports inside the commands' callbacks: ``kam --help`` lists
        plugin commands, so this hook runs on every ``kam`` start that needs them.

    A command that raises anything but a :class:`kamcore.KamError` (or ``click``'s own
    exceptions) fails as its plugin's error: exit 2 naming the plugin, never a traceback.
    Called once per process. Added in 0.3.
    """



@hookspec
def kam_prompts() -> Iterable[Mapping[str, Any]]:
    """Contribute prompt templates for model-written help (the ``kamcore-llm`` plugin's
    ``kam plan summarize``, ``kam review brief``, ``kam plan draft`` and
    ``kam stakeholder extract``), to replace or extend the plugin's own.

    :return: an iterable of mappings, each with ``task`` (``summarize``, ``brief``, ``draft``
        or ``extract``) and any of: ``system`` (replaces the system prompt), ``instructions``
        (replaces the task's instructions), ``extra`` (appended to the instructions) and
        ``methodology`` (apply only to plans of that methodology or one derived from it; the
        more specific template wins). The facts a task sends (the plan's changes, findings,
        notes) are added by the plugin after the instructions, never through a template, and
        never include what a methodology marks private. A mapping that is not of this form is
        reported against the plugin and skipped.

    Called once per command that talks to a model. Added in 0.3.
    """

# -- behaviour ------------------------------------------------------------------------------


@hookspec
def kam_check_plan(
    plan: Plan,
    account: Account,
    methodology: Methodology,
    snapshot: AccountSnapshot,
    as_of: date,
) -> Iterable[Finding] | None:
    """Check a plan and say what is missing or wrong in it.

    :param plan: the plan being checked. Its sections may not satisfy their schemas (the
        built-in checks report that as ``section-invalid``): read them defensively.
    :param account: the plan's account.
    :param methodology: the plan's methodology; use ``methodology.derives_from("sama7")`` to
        apply a check to a methodology and every variant derived from it.
    :param snapshot: the account's stakeholders, relationships, opportunities, reviews and
        score cards.
    :param as_of: the date to judge staleness and overdue items against (today by default).
    :return: findings (``kamcore.Finding``) with ``source`` set to the plugin's name, or None.

    Called once per plan per check, for every plugin: implementations return nothing for
    methodologies they do not know. A raising implementation becomes an error finding with code
    ``plugin-failed``. Added in 0.1.
    """


@hookspec
def kam_plan_saved(plan: Plan, previous: Plan | None, workspace: Workspace) -> None:
    """React to a plan revision having been committed.

    :param plan: the plan as saved, with its new ``revision``.
    :param previous: the revision it replaced, or None for a new plan.
    :param workspace: the workspace it was saved in (do not save the same plan from here).

    Called after the transaction commits; a raising implementation is reported, the save
    stands. Added in 0.1.
    """


@hookspec
def kam_review_recorded(review: Review, plan: Plan, workspace: Workspace) -> None:
    """React to a review having been recorded.

    :param review: the review as saved.
    :param plan: the plan revision the review looked at.
    :param workspace: the workspace it was saved in.

    Called after the transaction commits; a raising implementation is reported. Added in 0.1.
    """

"""What plugins contribute besides methodologies and rubrics: exporters, adapters, signals and
commands.

Each is a small frozen value with a ``name`` (or a click command) and a callable; plugins return
lists of them from ``kam_exporters``, ``kam_adapters``, ``kam_signals`` and ``kam_commands``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    import click

    from ..methodology import Methodology
    from ..model import Finding, Plan, Record
    from ..snapshot import AccountSnapshot


@attrs.frozen
class ExportContext:
    """Everything an exporter may render for one plan.

    ``methodology`` is None when the plan's methodology is not installed any more;
    ``options`` carries exporter switches such as ``review_pack``.
    """

    plan: Plan
    snapshot: AccountSnapshot
    methodology: Methodology | None
    findings: tuple[Finding, ...] = ()
    options: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def as_of(self) -> date:
        """The report date: ``options["as_of"]`` (a date, datetime or ISO string) or today."""
        from ..dates import as_date

        return as_date(self.options.get("as_of")) or date.today()


@attrs.frozen
class PortfolioIndex:
    """An exporter's page over many exported plans (``kam export --all`` writes it).

    Exporting a portfolio streams the plans: ``summarise(context)`` is called once per plan
    and should keep only the little the index shows (not the context). After the last plan,
    ``render(entries)`` receives ``(summary, file name)`` for every plan, the file name being
    where that plan was written (relative to the index), and returns the index as ``str`` or
    ``bytes``, written to ``name`` beside the plans. It must escape what it renders.
    """

    name: str
    summarise: Callable[[ExportContext], Any]
    render: Callable[[Sequence[tuple[Any, str]]], str | bytes]


@attrs.frozen
class Exporter:
    """Renders a plan into a document.

    ``render`` returns ``str`` (written as UTF-8) or ``bytes``; ``suffix`` is the usual file
    extension (``".md"``). Renderers must escape what they render for their format.
    ``index`` optionally renders a page over every exported plan (:class:`PortfolioIndex`).
    Added in 0.2: ``index``.
    """

    name: str
    description: str
    suffix: str
    render: Callable[[ExportContext], str | bytes]
    index: PortfolioIndex | None = None


@attrs.frozen
class Adapter:
    """Reads records from an external source (a CRM export, an API) for ``kam import``.

    ``read(path)`` yields kamcore records (Account, Stakeholder, ...) with ``external_ids``
    set; on a bad row it raises :class:`kamcore.InvalidInputError` naming file, line and column.
    ``options`` names the keyword arguments ``read`` also accepts (name -> what it means, as
    ``kam import --NAME VALUE`` shows it); each is passed only when the user gives it.

    ``sync`` names the CRM this adapter pulls from incrementally (``kam sync pull NAME``, see
    :mod:`kamcore.syncing`): it then takes the option ``since`` (the watermark, an ISO
    datetime) and reads only records modified after it, and it reports every record's
    modification stamp with :func:`kamcore.syncing.modified`. Added in 0.4: ``sync``.
    """

    name: str
    description: str
    read: Callable[..., Iterable[Record]]
    options: Mapping[str, str] = attrs.field(factory=dict)
    sync: str | None = None


@attrs.frozen
class Signal:
    """A named metric computed from an account snapshot (and optionally a plan) for rubrics.

    ``compute(snapshot)`` returns a number, or None when the data to compute it is missing.
    """

    name: str
    description: str
    compute: Callable[[AccountSnapshot], float | None]


@attrs.frozen
class Command:
    """A ``kam`` command a plugin adds (from ``kam_commands``).

    ``command`` is a :class:`click.Command` (or group); ``under`` names the built-in group it
    joins (``"plan"`` makes ``kam plan NAME``), None makes it a top-level ``kam NAME``. A plain
    click command returned from ``kam_commands`` is the same as ``Command(command)``.
    Added in 0.3.
    """

    command: click.Command
    under: str | None = None

"""Pulling what changed in a CRM since the last pull (``kam sync pull SOURCE``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

from ..importing import ImportSummary
from ..model import Record
from ..plugin.registry import Registry
from ..store import Workspace
from ..syncing import format_stamp, parse_stamp, tracking, watermark_key
from .actor import Actor
from .installed import installed
from .transfer import import_with


@attrs.frozen
class PullResult:
    """What a pull from ``source`` changed (the import's summary), the watermark it started
    from (None: the first pull, which read everything) and the one it left (for a dry run,
    the one it would leave)."""

    source: str
    summary: ImportSummary
    previous: str | None
    watermark: str | None

    def as_dict(self) -> dict[str, Any]:
        """``kam sync pull --json``: the import summary's keys, with ``source``,
        ``previous_watermark`` and ``watermark``."""
        return {"source": self.source, "previous_watermark": self.previous,
                "watermark": self.watermark, **self.summary.as_dict()}


def sync_pull(workspace: Workspace, source: str, path: Path, *, dry_run: bool = False,
              registry: Registry | None = None,
              observe: Callable[[Iterable[Record]], Iterable[Record]] | None = None
              ) -> PullResult:
    """Read what changed in the CRM ``source`` since its watermark with the adapter that pulls
    from it (``path``: the adapter's connection file) and apply it as an import does: one
    transaction, records patched (fields the CRM has replace kamcore's, the others stay), a new
    revision only for what changed, each saved by ``sync:<source>``.

    Without a watermark (the first pull, or after ``kam settings unset
    sync.<source>.watermark``) everything is read. The watermark advances, in the same
    transaction, to the highest modification stamp the CRM reported (never the local clock),
    only when the pull succeeded, and never past the CRM's time when the pull began, when the
    adapter reports it (see :mod:`kamcore.syncing`); a pull that reads nothing leaves it, and
    writes nothing.

    :param dry_run: read and count, roll back: nothing written, the watermark unchanged.
    :param observe: wraps the stream of records read (progress), as for :func:`import_with`.
    :raises NotFoundError: no installed adapter pulls from ``source``.
    :raises InvalidInputError: the connection file, the CRM's refusal (401, 429 that does
        not stop), a network error, a bad record, a stored watermark that is not a datetime;
        nothing is written and the watermark stays.
    """
    plugins = installed(registry)
    adapter = plugins.sync_adapter(source)
    source = adapter.sync or source  # as the adapter spells it (the lookup ignores case)
    key = watermark_key(source)
    previous = workspace.settings().get(key)
    if previous is not None:  # a watermark set by hand must still be one
        parse_stamp(previous, f"setting {key}")
    options = {} if previous is None else {"since": previous}
    actor = Actor(f"sync:{source}")
    with tracking() as seen:
        if dry_run:
            summary = import_with(workspace, actor, adapter.name, path, dry_run=True,
                                  registry=plugins, observe=observe, options=options)
            return PullResult(source, summary, previous, _advanced(previous, seen.watermark()))
        with workspace.transaction():
            summary = import_with(workspace, actor, adapter.name, path, registry=plugins,
                                  observe=observe, options=options)
            watermark = _advanced(previous, seen.watermark())
            if watermark != previous:
                workspace.set_setting(key, watermark)
    return PullResult(source, summary, previous, watermark)


def _advanced(previous: str | None, highest: datetime | None) -> str | None:
    """The later of the stored watermark and the highest stamp read, as text."""
    if highest is None:
        return previous
    if previous is not None and parse_stamp(previous) >= highest:
        return previous
    return format_stamp(highest)

"""The cyclic garbage collector's settings while a command makes records by the hundred
thousand (``kam import``, ``kam sync pull``).

Each record an import reads is a few container objects that live for one batch of saves.
With the collector's default thresholds every ~700 of them start a young collection that
finds the batch alive, and every full collection walks everything the process loaded before
(plugins, models, SQLAlchemy): on 100,000 Salesforce contacts ~1,200 collections costing
~10 % of the import. :func:`bulk_records` sets them aside for the block. The library never
touches the collector (a program embedding kamcore owns its process); only the CLI does.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: Allocations between two young collections inside :func:`bulk_records` (default 700):
#: more than a batch of records makes, so most of them are gone when the collector runs.
BULK_THRESHOLD = 50_000


@contextmanager
def bulk_records() -> Iterator[None]:
    """For the block: what the process holds now is frozen out of the collections
    (:func:`gc.freeze`; it is needed until the command ends anyway) and young collections
    run every :data:`BULK_THRESHOLD` allocations. Both are put back afterwards (what was
    frozen rejoins the oldest generation), so the CLI run in-process (tests) leaks nothing; a
    process that froze objects itself keeps them frozen.
    """
    threshold = gc.get_threshold()
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    gc.set_threshold(BULK_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if freeze:
            gc.unfreeze()

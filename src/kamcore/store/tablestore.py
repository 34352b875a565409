"""The base of the stores of a workspace's own tables beside its records (access, derived
results): reads on the workspace's connection, writes in its transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

from sqlalchemy import Connection


class WorkspacePart(Protocol):
    """What such a store needs of :class:`~kamcore.store.Workspace` (named structurally, so
    that the modules do not import each other)."""

    _tx: Connection | None

    def transaction(self) -> AbstractContextManager[Any]: ...

    def _reading(self) -> AbstractContextManager[Connection]: ...


class TableStore:
    """Reads and writes of some of a workspace's tables; writes join the workspace's
    transaction when one is open (else each is its own)."""

    def __init__(self, workspace: WorkspacePart) -> None:
        self._workspace = workspace

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._workspace.transaction():
            connection = self._workspace._tx
            assert connection is not None
            yield connection

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._workspace._reading() as connection:
            yield connection

"""Imports: a CRM export uploaded to an installed adapter (:func:`kamcore.operations.import_with`):
all or nothing, ``dry_run`` to see the change without writing it.

The uploaded files are written to a private temporary folder under their own (sanitised)
names and read from there, so a refusal names ``Contact.csv:12`` as ``kam import`` would, and
the folder is removed afterwards. A member may import only records of their teams' accounts:
a record of any other account refuses the whole import (403), nothing written.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs
from fastapi import Depends, File, Query, UploadFile

from kamcore import operations
from kamcore.errors import InvalidInputError, KamError
from kamcore.model import Record
from kamcore.operations import Actor
from kamcore.plugin.registry import get_registry
from kamcore.store import Workspace

from ..principal import Principal
from ..problems import Denied
from ..rules import KamRouter, checker, workspace

router = KamRouter(prefix="/api/v1", tags=["imports"])

#: The most an upload may hold, all files together (bytes).
MAX_UPLOAD = 64 * 1024 * 1024
_CHUNK = 1024 * 1024


@router.get("/adapters", access="read", summary="Installed adapters")
def adapters(who: Principal = Depends(checker("read"))) -> dict[str, Any]:
    """Every installed adapter: the name to import with, what it reads and the options it
    takes (query parameters of the import)."""
    return {"items": [{"name": a.name, "description": a.description,
                       "options": dict(a.options)}
                      for a in sorted(get_registry().adapters.values(), key=lambda a: a.name)]}


@router.post("/imports/{adapter}", access="write", summary="Import a CRM export")
def import_files(adapter: str,
                 files: list[UploadFile] = File(..., description=(
                     "The export's files (one file, or the several files of one export).")),
                 dry_run: bool = Query(default=False,
                                       description="Say what would change; write nothing."),
                 force: bool = Query(default=False, description=(
                     "Overwrite records changed since a bundle was exported (the history "
                     "keeps what they were) instead of refusing.")),
                 encoding: str | None = Query(default=None, max_length=40, description=(
                     "The files' encoding (e.g. cp1252) when detection is not enough; for "
                     "adapters that take the option (see GET /adapters).")),
                 object_name: str | None = Query(default=None, alias="object", max_length=80,
                                                 description=(
                     "The CRM object the files hold (e.g. Contact) when their names and "
                     "headers do not say it; for adapters that take the option.")),
                 who: Principal = Depends(checker("write")),
                 ws: Workspace = Depends(workspace)) -> dict[str, Any]:
    """Read the uploaded files with the adapter and write the records in one transaction.
    A bad row refuses the whole import (422, each problem with its file, line and field) and
    nothing is written; so does a record of an account a member is not on the team of (403)."""
    with tempfile.TemporaryDirectory(prefix="kam-upload-") as folder:
        source = _receive(files, Path(folder))
        try:
            summary = operations.import_with(ws, Actor(who.name), adapter, source,
                                             dry_run=dry_run, force=force,
                                             observe=_only_seen_by(who), options={
                                                 name: value for name, value in (
                                                     ("encoding", encoding),
                                                     ("object", object_name))
                                                 if value is not None})
        except InvalidInputError as exc:
            raise _relocated(exc, folder) from None
        except KamError as exc:
            if folder in str(exc):
                raise KamError(_unfold(str(exc), folder)) from None
            raise
    return summary.as_dict()


def _receive(files: list[UploadFile], folder: Path) -> Path:
    """Write the uploads into ``folder``; the one file, or the folder when there are several.

    :raises InvalidInputError: no file, or two files of one name.
    :raises Denied: 413 when they hold more than :data:`MAX_UPLOAD` bytes.
    """
    if not files:
        raise InvalidInputError("upload the export's files as 'files'")
    total, paths = 0, []
    for upload in files:
        name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(upload.filename or "upload").name)
        path = folder / (name.lstrip(".") or "upload")
        if path in paths:
            raise InvalidInputError(f"two uploaded files are named {path.name!r}")
        with path.open("wb") as out:
            while chunk := upload.file.read(_CHUNK):
                total += len(chunk)
                if total > MAX_UPLOAD:
                    raise Denied(413, f"the upload holds more than {MAX_UPLOAD // 2**20} MB")
                out.write(chunk)
        paths.append(path)
    return paths[0] if len(paths) == 1 else folder


def _only_seen_by(who: Principal) -> Callable[[Iterable[Record]], Iterator[Record]] | None:
    """For a member: the ``observe`` of the import that refuses a record of another team's
    account (inside the import's transaction, so nothing is written). None for an admin."""
    if who.role == "admin":
        return None

    def check(records: Iterable[Record]) -> Iterator[Record]:
        for record in records:
            account = record.owner_account_id()
            if account not in who.teams:
                raise Denied(403, f"{record.kind} {record.id!r} is of account {account!r}, "
                                  "which is not one of your teams': nothing imported")
            yield record

    return check


def _unfold(text: str, folder: str) -> str:
    """``text`` with the temporary folder taken out of the paths it names."""
    return text.replace(folder + "/", "").replace(folder, "upload")


def _relocated(exc: InvalidInputError, folder: str) -> InvalidInputError:
    """The refusal naming the uploaded files by their own names."""
    return InvalidInputError(_unfold(exc.summary, folder), [
        attrs.evolve(p, source=_unfold(p.source, folder) if p.source else p.source)
        for p in exc.problems])

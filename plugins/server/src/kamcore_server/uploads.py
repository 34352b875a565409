"""Imports of uploaded files, shared by the API (``POST /api/v1/imports/{adapter}``) and the
import page: :func:`import_uploads` calls :func:`kamcore.operations.import_with` on them.

The uploaded files are written to a private temporary folder under their own (sanitised)
names and read from there, so a refusal names ``Contact.csv:12`` as ``kam import`` would, and
the folder is removed afterwards. A member may import only records of their teams' accounts:
a record of any other account refuses the whole import (403), nothing written.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
from starlette.datastructures import UploadFile

from kamcore import operations
from kamcore.errors import InvalidInputError, KamError
from kamcore.model import Record
from kamcore.operations import Actor
from kamcore.store import Workspace

from .principal import Principal
from .problems import Denied

if TYPE_CHECKING:
    from kamcore.importing import ImportSummary

#: The most an upload may hold, all files together (bytes).
MAX_UPLOAD = 64 * 1024 * 1024
_CHUNK = 1024 * 1024


def import_uploads(ws: Workspace, who: Principal, adapter: str, files: Sequence[UploadFile],
                   *, dry_run: bool = False, force: bool = False,
                   options: Mapping[str, str] | None = None,
                   expect: str | None = None) -> tuple[ImportSummary, str]:
    """Import ``files`` with ``adapter`` as ``who`` (all or nothing; ``dry_run``: write
    nothing); the summary and the fingerprint of the files (SHA-256 over their names and
    contents).

    :param expect: the fingerprint the files must have (those a dry run previewed): other
        files are refused and nothing is written.
    :raises InvalidInputError: no file, two of one name, files other than ``expect``, or what
        :func:`~kamcore.operations.import_with` refuses (naming the files by their own names).
    :raises Denied: 413 for an upload over :data:`MAX_UPLOAD`; 403 for a member importing
        another team's record.
    """
    with tempfile.TemporaryDirectory(prefix="kam-upload-") as folder:
        source, fingerprint = _receive(files, Path(folder))
        if expect is not None and expect != fingerprint:
            raise InvalidInputError("the files are not the ones previewed: preview them "
                                    "again before importing")
        try:
            summary = operations.import_with(ws, Actor(who.name), adapter, source,
                                             dry_run=dry_run, force=force,
                                             observe=_only_seen_by(who), options=options)
        except InvalidInputError as exc:
            raise _relocated(exc, folder) from None
        except KamError as exc:
            if folder in str(exc):
                raise KamError(_unfold(str(exc), folder)) from None
            raise
    return summary, fingerprint


def _receive(files: Sequence[UploadFile], folder: Path) -> tuple[Path, str]:
    """Write the uploads into ``folder``; the one file, or the folder when there are several,
    and their fingerprint.

    :raises InvalidInputError: no file, or two files of one name.
    :raises Denied: 413 when they hold more than :data:`MAX_UPLOAD` bytes.
    """
    files = [upload for upload in files if upload.filename]
    if not files:
        raise InvalidInputError("upload the export's files as 'files'")
    total, paths, digest = 0, [], hashlib.sha256()
    for upload in files:
        name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(upload.filename or "upload").name)
        path = folder / (name.lstrip(".") or "upload")
        if path in paths:
            raise InvalidInputError(f"two uploaded files are named {path.name!r}")
        digest.update(path.name.encode() + b"\0")
        with path.open("wb") as out:
            while chunk := upload.file.read(_CHUNK):
                total += len(chunk)
                if total > MAX_UPLOAD:
                    raise Denied(413, f"the upload holds more than {MAX_UPLOAD // 2**20} MB")
                digest.update(chunk)
                out.write(chunk)
        digest.update(b"\0")
        paths.append(path)
    return (paths[0] if len(paths) == 1 else folder), digest.hexdigest()


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

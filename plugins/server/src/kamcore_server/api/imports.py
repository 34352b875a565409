"""Imports: a CRM export uploaded to an installed adapter (:func:`kamcore.operations.import_with`
through :func:`kamcore_server.uploads.import_uploads`): all or nothing, ``dry_run`` to see the
change without writing it."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, File, Query, UploadFile

from kamcore.plugin.registry import get_registry
from kamcore.store import Workspace

from ..principal import Principal
from ..rules import KamRouter, checker, workspace
from ..uploads import import_uploads

router = KamRouter(prefix="/api/v1", tags=["imports"])


@router.get("/adapters", access="read", summary="Installed adapters")
def adapters(who: Principal = Depends(checker("read"))) -> dict[str, Any]:
    """Every installed adapter: the name to import with, what it reads and the options it
    takes (query parameters of the import)."""
    found = sorted(get_registry().adapters.values(), key=lambda a: a.name)
    return {"items": [{"name": a.name, "description": a.description,
                       "options": dict(a.options)} for a in found]}


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
                 methodology: str | None = Query(default=None, max_length=80, description=(
                     "The methodology of plans made from the CRM's account plans (e.g. "
                     "sama7); for adapters that take the option.")),
                 who: Principal = Depends(checker("write")),
                 ws: Workspace = Depends(workspace)) -> dict[str, Any]:
    """Read the uploaded files with the adapter and write the records in one transaction.
    A bad row refuses the whole import (422, each problem with its file, line and field) and
    nothing is written; so does a record of an account a member is not on the team of (403)."""
    summary, _ = import_uploads(ws, who, adapter, files, dry_run=dry_run, force=force,
                                options={name: value for name, value in (
                                    ("encoding", encoding), ("object", object_name),
                                    ("methodology", methodology)) if value is not None})
    return summary.as_dict()

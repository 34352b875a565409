"""Exports: a plan rendered by any installed exporter, as a download
(:func:`kamcore.operations.export_plan`)."""

from __future__ import annotations

import mimetypes
from typing import Any

from fastapi import Depends, Query
from fastapi.responses import Response

from kamcore import operations
from kamcore.plugin.registry import get_registry
from kamcore.store import Workspace

from ..principal import Principal
from ..rules import KamRouter, checker, workspace
from .plans import plan_for

router = KamRouter(prefix="/api/v1", tags=["exports"])


@router.get("/exporters", access="read", summary="Installed exporters")
def exporters(who: Principal = Depends(checker("read"))) -> dict[str, Any]:
    """Every installed exporter: the format name to ask for, what it writes, its suffix."""
    return {"items": [{"name": e.name, "description": e.description, "suffix": e.suffix}
                      for e in sorted(get_registry().exporters.values(), key=lambda e: e.name)]}


@router.get("/plans/{plan_id}/exports/{exporter}", access="read",
            summary="Download a plan as a document",
            responses={200: {"content": {"application/octet-stream": {}},
                             "description": "The document, as an attachment."}})
def export(plan_id: str, exporter: str,
           review_pack: bool = Query(default=False, description=(
               "Add what changed since the last review, the scores and the reviews due next.")),
           who: Principal = Depends(checker("read")),
           ws: Workspace = Depends(workspace)) -> Response:
    """The plan rendered by the exporter (404 naming the installed ones if there is no such
    exporter), with ``Content-Disposition: attachment``. No ETag: the document shows the
    account's other records too, which have revisions of their own."""
    plan_for(ws, who, plan_id)
    exported = operations.export_plan(ws, plan_id, exporter, review_pack=review_pack)
    content = exported.content
    media = mimetypes.guess_type(exported.name)[0] or "application/octet-stream"
    if isinstance(content, str):
        content = content.encode("utf-8")
        media += "; charset=utf-8"
    # file names of exports are path-safe ([A-Za-z0-9._@-]): no quoting needed beyond "".
    return Response(content, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{exported.name}"'})

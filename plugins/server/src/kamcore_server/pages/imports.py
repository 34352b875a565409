"""The import page (``GET /imports``): choose an installed adapter, upload the CRM export's
files, preview what the import would change (a dry run), then apply it.

The form posts (``POST /imports``, htmx, multipart) with ``action=preview`` or ``apply``; both
call :func:`kamcore_server.uploads.import_uploads` (so :func:`kamcore.operations.import_with`),
as the API does. The preview carries the fingerprint of the files it read, and applying
refuses other files (nothing written): what is applied is what was previewed. Stateless: the
browser keeps the files between the two. A refusal lists each problem with its file, line and
field, and nothing is written.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from kamcore.errors import InvalidInputError, KamError
from kamcore.plugin.registry import get_registry
from kamcore.store import Workspace

from ..principal import Principal
from ..problems import Denied
from ..rules import KamRouter, checker, workspace
from ..uploads import import_uploads
from .rendering import PageRoute, page

router = KamRouter(tags=["pages"], include_in_schema=False, route_class=PageRoute)

#: The adapters' options the page offers (each a text field, sent only when filled).
OPTIONS: Final = ("encoding", "object")


@router.get("/imports", access="read", response_class=HTMLResponse)
def import_page(request: Request, who: Principal = Depends(checker("read"))) -> HTMLResponse:
    """The import form: the installed adapters, the files, the adapters' options (to a
    viewer, who may not import, the page says so instead)."""
    adapters = sorted(get_registry().adapters.values(), key=lambda a: a.name)
    return page(request, who, "imports.html", adapters=adapters,
                may_write=who.role in ("admin", "member"))


@router.post("/imports", access="write", response_class=HTMLResponse)
async def run_import(request: Request, who: Principal = Depends(checker("write")),
                     ws: Workspace = Depends(workspace)) -> HTMLResponse:
    """Preview (dry run) or apply the import the form describes; the result fragment: what
    changes per kind of record, or each problem with its file, line and field."""
    form = await request.form()
    files = [value for value in form.getlist("files") if isinstance(value, UploadFile)]
    text = {name: str(value) for name, value in form.items() if isinstance(value, str)}
    apply = text.get("action") == "apply"
    options = {name: text[name].strip() for name in OPTIONS if text.get(name, "").strip()}
    result: dict[str, Any] = {"applied": apply, "adapter": text.get("adapter", "")}
    try:
        summary, fingerprint = import_uploads(
            ws, who, text.get("adapter", ""), files, dry_run=not apply, options=options,
            expect=(text.get("fingerprint") or None) if apply else None)
        result.update(summary=summary, fingerprint=fingerprint)
    except InvalidInputError as exc:
        result.update(refused=exc.summary, problems=exc.problems)
    except Denied as exc:
        result.update(refused=exc.detail, problems=())
    except KamError as exc:
        result.update(refused=str(exc), problems=())
    return page(request, who, "_import_result.html", result=result)

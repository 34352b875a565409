"""The kamcore JSON bundle: one plan with its account's records, each at its revision.

``kam export --format json`` writes it and the ``json`` adapter reads it back, so an export
imported into another workspace and exported again gives the same bytes (but for the
revisions, which are the workspace's own).

Format version 2 (this kamcore writes it) gives every record its ``revision``, the revision it
was exported at: importing the bundle refuses records changed since
(:class:`kamcore.importing.StaleImportError`) unless forced. Version 1 (no revisions, no check
possible) is still read. In both, ``plan`` may be left out (or null): a bundle of an account's
records alone. Every record read is noted with its place in the document
(:func:`kamcore.importing.note_origin`), so a refusal names the file and line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TypeVar

from ..documents import Document, validate_model
from ..errors import InvalidInputError
from ..model import (
    Account,
    Opportunity,
    Plan,
    Record,
    Relationship,
    Review,
    ScoreCard,
    Stakeholder,
)
from ..plugin.contributions import ExportContext

R = TypeVar("R", bound=Record)

FORMAT = "kamcore-bundle"
FORMAT_VERSION = 2
#: The versions this kamcore reads (1: records without their revision).
READABLE_VERSIONS = (1, 2)
#: Metadata of the workspace a bundle leaves out (the revision travels: see above).
_META = {"created_at", "updated_at", "updated_by"}

#: Bundle keys holding lists of records, and their type.
LISTS: dict[str, type[Record]] = {
    "stakeholders": Stakeholder,
    "relationships": Relationship,
    "opportunities": Opportunity,
    "reviews": Review,
    "score_cards": ScoreCard,
}


def _plain(record: Record) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude=_META)


def bundle_of(context: ExportContext) -> dict[str, Any]:
    """The bundle for an export context, as plain JSON data."""
    snapshot = context.snapshot
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "account": _plain(snapshot.account),
        "plan": _plain(context.plan),
        "stakeholders": [_plain(r) for r in snapshot.stakeholders],
        "relationships": [_plain(r) for r in snapshot.relationships],
        "opportunities": [_plain(r) for r in snapshot.opportunities],
        "reviews": [_plain(r) for r in snapshot.reviews_of(context.plan.id)],
        "score_cards": [_plain(r) for r in snapshot.score_cards],
    }


def render_json(context: ExportContext) -> str:
    """The bundle as indented JSON with sorted keys."""
    return json.dumps(bundle_of(context), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def records_of(doc: Document) -> Iterator[Record]:
    """The records of a bundle document, account first, then the plan (if there is one) and
    the lists, each validated with its location and noted for the import
    (:func:`kamcore.importing.note_origin`)."""
    data = doc.data
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidInputError(f"{doc.source}: not a kamcore bundle",
                                [doc.problem(("format",), f"expected format: {FORMAT}")])
    version = data.get("format_version")
    if version not in READABLE_VERSIONS:
        readable = ", ".join(str(v) for v in READABLE_VERSIONS)
        raise InvalidInputError(
            f"{doc.source}: bundle format_version {version!r} is not supported (this kamcore "
            f"reads {readable})")
    yield _read(Account, data.get("account"), doc, ("account",))
    if data.get("plan") is not None:
        yield _read(Plan, data["plan"], doc, ("plan",))
    for key, cls in LISTS.items():
        items = data.get(key, [])
        if not isinstance(items, list):
            raise InvalidInputError(f"{doc.source}: invalid bundle",
                                    [doc.problem((key,), "must be a list")])
        for index, item in enumerate(items):
            yield _read(cls, item, doc, (key, index))


def _read(cls: type[R], item: Any, doc: Document, path: tuple[str | int, ...]) -> R:
    """One record of the bundle, validated at ``path`` and noted as read there."""
    from ..importing import note_origin

    record = validate_model(cls, item, doc, path)
    note_origin(record, doc, path)
    return record

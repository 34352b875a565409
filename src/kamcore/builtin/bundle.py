"""The kamcore JSON bundle: one plan with its account's records, free of workspace metadata.

``kam export --format json`` writes it and the ``json`` adapter reads it back, so an export
imported into another workspace and exported again gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

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

FORMAT = "kamcore-bundle"
FORMAT_VERSION = 1
_META = {"revision", "created_at", "updated_at", "updated_by"}

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
    """The records of a bundle document, account first, each validated with its location
    (the plan's is noted for the import's section check: :func:`kamcore.importing.note_origin`)."""
    from ..importing import note_origin

    data = doc.data
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidInputError(f"{doc.source}: not a kamcore bundle",
                                [doc.problem(("format",), f"expected format: {FORMAT}")])
    if data.get("format_version") != FORMAT_VERSION:
        raise InvalidInputError(
            f"{doc.source}: bundle format_version {data.get('format_version')!r} is not "
            f"supported (this kamcore reads {FORMAT_VERSION})")
    yield validate_model(Account, data.get("account"), doc, ("account",))
    plan = validate_model(Plan, data.get("plan"), doc, ("plan",))
    note_origin(plan, doc, ("plan",))
    yield plan
    for key, cls in LISTS.items():
        items = data.get(key, [])
        if not isinstance(items, list):
            raise InvalidInputError(f"{doc.source}: invalid bundle",
                                    [doc.problem((key,), "must be a list")])
        for index, item in enumerate(items):
            yield validate_model(cls, item, doc, (key, index))

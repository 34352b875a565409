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

A bundle written as JSON is read one record at a time (:func:`records_in_json`), so importing
100,000 stakeholders holds the file's text and the record at hand; a YAML bundle is parsed
whole (:func:`records_of`). Both give the same records in the same order, and refuse an
invalid record at the same line and field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from ..documents import Document, validate_model
from ..errors import InvalidInputError
from ..model import (
    Account,
    Opportunity,
    Plan,
    Record,
    Relationship,
    RevenueFact,
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
    "revenue": RevenueFact,
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
        "revenue": [_plain(r) for r in snapshot.revenue],
    }


def render_json(context: ExportContext) -> str:
    """The bundle as indented JSON with sorted keys."""
    return json.dumps(bundle_of(context), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


#: A value of the bundle, the document that locates it, and its path there.
Found = tuple[Any, Document, tuple[str | int, ...]]


def records_of(doc: Document) -> Iterator[Record]:
    """The records of a bundle document, account first, then the plan (if there is one) and
    the lists, each validated with its location and noted for the import
    (:func:`kamcore.importing.note_origin`)."""
    data = doc.data
    if not isinstance(data, dict):
        raise InvalidInputError(f"{doc.source}: not a kamcore bundle",
                                [doc.problem(("format",), f"expected format: {FORMAT}")])

    def member(key: str) -> Found:
        return data.get(key), doc, (key,)

    def items(key: str) -> Iterator[Found]:
        value = data.get(key, [])
        if not isinstance(value, list):
            raise InvalidInputError(f"{doc.source}: invalid bundle",
                                    [doc.problem((key,), "must be a list")])
        return ((item, doc, (key, index)) for index, item in enumerate(value))

    return _records(doc.source, member, items)


def records_in_json(text: str, source: str) -> Iterator[Record]:
    """The records of a bundle written as JSON ``text``, as :func:`records_of` gives them, but
    read one record at a time (:mod:`kamcore.jsonstream`): the import holds the text and the
    record at hand, not a tree of every value of the bundle."""
    from ..jsonstream import members, value_at

    parts = members(text, source)
    root = Document(None, source, {(): (1, 1)})

    def member(key: str) -> Found:
        if key not in parts:
            return None, root, (key,)
        return _found(value_at(text, source, parts[key].value, (key,)), (key,))

    def items(key: str) -> Iterator[Found]:
        if key not in parts:
            return iter(())
        spans = parts[key].items
        if spans is None:
            raise InvalidInputError(f"{source}: invalid bundle",
                                    [member(key)[1].problem((key,), "must be a list")])
        return (_found(value_at(text, source, span, (key, index)), (key, index))
                for index, span in enumerate(spans))

    return _records(source, member, items)


def _found(doc: Document, path: tuple[str | int, ...]) -> Found:
    return doc.data, doc, path


def _records(source: str, member: Callable[[str], Found],
             items: Callable[[str], Iterator[Found]]) -> Iterator[Record]:
    """The records of a bundle whose top-level values ``member`` finds and whose lists'
    items ``items`` gives, in the order of :func:`records_of`; the format checked first."""
    found, doc, path = member("format")
    if found != FORMAT:
        raise InvalidInputError(f"{source}: not a kamcore bundle",
                                [doc.problem(path, f"expected format: {FORMAT}")])
    version = member("format_version")[0]
    if version not in READABLE_VERSIONS:
        readable = ", ".join(str(v) for v in READABLE_VERSIONS)
        raise InvalidInputError(
            f"{source}: bundle format_version {version!r} is not supported (this kamcore "
            f"reads {readable})")
    yield _read(Account, *member("account"))
    plan = member("plan")
    if plan[0] is not None:
        yield _read(Plan, *plan)
    for key, cls in LISTS.items():
        for item in items(key):
            yield _read(cls, *item)


def _read(cls: type[R], item: Any, doc: Document, path: tuple[str | int, ...]) -> R:
    """One record of the bundle, validated at ``path`` and noted as read there."""
    from ..importing import note_origin

    record = validate_model(cls, item, doc, path)
    note_origin(record, doc, path)
    return record

"""``hubspot-json``: HubSpot CRM API v3 JSON files (pages of companies, contacts, deals).

PATH is one such file or a folder of them (``*.json``: one or many pages of each object, as
saved from ``GET /crm/v3/objects/{object}?properties=...&associations=...`` or a search).
A file holds one page (:class:`~kamcore_hubspot.objects.Page`) of one object, told by its name
(``...compan...``, ``...contact...``, ``...deal...``) or else by the properties its records
have. A folder's files are read in name order, companies first, then contacts, then deals, so
the associations can be resolved as the CSV exports' are (:mod:`kamcore_hubspot.objects`).

Each file is parsed whole (within kamcore's input size limit) and checked against the page's
shape first: a bad file is refused with its line and field path (``results[2].id``), and
nothing is imported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from kamcore.documents import Document, load_document, validate_model
from kamcore.errors import InvalidInputError, Problem

from .objects import CrmObject, Locate, Page, PathKey, kind_of_properties, object_rows
from .reading import RecordMapper, Row, kind_of


def _locator(doc: Document, index: int) -> Locate:
    def locate(path: PathKey, message: str) -> Problem:
        return doc.problem(("results", index, *path), message)

    return locate


class JsonPages(RecordMapper):
    """The pages under a path, checked when opened; :meth:`records` maps them."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.pages: dict[str, list[tuple[Document, Page]]] = defaultdict(list)
        files = sorted(p for p in path.iterdir() if p.is_file()
                       and p.suffix.lower() == ".json") if path.is_dir() else [path]
        for file in files:
            doc = load_document(file)
            page = validate_model(Page, doc.data, doc)
            kind = kind_of(file) or next(
                (k for k in (kind_of_properties(o.properties) for o in page.results) if k),
                None)
            if kind is not None:
                self.pages[kind].append((doc, page))
            elif page.results:
                raise InvalidInputError(
                    f"{file}: cannot tell whether it holds companies, contacts or deals", [
                        doc.problem(("results", 0, "properties"),
                                    "put the object in the file's name, or read the records "
                                    "with their properties (name/domain, firstname/lastname/"
                                    "email, dealname/dealstage)")])
        if not self.pages and path.is_dir():
            raise InvalidInputError(f"{path}: no HubSpot CRM JSON files found (.json)")

    def rows(self, kind: str) -> Iterator[Row]:
        for doc, page in self.pages.get(kind, []):
            yield from object_rows(kind, self._objects(doc, page.results))

    @staticmethod
    def _objects(doc: Document,
                 objects: list[CrmObject]) -> Iterator[tuple[str, CrmObject, Locate]]:
        for index, obj in enumerate(objects):
            yield f"{doc.source} at results[{index}]", obj, _locator(doc, index)

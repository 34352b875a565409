"""HubSpot CSV exports -> kamcore records.

**Files.** PATH is a folder holding the companies, contacts and deals exports (any of them),
or one such file. A file is recognised by its name (``...companies...``, ``...contacts...``,
``...deals...``, as HubSpot names its exports) or else by its headers (``Deal Name`` /
``Deal Stage`` for deals, ``First Name`` / ``Last Name`` / ``Email`` for contacts,
``Company name`` / ``Company Domain Name`` for companies). Files are streamed row by row in
their encoding (UTF-8 with or without a byte order mark, UTF-16, or a legacy one detected or
given with ``--encoding``; the import's summary says which); headers are HubSpot's labels in
English, German, French or Spanish (:mod:`kamcore_hubspot.labels`), matched without regard to
case; a single file whose name and headers name no object is refused with the headers looked
for.

**Mapping.**

* company -> Account ``hs-company-<Record ID>``: ``Company name``, ``Industry``, ``Annual
  Revenue``, ``Company owner`` (owner), ``Parent Company ID`` (parent);
  ``Company Domain Name`` goes to ``attributes.hubspot.domain``.
* contact -> Stakeholder ``hs-contact-<Record ID>`` in its first associated company
  (``Associated Company IDs``, several separated by ``;``; a ``... (Primary)`` column, when
  exported, names the primary one): ``First Name`` + ``Last Name``, ``Job Title``, ``Email``,
  ``Department``, ``Contact owner`` (seller owner), ``Last Activity Date``. For each *other*
  associated company, one more Stakeholder ``hs-contact-<id>@<company id>`` holds the
  contact's id under the external id system ``hubspot:<company id>``.
* deal -> Opportunity ``hs-deal-<Record ID>`` in its first (or primary) associated company:
  ``Deal Name``, ``Deal Stage``, ``Amount``, ``Close Date``, ``Deal probability`` (a fraction
  0-1 as HubSpot exports it, or a percent), ``Currency``; status from ``Is Closed Won`` /
  ``Is Deal Closed?`` or else a stage named "Closed won" / "Closed lost". Associated contacts
  (``Associated Contact IDs``) are put in ``contact_roles`` with the role ``other`` (HubSpot
  associations carry no buying role).

Every record keeps its HubSpot id under ``external_ids["hubspot"]``; ids are derived from
it, so a re-import updates and never duplicates. Contacts or deals with no associated company
are skipped (every stakeholder and opportunity belongs to an account). Only the columns a file
has are set on the records: the others keep their stored values.

**Values.** Dates: ``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM[:SS]``, ``MM/DD/YYYY [HH:MM]``, ISO
datetimes. Numbers: ``125000``, ``125000.50``, ``125,000.50``. Booleans: true/false, yes/no,
1/0.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from pydantic import ValidationError

from kamcore.csvrows import read_header, stream_csv
from kamcore.errors import InvalidInputError, Problem
from kamcore.importing import note
from kamcore.model import Account, Opportunity, Record, Stakeholder

from .labels import HEADERS, MARKERS, expected, marker_labels

KINDS = ("companies", "contacts", "deals")
M = TypeVar("M", bound=Record)

_TRUE = frozenset({"true", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "off"})
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


# -- values -----------------------------------------------------------------------------------


def parse_date(text: str) -> date:
    """HubSpot's export dates (see the module docs)."""
    value = text.strip()
    us = _US_DATE.match(value)
    try:
        if us:
            return date(int(us.group(3)), int(us.group(1)), int(us.group(2)))
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value).date()
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD, YYYY-MM-DD HH:MM or MM/DD/YYYY)")


def parse_number(text: str) -> float:
    value = text.strip()
    if _THOUSANDS.match(value):
        value = value.replace(",", "")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"{text!r} is not a finite number")
    return number


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{text!r} is not a boolean (use true/false, yes/no or 1/0)")


def parse_id(text: str) -> str:
    value = text.strip()
    if not value.isascii() or not value.isdigit():
        raise ValueError(f"{text!r} is not a HubSpot record id (digits)")
    return value


# -- rows -------------------------------------------------------------------------------------


class Row:
    """One record with typed getters, its values as text by field (``columns``: field -> index
    into ``values``; ``labels``: the source's name of each value); bad values abort with file,
    line and column. A CSV row as read; other sources subclass it and override :meth:`where`
    and :meth:`fail`."""

    __slots__ = ("columns", "kind", "labels", "line", "source", "values")

    def __init__(self, kind: str, source: str, line: int, columns: Mapping[str, int],
                 labels: Sequence[str], values: Sequence[str]) -> None:
        self.kind, self.source, self.line = kind, source, line
        self.columns, self.labels, self.values = columns, labels, values

    def where(self) -> str:
        """Where the record is, for a message (``file:line``)."""
        return f"{self.source}:{self.line}"

    def present(self, field: str) -> bool:
        return field in self.columns

    def text(self, field: str) -> str | None:
        index = self.columns.get(field)
        if index is None:
            return None
        return self.values[index].strip() or None

    def fail(self, field: str | None, message: str) -> NoReturn:
        index = self.columns.get(field) if field else None
        problem = Problem(message, source=self.source, line=self.line,
                          column=None if index is None else index + 1,
                          path=(self.labels[index],) if index is not None else ())
        raise InvalidInputError(f"invalid {self.kind[:-1]} row at {self.source}:{self.line}; "
                                "nothing imported", [problem])

    def parsed(self, field: str, parse: Callable[[str], Any]) -> Any:
        value = self.text(field)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.fail(field, str(exc))

    def ids(self, field: str) -> list[str]:
        """Several record ids separated by ``;`` (or ``,``), in order, without repeats."""
        value = self.text(field)
        if value is None:
            return []
        out: list[str] = []
        for part in re.split(r"[;,]", value):
            if part.strip():
                try:
                    ident = parse_id(part)
                except ValueError as exc:
                    self.fail(field, str(exc))
                if ident not in out:
                    out.append(ident)
        return out


def _columns(source: str, names: list[str]) -> dict[str, int]:
    """Field -> column index, from HubSpot's header labels."""
    by_label: dict[str, int] = {}
    for index, name in enumerate(names):
        label = name.strip().lower()
        if label in by_label:
            raise InvalidInputError(f"{source}: column {name.strip()!r} appears twice", [
                Problem("duplicate column", source=source, line=1, column=index + 1,
                        path=(name.strip(),))])
        by_label[label] = index
    columns = {}
    for field, labels in HEADERS.items():
        found = next((by_label[label] for label in labels if label in by_label), None)
        if found is not None:
            columns[field] = found
    if "id" not in columns:
        raise InvalidInputError(f"{source}: no Record ID column", [
            Problem("HubSpot exports carry each record's id in 'Record ID' (in the export's "
                    f"language: {expected('id')}); include it in the export", source=source,
                    line=1, path=("Record ID",))])
    return columns


def kind_of(path: Path, header: Sequence[str] | None = None) -> str | None:
    """``companies``, ``contacts`` or ``deals``: from the file name, else from its headers."""
    name = path.stem.lower()
    for kind, words in (("companies", ("compan",)), ("contacts", ("contact",)),
                        ("deals", ("deal",))):
        if any(word in name for word in words):
            return kind
    if header is None:
        return None
    labels = {h.strip().lower() for h in header}
    return next((kind for kind, _ in MARKERS if labels & marker_labels(kind)), None)


def unrecognised(path: Path) -> InvalidInputError:
    """The refusal of a file whose name and headers name no object, listing what is looked
    for in each language."""
    wanted = "; ".join(f"{kind}: " + " / ".join(sorted(marker_labels(kind)))
                       for kind, _ in MARKERS)
    return InvalidInputError(
        f"{path}: cannot tell whether it holds companies, contacts or deals; put the word in "
        "its name, or export it with HubSpot's column labels (English, German, French or "
        "Spanish)", [Problem(f"expected one of these headers -- {wanted}", source=str(path),
                             line=1)])


def read_rows(path: Path, kind: str, encoding: str | None = None) -> Iterator[Row]:
    """Stream one export's rows (line = the row's first line)."""
    source = str(path)
    rows = stream_csv(path, kind[:-1], encoding=encoding)
    _, names = next(rows)
    columns = _columns(source, names)
    if kind != "companies" and not {"companies", "primary_company"} & set(columns):
        note(f"{source}: no Associated Company IDs column (association columns are read under "
             f"HubSpot's English labels only): its {kind} belong to no company and are skipped")
    labels = [name.strip() for name in names]
    for line, values in rows:
        yield Row(kind, source, line, columns, labels, values)


# -- mapping ----------------------------------------------------------------------------------


def _build(cls: type[M], row: Row, fields: dict[str, Any], columns: dict[str, str]) -> M:
    try:
        return cls(**fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = error["loc"]
        row.fail(columns.get(str(loc[0])) if loc else None, str(error["msg"]))


def _set(fields: dict[str, Any], row: Row, column: str, name: str,
         get: Callable[[str], Any]) -> None:
    if row.present(column):
        fields[name] = get(column)


def company_id(ident: str) -> str:
    return f"hs-company-{ident}"


def contact_id(ident: str, company: str | None = None) -> str:
    return f"hs-contact-{ident}" + (f"@{company}" if company else "")


def deal_id(ident: str) -> str:
    return f"hs-deal-{ident}"


class RecordMapper:
    """Maps the rows of companies, contacts and deals to records, the same way whatever their
    source (see the module docs); subclasses say where the rows come from (:meth:`rows`)."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[str, str]] = defaultdict(dict)
        #: contact id -> its stakeholders' company ids (the first is its own)
        self.contact_companies: dict[str, list[str]] = {}

    def rows(self, kind: str) -> Iterator[Row]:
        """The rows of ``kind`` (``companies``, ``contacts``, ``deals``)."""
        raise NotImplementedError

    def _own_id(self, row: Row) -> str:
        ident: str | None = row.parsed("id", parse_id)
        if ident is None:
            row.fail("id", "a record needs its Record ID")
        first = self.seen[row.kind].get(ident)
        if first is not None:
            row.fail("id", f"record {ident} appears twice (also at {first})")
        self.seen[row.kind][ident] = row.where()
        return ident

    def _companies(self, row: Row) -> list[str]:
        ids = row.ids("companies")
        primary = row.ids("primary_company")[:1]
        return primary + [i for i in ids if i not in primary]

    def records(self) -> Iterator[Record]:
        """Companies, then contacts, then deals."""
        for row in self.rows("companies"):
            yield self.company(row)
        for row in self.rows("contacts"):
            yield from self.contact(row)
        for row in self.rows("deals"):
            deal = self.deal(row)
            if deal is not None:
                yield deal

    def company(self, row: Row) -> Account:
        ident = self._own_id(row)
        fields: dict[str, Any] = {"id": company_id(ident), "name": row.text("company_name"),
                                  "external_ids": {"hubspot": ident}}
        if fields["name"] is None:
            row.fail("company_name" if row.present("company_name") else None,
                     "a company needs a name (Company name)")
        _set(fields, row, "industry", "industry", row.text)
        _set(fields, row, "revenue", "annual_revenue", lambda f: row.parsed(f, parse_number))
        _set(fields, row, "company_owner", "owner", row.text)
        if row.present("parent"):
            parent = row.parsed("parent", parse_id)
            if parent == ident:
                row.fail("parent", "a company cannot be its own parent")
            fields["parent_id"] = company_id(parent) if parent else None
        if row.present("domain"):
            fields["attributes"] = {"hubspot": {"domain": row.text("domain")}}
        return _build(Account, row, fields, {"name": "company_name", "industry": "industry",
                                             "annual_revenue": "revenue",
                                             "owner": "company_owner", "parent_id": "parent"})

    def contact(self, row: Row) -> Iterator[Stakeholder]:
        ident = self._own_id(row)
        companies = self._companies(row)
        if not companies:
            return
        self.contact_companies[ident] = companies
        name = " ".join(p for p in (row.text("first_name"), row.text("last_name")) if p) \
            or row.text("email")
        if not name:
            row.fail("last_name" if row.present("last_name") else None,
                     "a contact needs a name (First Name / Last Name) or an Email")
        common: dict[str, Any] = {"name": name}
        _set(common, row, "title", "title", row.text)
        _set(common, row, "email", "email", row.text)
        _set(common, row, "department", "business_unit", row.text)
        _set(common, row, "contact_owner", "seller_owner", row.text)
        _set(common, row, "last_activity", "last_contact",
             lambda f: row.parsed(f, parse_date))
        columns = {"title": "title", "email": "email", "business_unit": "department",
                   "seller_owner": "contact_owner", "last_contact": "last_activity",
                   "name": "last_name"}
        own, *others = companies
        yield _build(Stakeholder, row, {"id": contact_id(ident), "account_id": company_id(own),
                                        **common, "external_ids": {"hubspot": ident}}, columns)
        for other in others:
            yield _build(Stakeholder, row, {
                "id": contact_id(ident, other), "account_id": company_id(other), **common,
                "external_ids": {f"hubspot:{other}": ident}}, columns)

    def deal(self, row: Row) -> Opportunity | None:
        ident = self._own_id(row)
        companies = self._companies(row)
        if not companies:
            return None
        company = companies[0]
        fields: dict[str, Any] = {"id": deal_id(ident), "account_id": company_id(company),
                                  "name": row.text("deal_name"),
                                  "external_ids": {"hubspot": ident}}
        if fields["name"] is None:
            row.fail("deal_name" if row.present("deal_name") else None,
                     "a deal needs a name (Deal Name)")
        _set(fields, row, "stage", "stage", row.text)
        _set(fields, row, "amount", "amount", lambda f: row.parsed(f, parse_number))
        _set(fields, row, "close_date", "close_date", lambda f: row.parsed(f, parse_date))
        _set(fields, row, "currency", "currency", row.text)
        if row.present("probability"):
            probability = row.parsed("probability", parse_number)
            fields["probability"] = (probability * 100 if probability is not None
                                     and 0 <= probability <= 1 else probability)
        status = self._status(row)
        if status is not None:
            fields["status"] = status
        if row.present("contacts"):
            roles: dict[str, str] = {}
            for contact in row.ids("contacts"):
                known = self.contact_companies.get(contact, [])
                sid = contact_id(contact, company if company in known[1:] else None)
                roles[sid] = "other"
            fields["contact_roles"] = roles
        return _build(Opportunity, row, fields, {
            "name": "deal_name", "stage": "stage", "amount": "amount",
            "close_date": "close_date", "probability": "probability", "currency": "currency"})

    @staticmethod
    def _status(row: Row) -> str | None:
        won = row.parsed("won", parse_bool)
        closed = row.parsed("closed", parse_bool)
        if won:
            return "won"
        if closed:
            return "lost"
        if closed is False:
            return "open"
        stage = (row.text("stage") or "").lower().replace("-", " ")
        if stage in ("closed lost", "lost"):
            return "lost"
        if stage in ("closed won", "won") and won is None:
            return "won"
        return "open" if won is False or row.present("stage") else None


class HubSpotExport(RecordMapper):
    """The CSV export files under a path; :meth:`records` streams their records."""

    def __init__(self, path: Path, encoding: str | None = None) -> None:
        super().__init__()
        self.encoding = encoding
        self.files: dict[str, list[Path]] = defaultdict(list)
        candidates = sorted(p for p in path.iterdir() if p.is_file()
                            and p.suffix.lower() == ".csv") if path.is_dir() else [path]
        for file in candidates:
            kind = kind_of(file) or kind_of(file, read_header(file, encoding))
            if kind is not None:
                self.files[kind].append(file)
            elif not path.is_dir():
                raise unrecognised(file)
        if not self.files:
            raise InvalidInputError(f"{path}: no HubSpot companies, contacts or deals export "
                                    "found (.csv files)")

    def rows(self, kind: str) -> Iterator[Row]:
        for file in self.files.get(kind, []):
            yield from read_rows(file, kind, self.encoding)

"""Account movements: what changed at the customer since a moment, as findings with evidence.

A *movement* is news about the customer read from the history the workspace keeps: a sync or
an import writes what changed in the CRM as new revisions of stakeholders and opportunities,
``updated_by`` naming the source (``sync:salesforce``). The account's records as they were at
the moment (the last revision saved before it) are compared with what they are now, and each
movement is credited to the revision from which the new state held: when, which revision, who
wrote it, and the record's CRM ids. The kinds (finding codes; source ``kamcore``; warnings:
news that outdates the plan until it is reviewed, not an error in its data):

``movement-new-economic-buyer``  a stakeholder holds the economic buyer role (the
                                 methodology's ``economic_buyer_role``, see
                                 :mod:`kamcore.methodology.staleness`) who did not hold it on
                                 the account at the moment: new to the account, moved here, or
                                 given the role since
``movement-new-executive``       a C-level stakeholder (:attr:`Stakeholder.is_executive`, the
                                 definition :mod:`kamcore.coverage` counts) who was not one on
                                 the account at the moment; not said again of a new economic
                                 buyer
``movement-left``                a champion or sponsor (roles :data:`SPONSOR_ROLES`), an
                                 economic buyer or a C-level stakeholder on the account at the
                                 moment is no longer there: removed, moved to another account,
                                 or marked as gone (``Stakeholder.left_on``)
``movement-title-changed``       the title of a *key* stakeholder changed. Key: holds a role of
                                 the plan's buying centre (a role of the methodology's role
                                 vocabulary; any role when there is no methodology or it names
                                 none) or a champion or sponsor role, is on the plan's
                                 stakeholder map, or has an influence of :data:`KEY_INFLUENCE`
                                 or more (at the moment or now)
``movement-new-competitor``      a competitor named on an open opportunity of the account that
                                 was not named on it at the moment (a new opportunity's
                                 competitors count)

A placeholder (a person not known yet) is never a new economic buyer or executive, and never
leaves. Changes undone since the moment are no movement (the states are compared, not each
step).

The moment a plan's movements count from (:func:`plan_since`) is when its last review was
recorded (the latest recorded, whatever the day it was held), else when the plan was created:
recording a review clears them.

Only the records of the account saved since its moment, and records removed or moved between
accounts since, are read (:meth:`~kamcore.store.Workspace.versions_since`), in one pass for
any number of accounts (:func:`find_movements` takes them all at once).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar

import attrs

from .dates import as_utc
from .model import Opportunity, Record, Stakeholder

if TYPE_CHECKING:
    from .methodology import Methodology
    from .model import Finding, Plan, Review
    from .store import Version, Workspace

#: Roles of the people who carry us inside the account: their leaving is a movement.
SPONSOR_ROLES = frozenset({"champion", "sponsor", "executive_sponsor"})
#: From this influence on (1-5), a stakeholder is key whatever their roles.
KEY_INFLUENCE = 4
SOURCE = "kamcore"

R = TypeVar("R", bound=Record)


@attrs.frozen
class Evidence:
    """What shows a movement: the record (``record`` kind, ``record_id``, ``name``), the
    ``field`` that moved from ``old`` to ``new``, and the revision that moved it: its number,
    when it was saved (``at``) and by whom (``by``: the source, e.g. ``sync:salesforce``), with
    the CRM ids the record has (``external_ids``, system -> id)."""

    record: str
    record_id: str
    name: str
    field: str
    old: Any
    new: Any
    revision: int
    at: datetime
    by: str | None
    external_ids: Mapping[str, str] = attrs.field(factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (``at`` in ISO 8601)."""
        return {"record": self.record, "record_id": self.record_id, "name": self.name,
                "field": self.field, "old": self.old, "new": self.new,
                "revision": self.revision, "at": self.at.isoformat(), "by": self.by,
                "external_ids": dict(self.external_ids)}

    def words(self) -> str:
        """``stakeholder revision 3 saved 2026-12-03 14:05 UTC by sync:salesforce; salesforce
        id 003...``."""
        ids = ", ".join(f"{system} id {ident}" for system, ident in
                        sorted(self.external_ids.items()))
        return (f"{self.record} revision {self.revision} saved "
                f"{self.at.astimezone(UTC):%Y-%m-%d %H:%M} UTC by {self.by or 'unknown'}"
                + (f"; {ids}" if ids else ""))


@attrs.frozen
class Movement:
    """One movement: the finding (code; message: ``text`` then the evidence in words; subject:
    the record's id), ``text`` (the movement alone, e.g. ``Ed Buyer is a new economic buyer:
    added to the account``) and its evidence."""

    finding: Finding
    text: str
    evidence: Evidence

    def as_dict(self) -> dict[str, Any]:
        """The finding's fields with ``text`` and ``evidence``."""
        return {**self.finding.model_dump(mode="json"), "text": self.text,
                "evidence": self.evidence.as_dict()}


@attrs.frozen
class Scope:
    """Where movements are looked for: account ``account_id`` since ``since``, judged for
    ``plan`` and its ``methodology`` when given (the economic buyer role, the buying centre's
    roles and stakeholder map that make a stakeholder key)."""

    account_id: str
    since: datetime
    plan: Plan | None = None
    methodology: Methodology | None = None


def plan_since(plan: Plan, reviews: Iterable[Review]) -> datetime:
    """When ``plan``'s movements count from: when the latest of its ``reviews`` was recorded
    (a review recorded today for a past date clears what moved before it), else when the
    plan was created (now for a plan never saved)."""
    recorded = [as_utc(r.created_at) for r in reviews
                if r.plan_id == plan.id and r.created_at is not None]
    if recorded:
        return max(recorded)
    return as_utc(plan.created_at) if plan.created_at is not None else datetime.now(UTC)


def find_movements(workspace: Workspace, scopes: Sequence[Scope]) -> list[list[Movement]]:
    """The movements of each scope, in the order given, each list oldest first.

    One read for all scopes: the records of each account saved since its (earliest) moment,
    and the records removed or moved between accounts since the earliest moment.
    """
    if not scopes:
        return []
    moments: dict[str, str] = {}
    for scope in scopes:
        text = as_utc(scope.since).astimezone(UTC).isoformat()
        moments[scope.account_id] = min(text, moments.get(scope.account_id, text))
    people = _by_account(_histories(workspace, Stakeholder, moments))
    deals = _by_account(_histories(workspace, Opportunity, moments))
    found = []
    for scope in scopes:
        moment = as_utc(scope.since)
        touched = [(_split(h, moment), True) for h in people.get(scope.account_id, ())] + \
            [(_split(h, moment), False) for h in deals.get(scope.account_id, ())]
        judge = _Judge(scope) if any(window for (_base, window), _person in touched) else None
        moves: list[Movement] = []
        for (baseline, window), person in touched:
            if window and judge is not None:
                moves.extend(judge.stakeholder(baseline, window) if person
                             else judge.opportunity(baseline, window))
        found.append(sorted(moves, key=lambda m: (m.evidence.at, m.finding.code,
                                                  m.evidence.record_id)))
    return found


@attrs.frozen
class _Seen:
    """One version of a record: None when it was the removal."""

    revision: int
    at: datetime
    by: str | None
    record: Any


def _histories(workspace: Workspace, cls: type[R],
               moments: Mapping[str, str]) -> list[list[_Seen]]:
    def seen(version: Version) -> _Seen:
        record = None if version.data is None else cls.model_validate_json(version.data)
        return _Seen(version.revision, as_utc(datetime.fromisoformat(version.saved_at)),
                     version.saved_by, record)

    return [[seen(v) for v in versions]
            for versions in workspace.versions_since(cls, moments).values()]


def _by_account(histories: Iterable[list[_Seen]]) -> dict[str, list[list[_Seen]]]:
    """Each history under every account its record belonged to at some version."""
    index: dict[str, list[list[_Seen]]] = {}
    for history in histories:
        for account_id in {seen.record.account_id for seen in history if seen.record}:
            index.setdefault(account_id, []).append(history)
    return index


def _split(history: list[_Seen], moment: datetime) -> tuple[_Seen | None, list[_Seen]]:
    """The version current at ``moment`` (None if the record did not exist yet) and those saved
    since, oldest first."""
    before = [seen for seen in history if seen.at < moment]
    return (before[-1] if before else None), history[len(before):]


def _settled(window: Sequence[_Seen], holds: Callable[[Any], bool]) -> _Seen:
    """The version from which ``holds`` is true up to the newest (which it must hold for)."""
    start = len(window) - 1
    while start > 0 and holds(window[start - 1].record):
        start -= 1
    return window[start]


def _names(competitor: str) -> Callable[[Any], bool]:
    """Whether a version of an opportunity names ``competitor``."""
    return lambda deal: deal is not None and competitor in deal.competitors


def _who(person: Stakeholder) -> str:
    return f"{person.name} ({person.title})" if person.title else person.name


class _Judge:
    """Turns the versions of one account's records into movements, for one scope."""

    def __init__(self, scope: Scope) -> None:
        from .methodology.staleness import DEFAULT_ECONOMIC_BUYER_ROLE, economic_buyer_role

        self.scope = scope
        methodology = scope.methodology
        self.buyer = (economic_buyer_role(methodology) if methodology is not None
                      else DEFAULT_ECONOMIC_BUYER_ROLE)
        self.buying_roles = (frozenset(methodology.roles)
                             if methodology is not None and methodology.roles else None)

    @functools.cached_property
    def mapped(self) -> frozenset[str]:
        """The ids on the plan's stakeholder map (read when a title changed)."""
        from .shapes import shaped_items

        if self.scope.plan is None:
            return frozenset()
        return frozenset(
            shaped.item["stakeholder_id"] for shaped in
            shaped_items(self.scope.plan, self.scope.methodology, ("stakeholder_entry",))
            if isinstance(shaped.item.get("stakeholder_id"), str))

    # predicates on one version of a stakeholder (None: removed, or not created yet)

    def _here(self, person: Stakeholder | None) -> TypeGuard[Stakeholder]:
        return (person is not None and person.account_id == self.scope.account_id
                and person.left_on is None)

    def _buyer(self, person: Stakeholder | None) -> bool:
        return self._here(person) and not person.placeholder and self.buyer in person.roles

    def _executive(self, person: Stakeholder | None) -> bool:
        return self._here(person) and not person.placeholder and person.is_executive

    def _carries(self, person: Stakeholder) -> bool:
        """Whose leaving is a movement: a champion or sponsor, economic buyer or executive."""
        return not person.placeholder and bool(
            person.roles & SPONSOR_ROLES or self.buyer in person.roles or person.is_executive)

    def _key(self, person: Stakeholder) -> bool:
        roles = person.roles if self.buying_roles is None else person.roles & self.buying_roles
        return bool(roles or person.roles & SPONSOR_ROLES or person.id in self.mapped
                    or (person.influence or 0) >= KEY_INFLUENCE)

    # movements

    def stakeholder(self, baseline: _Seen | None, window: Sequence[_Seen]) -> list[Movement]:
        """The movements of one stakeholder from ``baseline`` through ``window``."""
        was: Stakeholder | None = baseline.record if baseline is not None else None
        now: Stakeholder | None = window[-1].record
        before = was if self._here(was) else None
        after = now if self._here(now) else None
        out = []
        if after is not None and self._buyer(after) and not self._buyer(before):
            out.append(self._arrival(was, after, window, "movement-new-economic-buyer",
                                     f"a new {self.buyer.replace('_', ' ')}", self._buyer))
        elif after is not None and self._executive(after) and not self._executive(before):
            out.append(self._arrival(was, after, window, "movement-new-executive",
                                     "a new C-level contact", self._executive))
        if before is not None and after is None and self._carries(before):
            out.append(self._departure(before, now, window))
        if before is not None and after is not None and before.title != after.title \
                and (self._key(before) or self._key(after)):
            seen = _settled(window, lambda p: self._here(p) and p.title == after.title)
            out.append(self._movement(
                "movement-title-changed",
                f"{after.name}'s title changed: {before.title or 'none'} -> "
                f"{after.title or 'none'}", after, "title", before.title, after.title, seen))
        return out

    def _arrival(self, was: Stakeholder | None, now: Stakeholder, window: Sequence[_Seen],
                 code: str, what: str, holds: Callable[[Any], bool]) -> Movement:
        seen = _settled(window, holds)
        old: Any
        new: Any
        if was is None:
            how, field, old, new = "added to the account", "account_id", None, now.account_id
        elif was.account_id != now.account_id:
            how, field, old, new = (f"moved here from account {was.account_id}", "account_id",
                                    was.account_id, now.account_id)
        elif code == "movement-new-economic-buyer":
            how, field, old, new = ("given the role", "roles", sorted(was.roles),
                                    sorted(now.roles))
        else:
            how, field, old, new = ("now C-level", "seniority", was.seniority, now.seniority)
        return self._movement(code, f"{_who(now)} is {what}: {how}", now, field, old, new, seen)

    def _departure(self, before: Stakeholder, now: Stakeholder | None,
                   window: Sequence[_Seen]) -> Movement:
        seen = _settled(window, lambda p: not self._here(p))
        held = sorted(before.roles) or (["C-level"] if before.is_executive else [])
        old: Any
        new: Any
        if now is None:
            how, field, old, new = "removed", "removed", False, True
        elif now.account_id != before.account_id:
            how, field, old, new = (f"moved to account {now.account_id}", "account_id",
                                    before.account_id, now.account_id)
        else:
            how, field, old, new = (f"marked as gone on {now.left_on}", "left_on", None,
                                    str(now.left_on))
        return self._movement("movement-left", f"{' and '.join(held)} {_who(before)} left: {how}",
                              before, field, old, new, seen)

    def opportunity(self, baseline: _Seen | None, window: Sequence[_Seen]) -> list[Movement]:
        """A ``movement-new-competitor`` for each competitor new on an open opportunity."""
        now: Opportunity | None = window[-1].record
        if now is None or now.account_id != self.scope.account_id or now.status != "open":
            return []
        was: Opportunity | None = baseline.record if baseline is not None else None
        known = was.competitors if was is not None and was.account_id == now.account_id \
            else frozenset()
        out = []
        for name in sorted(now.competitors - known):
            seen = _settled(window, _names(name))
            out.append(self._movement(
                "movement-new-competitor",
                f"{name} is a new competitor on the open opportunity {now.name}", now,
                "competitors", sorted(known), sorted(now.competitors), seen))
        return out

    def _movement(self, code: str, text: str, record: Stakeholder | Opportunity, field: str,
                  old: Any, new: Any, seen: _Seen) -> Movement:
        from .checking import finding

        evidence = Evidence(record.kind, record.id, record.name, field, old, new,
                            seen.revision, seen.at, seen.by, dict(record.external_ids))
        return Movement(finding(SOURCE, code, f"{text} ({evidence.words()})",
                                subject=record.id), text, evidence)

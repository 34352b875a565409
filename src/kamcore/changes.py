"""What changed in a plan between two points, in plain words.

A *point* (:class:`PlanPoint`) is a plan revision (``3``), the revision a review looked at
(``review:2``: the second review of the plan in date order; ``review:last``; ``review:ID``), or
``now``. Stakeholders and score cards are not part of the plan record, so the *state* at a point
(:class:`PlanState`) also holds:

- each stakeholder of the account as of the point's moment (the last revision of the
  stakeholder saved at or before it; stakeholders created later are absent). The moment of a
  revision is when it was saved; the moment of a review is when it was recorded (when it took
  its snapshot of the plan revision and score cards);
- the score cards: a review's own snapshot, else the latest card of each rubric scored at or
  before the moment;
- the date overdue actions are judged against: the review's date, the revision's save date, or
  today for ``now``.

:func:`plan_changes` compares two states and names each change with a stable ``kind``:

- stakeholders: ``stakeholder-added``, ``stakeholder-removed``, ``support-moved``,
  ``influence-moved``, ``role-added``, ``role-removed``, ``stakeholder-changed`` (title,
  seniority, relationship strength...);
- objectives: ``objective-added``, ``objective-removed``, ``objective-signed``,
  ``objective-unsigned``, ``objective-changed``;
- actions: ``action-added``, ``action-removed``, ``action-done``, ``action-cancelled``,
  ``action-status``, ``action-overdue`` (open and past due now, not at the earlier point),
  ``action-changed``;
- whitespace cells: ``whitespace-added``, ``whitespace-removed``, ``whitespace-state``,
  ``whitespace-changed``;
- stakeholder-map entries in the plan: ``stakeholder-map-added``, ``stakeholder-map-removed``,
  ``stakeholder-map-support``, ``stakeholder-map-influence``, ``stakeholder-map-changed``;
- risks: ``risk-added``, ``risk-removed``, ``risk-changed``;
- scores: ``score-added``, ``score-removed``, ``score-changed``;
- the plan itself: ``step-changed``, and ``field-changed`` for anything else (a section of no
  known shape, the period, the cadence), described field by field.

Section shapes are recognised generically (see :mod:`kamcore.shapes`), not by section name.

Limitation: stakeholders are found by their current account; one moved to another account since
is not seen at the earlier point.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import attrs

from .diff import IGNORED_FIELDS, Change, diff_values
from .errors import InvalidInputError, NotFoundError
from .model import Plan, Review, ScoreCard, Stakeholder
from .reviews import find_review
from .shapes import SHAPE_WORDS, ShapeName, keyed_items, overdue_since, schema_hints, shape_at

if TYPE_CHECKING:
    from .methodology import Methodology
    from .store import Workspace

_MISSING: Any = object()

#: Stakeholder fields whose change is worth a line (support, influence, roles have their own).
_STAKEHOLDER_FIELDS = ("name", "title", "business_unit", "seniority", "relationship_strength",
                       "decision_authority", "seller_owner")


# -- results ----------------------------------------------------------------------------------


@attrs.frozen
class PlainChange:
    """One change in plain words.

    ``kind`` is a stable kebab-case code (listed in the module docstring); ``subject`` the id
    of what changed (stakeholder, item, rubric) when there is one; ``path`` where it is in the
    plan, for plan changes.
    """

    kind: str
    text: str
    subject: str | None = None
    path: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return attrs.asdict(self)


@attrs.frozen
class PlanPoint:
    """A point in a plan's life: a revision, the revision a review looked at, or now.

    ``at`` is the moment (None for now), ``as_of`` the date overdue items are judged against.
    """

    reference: str
    revision: int
    at: datetime | None
    as_of: date
    review: Review | None = None
    review_number: int | None = None

    @property
    def label(self) -> str:
        """``revision 3 (2026-05-01)``, ``review:1 (customer review on 2026-05-01, plan
        revision 3)`` or ``now (revision 5)``."""
        if self.review is not None:
            return (f"review:{self.review_number} ({self.review.review_kind} review on "
                    f"{self.review.date.isoformat()}, plan revision {self.revision})")
        if self.at is None:
            return f"now (revision {self.revision})"
        return f"revision {self.revision} ({self.at.date().isoformat()})"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "reference": self.reference, "revision": self.revision, "label": self.label,
            "at": self.at.isoformat() if self.at else None, "as_of": self.as_of.isoformat(),
            "review": self.review.id if self.review else None,
        }


@attrs.frozen
class PlanState:
    """A plan as it stood at a point, with the account's stakeholders and score cards then."""

    plan: Plan
    stakeholders: Mapping[str, Stakeholder] = attrs.field(factory=dict)
    score_cards: Mapping[str, ScoreCard] = attrs.field(factory=dict)
    as_of: date = attrs.field(factory=date.today)


@attrs.frozen
class PlanDiff:
    """Two points of a plan, the changes between them in plain words and field by field."""

    plan_id: str
    before: PlanPoint
    after: PlanPoint
    changes: tuple[PlainChange, ...]
    fields: tuple[Change, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``changes`` is the field-level diff of the plan record, ``summary``
        the plain-word changes."""
        return {
            "plan": self.plan_id, "from": self.before.revision, "to": self.after.revision,
            "from_point": self.before.as_dict(), "to_point": self.after.as_dict(),
            "summary": [c.as_dict() for c in self.changes],
            "changes": [c.as_dict() for c in self.fields],
        }


# -- points and states ------------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _saved_at(text: str) -> datetime:
    return _aware(datetime.fromisoformat(text))


def current_point(plan: Plan) -> PlanPoint:
    """``now``: the plan's current revision, the account as it is today."""
    return PlanPoint("now", plan.revision, None, date.today())


def revision_point(workspace: Workspace, plan: Plan, revision: int,
                   reference: str | None = None) -> PlanPoint:
    """Revision ``revision`` of ``plan``, at the moment it was saved."""
    saved = {info.revision: info.saved_at for info in workspace.history(Plan, plan.id)}
    if revision not in saved:
        raise NotFoundError(f"revision of plan {plan.id}", str(revision),
                            [str(number) for number in saved])
    at = _saved_at(saved[revision]) if saved[revision] else None
    return PlanPoint(reference or str(revision), revision, at,
                     at.date() if at else date.today())


def review_point(workspace: Workspace, plan: Plan, review: Review, number: int,
                 reference: str | None = None) -> PlanPoint:
    """The revision ``review`` looked at, at the moment the review was recorded."""
    at = _aware(review.created_at) if review.created_at else None
    if at is None:
        at = revision_point(workspace, plan, review.plan_revision).at
    return PlanPoint(reference or f"review:{number}", review.plan_revision, at, review.date,
                     review, number)


def resolve_point(workspace: Workspace, plan: Plan, reference: str,
                  option: str = "--from") -> PlanPoint:
    """The point ``reference`` names: a revision number, ``review:N`` (1-based, date order),
    ``review:last``, ``review:ID`` or ``now``.

    :raises InvalidInputError: an unreadable reference or a review the plan does not have.
    :raises NotFoundError: a revision the plan does not have.
    """
    text = reference.strip()
    if text in ("now", "current"):
        return current_point(plan)
    if text.isdigit():
        return revision_point(workspace, plan, int(text), text)
    if text.startswith("review:"):
        reviews = sorted(workspace.iter(Review, account_id=plan.account_id),
                         key=lambda r: (r.date, r.id))
        try:
            review = find_review(reviews, plan.id, text.removeprefix("review:"))
        except InvalidInputError as exc:
            raise InvalidInputError(f"{option}: {exc.summary}", exc.problems) from None
        ordered = [r.id for r in reviews if r.plan_id == plan.id]
        return review_point(workspace, plan, review, ordered.index(review.id) + 1, text)
    raise InvalidInputError(f"{option}: {reference!r} is not a plan revision (a number), "
                            "review:N (the N-th review of the plan), review:last, review:ID or "
                            "now")


def stakeholders_at(workspace: Workspace, account_id: str,
                    at: datetime | None) -> dict[str, Stakeholder]:
    """The account's stakeholders as they were at ``at`` (as they are now if None)."""
    current = list(workspace.iter(Stakeholder, account_id=account_id))
    result: dict[str, Stakeholder] = {}
    for person in current:
        if at is None or (person.updated_at is not None and _aware(person.updated_at) <= at):
            result[person.id] = person
            continue
        if person.created_at is not None and _aware(person.created_at) > at:
            continue
        revisions = [info for info in workspace.history(Stakeholder, person.id)
                     if info.saved_at and _saved_at(info.saved_at) <= at]
        if revisions:
            then = workspace.at_revision(Stakeholder, person.id, revisions[-1].revision)
            if then.account_id == account_id:
                result[person.id] = then
    return result


def latest_cards(cards: Iterable[ScoreCard], at: datetime | None = None) -> dict[str, ScoreCard]:
    """The latest card of each rubric scored at or before ``at`` (any time if None)."""
    latest: dict[str, ScoreCard] = {}
    for card in sorted(cards, key=lambda c: (_aware(c.scored_at), c.id)):
        if at is None or _aware(card.scored_at) <= at:
            latest[card.rubric.name] = card
    return latest


def state_at(workspace: Workspace, plan: Plan, point: PlanPoint) -> PlanState:
    """The plan, its account's stakeholders and its score cards at ``point``."""
    record = plan if point.at is None and point.revision == plan.revision else \
        workspace.at_revision(Plan, plan.id, point.revision)
    if point.review is not None:
        cards = latest_cards(point.review.score_cards)
    else:
        cards = latest_cards(workspace.iter(ScoreCard, account_id=plan.account_id), point.at)
    return PlanState(record, stakeholders_at(workspace, plan.account_id, point.at), cards,
                     point.as_of)


def compare(workspace: Workspace, plan_id: str, from_ref: str | None = None,
            to_ref: str | None = None, methodology: Methodology | None = None) -> PlanDiff:
    """The changes of plan ``plan_id`` from ``from_ref`` (default: the revision before
    ``to_ref``) to ``to_ref`` (default: now)."""
    plan = workspace.get(Plan, plan_id)
    after = (resolve_point(workspace, plan, to_ref, "--to") if to_ref is not None
             else current_point(plan))
    before = (resolve_point(workspace, plan, from_ref, "--from") if from_ref is not None
              else revision_point(workspace, plan, max(after.revision - 1, 1)))
    old, new = state_at(workspace, plan, before), state_at(workspace, plan, after)
    fields = diff_values(old.plan.model_dump(mode="json"), new.plan.model_dump(mode="json"))
    return PlanDiff(plan.id, before, after, tuple(plan_changes(old, new, methodology)),
                    tuple(fields))


# -- formatting -------------------------------------------------------------------------------


def _num(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "none" if value is None else str(value)
    return f"{round(float(value), 2):g}"


def _signed(value: Any) -> str:
    if not isinstance(value, int) or isinstance(value, bool):
        return "unknown" if value is None else str(value)
    return f"{value:+d}" if value else "0"


def _text(value: Any) -> str:
    if value is None or value is _MISSING:
        return "none"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value) or "none"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_text(v)}" for k, v in value.items()) + "}"
    return _num(value)


def _value(value: Any) -> Any:
    return None if value is _MISSING else value


def _bare(value: Any) -> str:
    return "none" if value is None or value is _MISSING else str(value)


def _moved(old: Any, new: Any, signed: bool = False) -> str:
    show = _signed if signed else _num
    if isinstance(old, int) and isinstance(new, int):
        direction = "up" if new > old else "down"
        return f"moved {direction} from {show(old)} to {show(new)}"
    return f"moved from {show(old)} to {show(new)}"


# -- comparing --------------------------------------------------------------------------------


def plan_changes(before: PlanState, after: PlanState,
                 methodology: Methodology | None = None) -> list[PlainChange]:
    """Every change from ``before`` to ``after`` in plain words: stakeholders first, then the
    plan (step, sections), then scores."""
    names = {**{k: s.name for k, s in before.stakeholders.items()},
             **{k: s.name for k, s in after.stakeholders.items()}}
    return [
        *stakeholder_changes(before.stakeholders, after.stakeholders),
        *_PlanComparer(before, after, methodology, names).changes(),
        *score_changes(before.score_cards, after.score_cards),
    ]


def stakeholder_changes(before: Mapping[str, Stakeholder],
                        after: Mapping[str, Stakeholder]) -> list[PlainChange]:
    """Stakeholders added or removed; support, influence, roles and other fields moved."""
    out: list[PlainChange] = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old is None and new is not None:
            details = [f"roles {', '.join(sorted(new.roles))}"] if new.roles else []
            if new.influence is not None:
                details.append(f"influence {new.influence}")
            if new.support is not None:
                details.append(f"support {_signed(new.support)}")
            title = f" ({new.title})" if new.title else ""
            out.append(PlainChange(
                "stakeholder-added",
                f"stakeholder {new.name}{title} added" + (f": {', '.join(details)}"
                                                          if details else ""), key))
            continue
        if new is None:
            assert old is not None
            out.append(PlainChange("stakeholder-removed", f"stakeholder {old.name} removed", key))
            continue
        assert old is not None
        if old.support != new.support:
            out.append(PlainChange("support-moved", f"{new.name}: support "
                                   f"{_moved(old.support, new.support, signed=True)}", key))
        if old.influence != new.influence:
            out.append(PlainChange("influence-moved", f"{new.name}: influence "
                                   f"{_moved(old.influence, new.influence)}", key))
        for role in sorted(new.roles - old.roles):
            out.append(PlainChange("role-added", f"{new.name} is now {role}", key))
        for role in sorted(old.roles - new.roles):
            out.append(PlainChange("role-removed", f"{new.name} is no longer {role}", key))
        for field in _STAKEHOLDER_FIELDS:
            was, now = getattr(old, field), getattr(new, field)
            if was != now:
                out.append(PlainChange("stakeholder-changed", f"{new.name}: "
                                       f"{field.replace('_', ' ')} {_text(was)} -> {_text(now)}",
                                       key))
    return out


def score_changes(before: Mapping[str, ScoreCard],
                  after: Mapping[str, ScoreCard]) -> list[PlainChange]:
    """Per rubric: first scored, no longer scored, or total, band or criteria changed."""
    out: list[PlainChange] = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old is None and new is not None:
            band = f" ({new.band})" if new.band else ""
            out.append(PlainChange("score-added", f"score {name}: first scored "
                                   f"{_num(new.total)}{band}", name))
        elif new is None and old is not None:
            out.append(PlainChange("score-removed", f"score {name}: no score any more (was "
                                   f"{_num(old.total)})", name))
        elif old is not None and new is not None:
            parts = []
            if round(old.total, 6) != round(new.total, 6):
                parts.append(f"{_num(old.total)} -> {_num(new.total)}")
            if old.band != new.band:
                parts.append(f"band {old.band or 'none'} -> {new.band or 'none'}")
            if old.rubric.version != new.rubric.version:
                parts.append(f"rubric version {old.rubric.version} -> {new.rubric.version}")
            criteria = [f"{key} {_num(old.values.get(key))} -> {_num(new.values.get(key))}"
                        for key in sorted(set(old.values) | set(new.values))
                        if old.values.get(key) != new.values.get(key)]
            if parts or criteria:
                text = ", ".join(parts) if parts else f"{_num(new.total)} (unchanged)"
                if criteria:
                    text += f"; {', '.join(criteria)}"
                out.append(PlainChange("score-changed", f"score {name}: {text}", name))
    return out


class _PlanComparer:
    """Compares the plan records of two states (one use)."""

    def __init__(self, before: PlanState, after: PlanState, methodology: Methodology | None,
                 names: Mapping[str, str]) -> None:
        self.before, self.after = before, after
        self.methodology = methodology
        self.names = names
        self.hints = schema_hints(methodology)
        self.out: list[PlainChange] = []

    def changes(self) -> list[PlainChange]:
        old = self.before.plan.model_dump(mode="json")
        new = self.after.plan.model_dump(mode="json")
        for key in [*new, *(k for k in old if k not in new)]:
            if key in IGNORED_FIELDS or key in ("id", "sections") or old.get(key) == new.get(key):
                continue
            if key == "step":
                self.out.append(PlainChange(
                    "step-changed", f"step {self._step(old['step'])} -> {self._step(new['step'])}",
                    path="step"))
            else:
                self._fallback(old.get(key, _MISSING), new.get(key, _MISSING), (key,))
        self._walk(old.get("sections", {}), new.get("sections", {}), ("sections",))
        return self.out

    def _step(self, key: str) -> str:
        if self.methodology is not None:
            for step in self.methodology.steps:
                if step.key == key:
                    return f'"{step.title}"'
        return f'"{key}"'

    # sections

    def _walk(self, old: Any, new: Any, path: tuple[str, ...]) -> None:
        old_list = [] if old is _MISSING else old
        new_list = [] if new is _MISSING else new
        if isinstance(old_list, list) and isinstance(new_list, list) and (old_list or new_list) \
                and all(isinstance(i, Mapping) for i in [*old_list, *new_list]):
            shape = shape_at(path, [*old_list, *new_list], self.hints)
            if shape is not None:
                self._list(shape, path, old_list, new_list)
                return
        old_map = {} if old is _MISSING else old
        new_map = {} if new is _MISSING else new
        if isinstance(old_map, Mapping) and isinstance(new_map, Mapping) and \
                not (old is _MISSING and new is _MISSING):
            keys = [*old_map, *(k for k in new_map if k not in old_map)]
            for key in keys:
                self._walk(old_map.get(key, _MISSING), new_map.get(key, _MISSING),
                           (*path, str(key)))
            return
        self._fallback(old, new, path)

    def _fallback(self, old: Any, new: Any, path: tuple[str, ...]) -> None:
        where = ".".join(path)
        if old is _MISSING:
            found = [Change(where, "added", new=new)]
        elif new is _MISSING:
            found = [Change(where, "removed", old=old)]
        else:
            found = diff_values(old, new, where)
        self.out.extend(PlainChange("field-changed", c.describe(), path=c.path) for c in found)

    def _label(self, shape: ShapeName, item: Mapping[str, Any]) -> str:
        if shape == "whitespace_cell":
            return f"whitespace {item.get('business_unit')} / {item.get('product_line')}"
        if shape == "stakeholder_entry":
            person = item.get("stakeholder_id")
            name = self.names.get(person, person) if isinstance(person, str) else None
            return f"stakeholder map: {name or item.get('name') or '?'}"
        ident = f" {item['id']}" if isinstance(item.get("id"), (str, int)) else ""
        title = f' "{item["title"]}"' if isinstance(item.get("title"), str) else ""
        return f"{SHAPE_WORDS[shape]}{ident}{title}"

    def _list(self, shape: ShapeName, path: tuple[str, ...], old: list[Any],
              new: list[Any]) -> None:
        old_items, new_items = keyed_items(shape, old), keyed_items(shape, new)
        where = ".".join(path)
        for key in [*new_items, *(k for k in old_items if k not in new_items)]:
            if key in new_items:
                index, item = new_items[key]
                previous = old_items[key][1] if key in old_items else None
            else:
                index, item = old_items[key]
                previous = None
            location = f"{where}[{index}]"
            subject = str(item["id"]) if isinstance(item.get("id"), (str, int)) else None
            if shape == "stakeholder_entry" and isinstance(item.get("stakeholder_id"), str):
                subject = item["stakeholder_id"]
            label = self._label(shape, item)
            word = "whitespace" if shape == "whitespace_cell" else \
                "stakeholder-map" if shape == "stakeholder_entry" else shape
            if key not in new_items:
                self._add(f"{word}-removed", f"{label} removed", subject, location)
            elif previous is None:
                self._add(f"{word}-added", f"{label} added{self._added_details(shape, item)}",
                          subject, location)
            else:
                self._item(shape, word, label, previous, item, subject, location)
            due = overdue_since(item, self.after.as_of) if shape == "action" and \
                key in new_items else None
            was_overdue = previous is not None and \
                overdue_since(previous, self.before.as_of) is not None
            if due is not None and not was_overdue:
                self._add("action-overdue", f"{label} now overdue: due {due.isoformat()}, still "
                          f"{item.get('status', 'open')}", subject, f"{location}.due")

    def _add(self, kind: str, text: str, subject: str | None, path: str) -> None:
        self.out.append(PlainChange(kind, text, subject, path))

    @staticmethod
    def _added_details(shape: ShapeName, item: Mapping[str, Any]) -> str:
        if shape == "objective":
            signoff = item.get("customer_signoff")
            return (f", {_signoff(signoff)}" if isinstance(signoff, Mapping)
                    else ", not signed off by the customer yet")
        if shape == "whitespace_cell":
            return f": {item.get('state')}"
        if shape == "stakeholder_entry":
            parts = [str(item["role"])] if item.get("role") else []
            parts += [f"influence {item['influence']}"] if "influence" in item else []
            parts += [f"support {_signed(item['support'])}"] if "support" in item else []
            return f" ({', '.join(parts)})" if parts else ""
        if shape == "action":
            parts = [f"owner {item['owner']}"] if item.get("owner") else []
            parts += [f"due {item['due']}"] if item.get("due") else []
            return f" ({', '.join(parts)})" if parts else ""
        if shape == "risk":
            return f" (likelihood {item.get('likelihood')}, impact {item.get('impact')})"
        return ""

    def _item(self, shape: ShapeName, word: str, label: str, old: Mapping[str, Any],
              new: Mapping[str, Any], subject: str | None, location: str) -> None:
        for field in [*new, *(k for k in old if k not in new)]:
            was, now = old.get(field, _MISSING), new.get(field, _MISSING)
            if was == now:
                continue
            path = f"{location}.{field}"
            if shape == "objective" and field == "customer_signoff":
                if isinstance(now, Mapping) and not isinstance(was, Mapping):
                    self._add("objective-signed", f"{label} {_signoff(now)}", subject, path)
                elif isinstance(was, Mapping) and not isinstance(now, Mapping):
                    self._add("objective-unsigned", f"{label} lost its customer sign-off",
                              subject, path)
                else:
                    self._add("objective-changed", f"{label}: sign-off changed, now "
                              f"{_signoff(now)}", subject, path)
            elif shape == "action" and field == "status":
                status = "open" if now is _MISSING else now
                previous = "open" if was is _MISSING else was
                if status == previous:
                    continue
                if status in ("done", "cancelled"):
                    self._add(f"action-{status}", f"{label} {status} (was {previous})",
                              subject, path)
                else:
                    self._add("action-status", f"{label}: status {previous} -> {status}",
                              subject, path)
            elif shape == "whitespace_cell" and field == "state":
                self._add("whitespace-state", f"{label}: {_bare(was)} -> {_bare(now)}",
                          subject, path)
            elif shape == "stakeholder_entry" and field in ("support", "influence"):
                moved = _moved(_value(was), _value(now), signed=field == "support")
                self._add(f"stakeholder-map-{field}", f"{label}: {field} {moved}", subject, path)
            else:
                self._add(f"{word}-changed", f"{label}: {field.replace('_', ' ')} "
                          f"{_text(was)} -> {_text(now)}", subject, path)


def _signoff(signoff: Any) -> str:
    if not isinstance(signoff, Mapping):
        return "not signed off"
    who = str(signoff.get("name") or "the customer")
    if signoff.get("title"):
        who += f" ({signoff['title']})"
    when = f" on {signoff['date']}" if signoff.get("date") else ""
    return f"signed off by {who}{when}"

"""Built-in staleness checks for every plan, whatever its methodology: is the plan still alive?

Findings (``source="kamcore"``; stable codes):

``stakeholder-not-contacted``   warning: a stakeholder who matters (has a role, influence 3+,
                                is C-level or VP, or is on the plan's stakeholder map) was last
                                contacted more than ``contact_days`` ago, or never (subject: the
                                stakeholder; path: their stakeholder-map entry, if any); never
                                a placeholder (no one to contact yet: see
                                :mod:`kamcore.builtin.coverage`), nor a person who left the
                                customer (``left_on``)
``action-overdue``              warning: an action-shaped item of any section (see
                                :mod:`kamcore.shapes`) that is not done or cancelled is past its
                                due date (path: ``sections.<...>[i].due``)
``no-action-in-horizon``        warning: the plan has action-shaped items (or has reached a
                                step that works on a section for them) but no open action due
                                within the next ``horizon_days`` ("the next 90 days of concrete
                                actions")
``action-without-date``         warning: an open action has no due date, so it is no
                                commitment "in the next 30-90 days" (path: its ``due``)
``plan-not-refreshed``          warning: the plan was started (created, or rolled over from the
                                previous period's plan) longer ago than the refresh cycle and
                                not rolled over since: "annual reviews refresh the plan from
                                scratch", so saving it does not count; never for a plan that
                                was rolled over (superseded)
``new-economic-buyer``          warning: a stakeholder holds the economic buyer role now who
                                did not when the last review was recorded (or, for a review
                                that did not record them, whose record was created after it);
                                a placeholder is not a new economic buyer, the person who
                                replaces it is
``staleness-settings-invalid``  error: ``settings.staleness`` cannot be used (only for a
                                methodology built in Python: a loaded document's settings are
                                checked by the methodology schema when it loads)

Settings, in the methodology's ``settings.staleness`` (all optional)::

    staleness:
      contact_days: 90              # 0 turns the contact check off
      overdue_actions: true         # false: the methodology's plugin reports them itself
      horizon_days: 90              # 0 turns the action-horizon checks off
      refresh: 1 year               # default: the cadence of the review kind `annual` or
                                    # `refresh` (with the plan's cadence overrides), else 1 year
      economic_buyer_role: economic_buyer
      new_economic_buyer: true      # false turns that check off

Per plan, the refresh cycle follows the plan's cadence override of ``annual``/``refresh``.

A new economic buyer is a warning, not an error: errors mean the plan's data is wrong and make
``kam plan check`` exit 1 (and block pipelines); a leadership change is news about the
customer that outdates the plan until it is reviewed with them, which the next review (it
records the economic buyers of the day) settles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from ..cadence import Cadence
from ..methodology.staleness import StalenessSettings
from ..plugin.markers import hookimpl
from ..reviews import last_review, plan_cadence

if TYPE_CHECKING:
    from ..methodology import Methodology
    from ..model import Finding, Plan, Severity, Stakeholder
    from ..shapes import ShapedItem
    from ..snapshot import AccountSnapshot

SOURCE = "kamcore"
DEFAULT_REFRESH = "1 year"
#: Review kinds whose cadence is the plan's refresh cycle, in order of preference.
REFRESH_KINDS = ("annual", "refresh")


def _finding(code: str, message: str, *, path: str | None = None, subject: str | None = None,
             severity: Severity = "warning") -> Finding:
    from ..model import Finding

    return Finding(severity=severity, code=code, message=message, path=path, source=SOURCE,
                   subject=subject)


def _who(person: Stakeholder) -> str:
    return f"{person.name} ({person.title})" if person.title else person.name


def _map_entries(items: Sequence[ShapedItem]) -> dict[str, str]:
    """Stakeholder id -> the path of their entry in a stakeholder-map section."""
    entries: dict[str, str] = {}
    for shaped in items:
        person = shaped.item.get("stakeholder_id") if shaped.shape == "stakeholder_entry" else None
        if isinstance(person, str):
            entries.setdefault(person, shaped.location)
    return entries


def _matters(person: Stakeholder, mapped: Mapping[str, str]) -> bool:
    return (bool(person.roles) or (person.influence or 0) >= 3
            or person.seniority in ("c_level", "vp") or person.id in mapped)


def contact_findings(methodology: Methodology, snapshot: AccountSnapshot,
                     items: Sequence[ShapedItem], as_of: date, days: int) -> list[Finding]:
    """``stakeholder-not-contacted`` for each stakeholder who matters and was not contacted
    within ``days`` days of ``as_of`` (none when ``days`` is 0); ``items`` are the plan's
    shaped items (its stakeholder-map entries count)."""
    if days <= 0:
        return []
    mapped = _map_entries(items)
    findings = []
    for person in snapshot.stakeholders:
        if person.placeholder or person.has_left or not _matters(person, mapped):
            continue
        if person.last_contact is None:
            message = (f"no contact with {_who(person)} is recorded; {methodology.name} expects "
                       f"one at least every {days} days")
        else:
            silent = (as_of - person.last_contact).days
            if silent <= days:
                continue
            message = (f"{_who(person)} not contacted for {silent} days (last contact "
                       f"{person.last_contact.isoformat()}); {methodology.name} expects contact "
                       f"at least every {days} days")
        findings.append(_finding("stakeholder-not-contacted", message,
                                 path=mapped.get(person.id), subject=person.id))
    return findings


def overdue_action_findings(items: Sequence[ShapedItem], as_of: date) -> list[Finding]:
    """``action-overdue`` for each open action among the plan's shaped ``items`` that is past
    its due date."""
    from ..shapes import overdue_since

    findings = []
    for shaped in items:
        if shaped.shape != "action":
            continue
        item = shaped.item
        due = overdue_since(item, as_of)
        if due is None:
            continue
        label = repr(item.get("title", f"#{shaped.index + 1}"))
        subject = str(item["id"]) if isinstance(item.get("id"), (str, int)) else None
        findings.append(_finding(
            "action-overdue",
            f"action {label} was due {due.isoformat()} ({(as_of - due).days} days ago) and is "
            f"still {item.get('status', 'open')}",
            path=f"{shaped.location}.due", subject=subject))
    return findings


def horizon_findings(plan: Plan, items: Sequence[ShapedItem], has_action_section: bool,
                     as_of: date, days: int) -> list[Finding]:
    """``action-without-date`` for each open action without a due date, and
    ``no-action-in-horizon`` when no open action is due within ``days`` days of ``as_of``
    (only for plans that hold actions or whose methodology has a section for them)."""
    from datetime import timedelta

    from ..shapes import action_open, due_date

    if days <= 0:
        return []
    actions = [s for s in items if s.shape == "action" and action_open(s.item)]
    findings = [_finding(
        "action-without-date",
        f"action {s.item.get('title', f'#{s.index + 1}')!r} has no due date: a commitment "
        "needs a date within the next 30-90 days",
        path=f"{s.location}.due",
        subject=str(s.item["id"]) if isinstance(s.item.get("id"), (str, int)) else None)
        for s in actions if due_date(s.item) is None]
    horizon = as_of + timedelta(days=days)
    if (actions or has_action_section) and not any(
            (due := due_date(s.item)) is not None and due <= horizon for s in actions):
        findings.append(_finding(
            "no-action-in-horizon",
            f"no open action is due by {horizon.isoformat()}: a plan needs the next {days} days "
            "of concrete actions, each with an owner and a date",
            subject=plan.id))
    return findings


def _reached_actions(plan: Plan, methodology: Methodology) -> bool:
    """True once the plan is at (or past) a step that works on a section holding actions."""
    from ..shapes import schema_hints

    keys = {path[1] for path, shape in schema_hints(methodology).items() if shape == "action"}
    steps = [step.key for step in methodology.steps]
    reached = steps[:steps.index(plan.step) + 1] if plan.step in steps else steps
    return any(keys & set(methodology.step(key).sections) for key in reached)


def refresh_cadence(plan: Plan, methodology: Methodology, settings: StalenessSettings) -> Cadence:
    """How often the plan must be refreshed: ``settings.staleness.refresh``, else the cadence
    of the ``annual`` or ``refresh`` review kind (with the plan's overrides), else 1 year."""
    if settings.refresh is not None:
        return Cadence.parse("refresh", settings.refresh, "plan refresh")
    cadences = {c.kind: c for c in plan_cadence(plan, methodology)}
    for kind in REFRESH_KINDS:
        if kind in cadences:
            return cadences[kind]
    return Cadence.parse("refresh", DEFAULT_REFRESH, "plan refresh")


def refresh_findings(plan: Plan, methodology: Methodology, settings: StalenessSettings,
                     as_of: date) -> list[Finding]:
    """``plan-not-refreshed`` when the plan was started (created or rolled over) longer ago
    than its refresh cycle; a superseded plan is never due."""
    if plan.created_at is None or plan.superseded_by is not None:
        return []
    cadence = refresh_cadence(plan, methodology, settings)
    last = plan.created_at.date()
    due = cadence.next_due(last)
    if due >= as_of:
        return []
    started = "rolled over" if plan.rolled_over_from else "started"
    return [_finding(
        "plan-not-refreshed",
        f"the plan was {started} on {last.isoformat()} ({(as_of - last).days} days ago): it is "
        f"refreshed every {cadence.every} and was due by {due.isoformat()}; refresh it from "
        f"scratch with `kam plan rollover {plan.id} --period NEXT`",
        subject=plan.id)]


def economic_buyer_findings(plan: Plan, snapshot: AccountSnapshot, role: str,
                            as_of: date) -> list[Finding]:
    """``new-economic-buyer`` for each holder of ``role`` who was not one at the last review."""
    review = last_review(snapshot.reviews, plan.id, as_of)
    if review is None:
        return []
    findings = []
    for person in snapshot.stakeholders:
        if role not in person.roles or person.placeholder:
            continue
        if review.economic_buyers is not None:
            new = person.id not in review.economic_buyers
        else:
            new = (person.created_at is not None and review.created_at is not None
                   and person.created_at > review.created_at)
        if new:
            findings.append(_finding(
                "new-economic-buyer",
                f"{_who(person)} is the {role.replace('_', ' ')} now but was not at the last "
                f"review ({review.review_kind} review on {review.date.isoformat()}): a "
                "leadership change makes the plan outdated; review the plan and its objectives "
                "with them",
                subject=person.id))
    return findings


def staleness_findings(plan: Plan, methodology: Methodology, snapshot: AccountSnapshot,
                       as_of: date) -> list[Finding]:
    """Every staleness finding about ``plan`` as of ``as_of``."""
    from ..shapes import shaped_items

    try:
        settings = StalenessSettings.of(methodology)
    except ValueError as exc:
        return [_finding("staleness-settings-invalid", str(exc), severity="error",
                         path=None, subject=plan.id)]
    items = list(shaped_items(plan, methodology, ("stakeholder_entry", "action")))
    findings = contact_findings(methodology, snapshot, items, as_of, settings.contact_days)
    if settings.overdue_actions:
        findings += overdue_action_findings(items, as_of)
    findings += horizon_findings(plan, items, _reached_actions(plan, methodology), as_of,
                                 settings.horizon_days)
    findings += refresh_findings(plan, methodology, settings, as_of)
    if settings.new_economic_buyer:
        findings += economic_buyer_findings(plan, snapshot, settings.economic_buyer_role, as_of)
    return findings


@hookimpl
def kam_check_plan(plan: Plan, methodology: Methodology, snapshot: AccountSnapshot,
                   as_of: date) -> list[Finding]:
    return staleness_findings(plan, methodology, snapshot, as_of)

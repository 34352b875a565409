"""Salesforce Account Plans (API 62.0+) -> a kamcore :class:`~kamcore.model.Plan` of the account.

Salesforce's sales account plans are three objects (Object Reference, API 62.0:
``AccountPlan``, ``AccountPlanObjective``, ``AccountPlanObjectiveMeasure``). Each
``AccountPlan`` becomes the plan ``sf-<Id>`` of its account (``AccountId``), under the
methodology the import names (``sama7`` by default), and fills three of its sections:

=====================================================  ============================================
Salesforce                                             kamcore plan
=====================================================  ============================================
AccountPlan ``RelationshipStrengths``,                 ``swot.strengths``, ``weaknesses``,
``RelationshipWeaknesses``,                            ``opportunities``, ``threats``: one item per
``RelationshipOpportunities``, ``RelationshipThreats`` line of the text (bullets ``-``/``*``/``•``
                                                       dropped)
AccountPlan ``AccountVision``                          ``executive_summary.summary``
AccountPlanObjective (``AccountPlanId``)               an item of ``joint_objectives.objectives``:
                                                       ``id`` ``sf-<Id>``, ``Name`` -> ``title``,
                                                       ``Description``, ``EndDate`` -> ``due``,
                                                       ``Status`` -> ``status``
AccountPlanObjectiveMeasure (``AccountPlanObjectiveId``) an item of the objective's ``measures``:
                                                       ``Name`` -> ``name``, ``CurrentValue`` ->
                                                       ``current``, ``TargetValue`` -> ``target``
=====================================================  ============================================

Objective ``Status`` labels: Not Started -> ``not_started``; In Progress, On Track ->
``on_track``; At Risk, Off Track -> ``at_risk``; Completed, Achieved -> ``achieved``;
Canceled, Cancelled, Dropped -> ``dropped``; any other label leaves the status unset and is
said in the import's notes. Objectives keep the order of their ``EndDate`` (undated last), then
their Id, and measures their Id, so the same org data always gives the same plan.

**Plans pushed from kamcore** (``kam sync push``) carry their kamcore ids in the external id
field ``Kam_Id__c``: a record that has it keeps that id (``<plan id>`` for the plan,
``<plan id>:<objective id>`` for an objective), so a pull after a push updates the same plan.

**Re-imports.** The plan's id derives from the AccountPlan's Id (or its ``Kam_Id__c``), so
importing again updates the same plan. Its methodology and step are set when the plan is
created (the methodology's first step) and kept afterwards (a plan advanced in kamcore stays
where it is). The three sections are *merged* into the stored ones
(:func:`kamcore.importing.merge_sections`): Salesforce's values replace the fields they map to,
objectives are matched by id and measures by name, and what Salesforce does not hold -- the
customer's sign-off, an objective's ``measure`` and ``target`` text, a measure's baseline and
unit, the summary's highlights -- stays. The plan's other sections are left alone. An empty
Salesforce value leaves its part out (it does not clear kamcore's), and an objective deleted in
Salesforce stays in kamcore (imports never delete).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from kamcore.errors import InvalidInputError
from kamcore.importing import note
from kamcore.model import MethodologyRef, Plan

from .rows import Row

if TYPE_CHECKING:
    from kamcore.methodology import Methodology

PLAN_OBJECTS = ("AccountPlan", "AccountPlanObjective", "AccountPlanObjectiveMeasure")
#: The methodology of plans made from Account Plans unless the import names another.
DEFAULT_METHODOLOGY = "sama7"
#: swot key -> the AccountPlan field it comes from.
SWOT_FIELDS: dict[str, str] = {
    "strengths": "RelationshipStrengths", "weaknesses": "RelationshipWeaknesses",
    "opportunities": "RelationshipOpportunities", "threats": "RelationshipThreats",
}
VISION_FIELD = "AccountVision"
#: The external id field ``kam sync push`` keys records by (see
#: :mod:`kamcore_salesforce.outbound`); a record that has it is mapped back onto its plan.
KAM_ID = "Kam_Id__c"
#: The plan sections an Account Plan fills.
PLAN_SECTIONS = ("swot", "executive_summary", "joint_objectives")
#: AccountPlanObjective ``Status`` labels (lower case) -> objective status.
OBJECTIVE_STATUS: dict[str, str] = {
    "not started": "not_started", "in progress": "on_track", "on track": "on_track",
    "at risk": "at_risk", "off track": "at_risk", "completed": "achieved",
    "achieved": "achieved", "canceled": "dropped", "cancelled": "dropped",
    "dropped": "dropped",
}
_BULLET = re.compile(r"^\s*(?:[-*\u2022]\s+)?")

#: Resolves a Salesforce key (18-character Id or ``@reference``) to its record-id token.
Token = Callable[[str], str]


def lines(text: str | None) -> list[str]:
    """The items of a SWOT text: one per non-empty line, list bullets dropped."""
    if not text:
        return []
    return [item for item in (_BULLET.sub("", line).strip() for line in text.splitlines())
            if item]


def objective_status(row: Row) -> str | None:
    """The objective status of an AccountPlanObjective's ``Status`` label (None: unset or
    unknown; an unknown label is noted)."""
    label = row.text("Status")
    if label is None:
        return None
    status = OBJECTIVE_STATUS.get(label.lower())
    if status is None:
        note(f"{row.where()}: AccountPlanObjective Status {label!r} has no kamcore "
             f"equivalent; the objective's status is left unset")
    return status


def _measure(row: Row) -> dict[str, Any]:
    name = row.text("Name")
    if name is None:
        row.fail("Name", "an AccountPlanObjectiveMeasure needs a Name")
    measure: dict[str, Any] = {"name": name}
    for field, key in (("CurrentValue", "current"), ("TargetValue", "target")):
        value = row.number(field)
        if value is not None:
            measure[key] = value
    return measure


def _objective(row: Row, ident: str, measures: list[dict[str, Any]]) -> dict[str, Any]:
    title = row.text("Name")
    if title is None:
        row.fail("Name", "an AccountPlanObjective needs a Name")
    objective: dict[str, Any] = {"id": ident, "title": title}
    description = row.text("Description")
    if description is not None:
        objective["description"] = description
    due = row.date("EndDate")
    if due is not None:
        objective["due"] = due.isoformat()
    status = objective_status(row)
    if status is not None:
        objective["status"] = status
    if measures:
        objective["measures"] = measures
    return objective


class PlanMapper:
    """Builds the plans of one source's Account Plan rows.

    :param rows: the rows of an object (empty for an object the source lacks).
    :param own_key: a row's own key, checked for repeats (fails the row when missing).
    :param token: a key's record-id token (``sf-<token>``).
    :param methodology: the methodology's name; looked up in the installed ones when the first
        AccountPlan is met.
    """

    def __init__(self, rows: Callable[[str], Iterator[Row]], own_key: Callable[[Row], str],
                 token: Token, methodology: str | None = None) -> None:
        self.rows = rows
        self.own_key = own_key
        self.token = token
        self.methodology_name = methodology or DEFAULT_METHODOLOGY
        self._methodology: Methodology | None = None

    def methodology(self) -> Methodology:
        """The installed methodology plans are made under; it must have at least one of the
        sections an Account Plan fills."""
        if self._methodology is None:
            from kamcore.plugin.registry import get_registry

            found = get_registry().methodology(self.methodology_name)
            keys = {section.key for section in found.sections}
            if not keys & set(PLAN_SECTIONS):
                raise InvalidInputError(
                    f"methodology {found.name!r} has none of the sections a Salesforce Account "
                    f"Plan maps to ({', '.join(PLAN_SECTIONS)}); import Account Plans under "
                    f"sama7 or a methodology with those sections (--methodology)")
            missing = [key for key in PLAN_SECTIONS if key not in keys]
            if missing:
                note(f"methodology {found.name!r} has no {', '.join(missing)} section: that "
                     "part of the Account Plans is not imported")
            self._methodology = found
        return self._methodology

    def _parent(self, row: Row, field: str) -> str:
        parent = row.key(field)
        if parent is None:
            row.fail(field, f"an {row.sobject} needs its {field}")
        return parent

    def records(self) -> Iterator[Plan]:
        """One plan per AccountPlan with an ``AccountId`` (others are skipped)."""
        measures: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for row in self.rows("AccountPlanObjectiveMeasure"):
            key = self.own_key(row)
            measures[self._parent(row, "AccountPlanObjectiveId")].append((key, _measure(row)))
        objectives: dict[str, list[tuple[tuple[int, str, str], dict[str, Any]]]] = \
            defaultdict(list)
        for row in self.rows("AccountPlanObjective"):
            key = self.own_key(row)
            owner = self._parent(row, "AccountPlanId")
            own = [measure for _, measure in sorted(measures.pop(key, []), key=lambda m: m[0])]
            objective = _objective(row, row.text(KAM_ID) or f"sf-{self.token(key)}", own)
            due = objective.get("due")
            order = (0 if due else 1, due or "", key)
            objectives[owner].append((order, objective))
        for row in self.rows("AccountPlan"):
            key = self.own_key(row)
            own = [objective for _, objective in sorted(objectives.get(key, []),
                                                        key=lambda o: o[0])]
            plan = self.plan(row, key, own)
            if plan is not None:
                yield plan

    def plan(self, row: Row, key: str, objectives: list[dict[str, Any]]) -> Plan | None:
        """The plan of the AccountPlan ``row`` (its own ``key``); None without ``AccountId``."""
        account = row.key("AccountId")
        if account is None:
            return None
        pushed = row.text(KAM_ID)  # a plan pushed from kamcore: its own id
        plan_id = pushed or f"sf-{self.token(key)}"
        for objective in objectives:  # "<plan id>:<objective id>" -> the objective's id
            objective["id"] = objective["id"].removeprefix(f"{plan_id}:")
        methodology = self.methodology()
        keys = {section.key for section in methodology.sections}
        sections: dict[str, Any] = {}
        swot = {name: lines(row.text(field)) for name, field in SWOT_FIELDS.items()
                if row.present(field)}
        if "swot" in keys and any(swot.values()):
            sections["swot"] = {name: items for name, items in swot.items() if items}
        vision = row.text(VISION_FIELD)
        if "executive_summary" in keys and vision is not None:
            sections["executive_summary"] = {"summary": vision}
        if "joint_objectives" in keys and objectives:
            sections["joint_objectives"] = {"objectives": objectives}
        plan = Plan.model_validate({
            "id": plan_id, "account_id": f"sf-{self.token(account)}",
            "methodology": MethodologyRef(name=methodology.name, version=methodology.version),
            "step": methodology.first_step.key, "sections": sections})
        # a patch: the methodology and step are the plan's own once it exists, and so is the
        # account of a plan pushed from kamcore (its account's id need not be sf-<Id>)
        plan.__pydantic_fields_set__.difference_update(
            {"methodology", "step", *(("account_id",) if pushed else ())})
        return plan

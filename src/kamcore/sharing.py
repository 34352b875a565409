"""What a customer sees of a plan through a share link.

Only the customer-facing parts: the sections the methodology marks ``customer_facing`` (sama7:
joint objectives and the value co-creation plan), whole; the joint objectives in them, each
with its sign-off and change requests; and the actions assigned to the customer (an
action-shaped item anywhere with a ``customer_owner``), reduced to what the customer needs.
Never the internal sections: notes, scores, risks, stakeholder assessments, the account team.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .shapes import shaped_items

if TYPE_CHECKING:
    from .methodology import Methodology
    from .model import Account, Plan

#: the fields of a customer's action the customer sees
CUSTOMER_ACTION_FIELDS = ("id", "title", "customer_owner", "due", "status", "objective")


@attrs.frozen
class CustomerSection:
    """A customer-facing section: its key, title and data as saved."""

    key: str
    title: str
    data: Any


@attrs.frozen
class CustomerView:
    """The customer-facing parts of one plan revision."""

    plan_id: str
    revision: int
    title: str
    sections: tuple[CustomerSection, ...]
    objectives: tuple[Mapping[str, Any], ...]
    customer_actions: tuple[Mapping[str, Any], ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return attrs.asdict(self, recurse=True)


def customer_view(plan: Plan, account: Account, methodology: Methodology) -> CustomerView:
    """The customer-facing parts of ``plan`` (of ``account``) under ``methodology``; the title
    names the account, the methodology and the plan's period."""
    facing = {section.key: section for section in methodology.sections
              if section.customer_facing}
    sections = tuple(CustomerSection(key, section.title, plan.sections[key])
                     for key, section in facing.items() if key in plan.sections)
    objectives = tuple(dict(item.item) for item in shaped_items(plan, methodology, ["objective"])
                       if item.section in facing and "id" in item.item)
    actions = tuple(
        {key: item.item[key] for key in CUSTOMER_ACTION_FIELDS if key in item.item}
        for item in shaped_items(plan, methodology, ["action"])
        if item.item.get("customer_owner")
    )
    title = " ".join(part for part in (account.name, "-", methodology.title, plan.period) if part)
    return CustomerView(plan.id, plan.revision, title, sections, objectives, actions)

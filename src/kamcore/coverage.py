"""What counts as a relevant stakeholder, an active relationship and executive coverage.

One definition, used by the built-in signals (the ``stakeholder-coverage`` rubric), the
methodology checks (sama7's ``few-executive-relationships``) and the programme metrics, so the
same account never has two executive-coverage counts:

- a stakeholder is *relevant* when they have a role, an influence of 3 or more, or are a VP or
  C-level, and have not left the customer (``left_on``);
- a relationship is *active* when its strength is 2 or more and the last contact was at most
  :data:`ACTIVE_WITHIN_DAYS` days before the day judged; a placeholder, or a person who left,
  is never active;
- *executive coverage* is the number of C-level stakeholders with an active relationship
  ("number of C-level relationships per strategic account: 2+ per account").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Stakeholder

#: A relationship counts as active when the last contact is at most this many days old.
ACTIVE_WITHIN_DAYS = 90
#: Executive coverage the programme aims for: active C-level relationships per account.
EXECUTIVE_COVERAGE_TARGET = 2


def is_relevant(person: Stakeholder) -> bool:
    """True for a stakeholder with a role, an influence of 3 or more, or VP/C-level seniority,
    who has not left the customer."""
    return not person.has_left and (bool(person.roles) or (person.influence or 0) >= 3
                                    or person.seniority in {"c_level", "vp"})


def is_active(person: Stakeholder, today: date) -> bool:
    """True when we hold an active relationship with ``person`` on ``today``: strength 2 or
    more, last contact within :data:`ACTIVE_WITHIN_DAYS` days, not a placeholder, not a person
    who left the customer."""
    recent = (person.last_contact is not None
              and (today - person.last_contact).days <= ACTIVE_WITHIN_DAYS)
    return ((person.relationship_strength or 0) >= 2 and recent and not person.placeholder
            and not person.has_left)


def executive_relationships(people: Iterable[Stakeholder], today: date) -> list[Stakeholder]:
    """The C-level stakeholders we hold an active relationship with on ``today``."""
    return [p for p in people if p.is_executive and is_active(p, today)]

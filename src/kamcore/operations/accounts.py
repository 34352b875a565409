"""Accounts: add one, edit one, set its tier from a rubric's band."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from ..errors import InvalidInputError, Problem
from ..model import Account, ScoreCard
from ..snapshot import latest_by_rubric
from ..store import Workspace
from .actor import Actor
from .ids import slug
from .records import build, create, edit


def add_account(workspace: Workspace, actor: Actor, name: str, *, account_id: str | None = None,
                industry: str | None = None, annual_revenue: float | None = None,
                owner: str | None = None, tier: str | None = None,
                parent_id: str | None = None, business_units: Collection[str] = (),
                external_ids: Mapping[str, str] | None = None) -> Account:
    """Add an account; its id defaults to the name in lower-case-dashes.

    :raises InvalidInputError: a field is invalid.
    :raises NotFoundError: ``parent_id`` names no account.
    :raises ConflictError: an account with that id exists.
    """
    record = build(Account, {
        "id": account_id or slug(name, "account"), "name": name, "industry": industry,
        "annual_revenue": annual_revenue, "owner": owner, "tier": tier, "parent_id": parent_id,
        "business_units": frozenset(business_units), "external_ids": dict(external_ids or {}),
    })
    if parent_id:
        workspace.get(Account, parent_id)
    return create(workspace, actor, record)


def edit_account(workspace: Workspace, actor: Actor, account_id: str,
                 changes: Mapping[str, Any], *, clear: Collection[str] = (),
                 base_revision: int | None = None) -> Account:
    """Change fields of an account (see :func:`kamcore.operations.records.edit`); a new
    ``parent_id`` must name another existing account."""
    parent_id = changes.get("parent_id")
    if parent_id:
        if parent_id == account_id:
            raise InvalidInputError(f"account {account_id!r} cannot be its own parent",
                                    [Problem("names the account itself", path=("parent_id",))])
        workspace.get(Account, parent_id)
    return edit(workspace, actor, Account, account_id, changes, clear=clear,
                base_revision=base_revision)


def set_tier_from_rubric(workspace: Workspace, actor: Actor, account_id: str, rubric: str, *,
                         base_revision: int | None = None) -> tuple[Account, ScoreCard]:
    """Set the account's tier to the band of its latest score card of ``rubric`` (any card
    of the account, its own or a plan's; the latest scored). The account needs no plan.

    :return: the account (unchanged when its tier is that band already) and the card used.
    :raises NotFoundError: no such account.
    :raises InvalidInputError: the account has no card of that rubric, or the card has no
        band (the rubric defines none).
    :raises ConflictError: the account moved past ``base_revision``.
    """
    workspace.get(Account, account_id)
    card = latest_by_rubric(workspace.iter(ScoreCard, account_id=account_id)).get(rubric)
    if card is None:
        raise InvalidInputError(
            f"account {account_id!r} has no score card of rubric {rubric!r}: score it with "
            "that rubric first",
            [Problem("no score card", path=("tier",))])
    if card.band is None:
        raise InvalidInputError(
            f"score card {card.id} of rubric {rubric!r} has no band to take the tier from",
            [Problem("no band", path=("tier",))])
    account = edit(workspace, actor, Account, account_id, {"tier": card.band},
                   base_revision=base_revision)
    return account, card

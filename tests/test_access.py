"""Who may do what, on a real SQLite workspace: users, account teams, API tokens, share links,
the customer's view through a link and their word on a joint objective."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamcore import hookimpl, operations
from kamcore.errors import ConflictError, InvalidInputError, NotFoundError
from kamcore.model import Account, Plan
from kamcore.operations import Actor, access
from kamcore.planning import AdvanceRefused
from kamcore.plugin.host import make_plugin_host
from kamcore.plugin.registry import Registry
from kamcore.sharing import customer_view
from kamcore.store import Workspace

ADMIN = Actor("root")
CUSTOMER = Actor("Helen Park (customer, share link)")

SHARED = """\
name: kt-shared
version: "1.0"
title: Shared test methodology
description: Joint objectives the customer sees; risks and notes they never see.
steps:
  - key: agree
    title: Agree the objectives
    sections: [objectives, risks, notes, actions]
    gate:
      message: every joint objective needs the customer's sign-off
      schema:
        type: object
        required: [objectives]
        properties:
          objectives: {type: array, minItems: 1, items: {required: [customer_signoff]}}
  - key: deliver
    title: Deliver
sections:
  - key: objectives
    title: Joint objectives
    customer_facing: true
    schema: {type: array, items: {$ref: "urn:kamcore:shape:objective"}}
  - key: risks
    title: Risks
    schema: {type: array, items: {$ref: "urn:kamcore:shape:risk"}}
  - key: notes
    title: Internal notes
    schema: {type: string}
  - key: actions
    title: Actions
    schema: {type: array, items: {$ref: "urn:kamcore:shape:action"}}
"""


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    (tmp_path / "kt-shared.yaml").write_text(SHARED, encoding="utf-8")

    class Shared:
        @hookimpl
        def kam_methodologies(self) -> list[Path]:
            return [tmp_path / "kt-shared.yaml"]

    return Registry(make_plugin_host(entry_points=False, strict=True, extra={"s": Shared()}))


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = Workspace.open(tmp_path / "kam.db", create=True)
    yield workspace
    workspace.close()


@pytest.fixture
def plan(ws: Workspace, registry: Registry) -> Plan:
    account = operations.add_account(ws, ADMIN, "Acme Corp.")
    plan = operations.new_plan(ws, ADMIN, account.id, "kt-shared", registry=registry)
    operations.set_section(ws, ADMIN, plan.id, "objectives",
                           [{"id": "o1", "title": "Cut warehouse costs by 10%"}],
                           registry=registry)
    operations.set_section(ws, ADMIN, plan.id, "risks",
                           [{"title": "Competitor X pitching the CFO", "likelihood": 4,
                             "impact": 5}], registry=registry)
    operations.set_section(ws, ADMIN, plan.id, "notes", "CFO is a detractor; keep quiet",
                           registry=registry)
    return operations.set_section(
        ws, ADMIN, plan.id, "actions",
        [{"id": "a1", "title": "Share warehouse data", "owner": "Dana (internal)",
          "customer_owner": "Helen Park", "due": "2027-01-31"},
         {"id": "a2", "title": "Prepare the discount fight", "owner": "Dana"}],
        registry=registry)


def test_users_roles_and_teams(ws: Workspace, plan: Plan) -> None:
    access.add_user(ws, ADMIN, "ann@example.com", "member", password_hash="$argon2id$x")
    access.add_user(ws, ADMIN, "vic", "viewer")
    with pytest.raises(InvalidInputError, match="exists already"):
        access.add_user(ws, ADMIN, "vic", "admin")
    with pytest.raises(InvalidInputError, match="role 'boss' is not one of admin, member"):
        access.add_user(ws, ADMIN, "bob", "boss")
    with pytest.raises(InvalidInputError, match="user name"):
        access.add_user(ws, ADMIN, "no spaces", "member")
    assert access.add_team_member(ws, ADMIN, plan.account_id, "ann@example.com") is True
    assert access.add_team_member(ws, ADMIN, plan.account_id, "ann@example.com") is False
    with pytest.raises(NotFoundError):
        access.add_team_member(ws, ADMIN, plan.account_id, "nobody")
    assert ws.access.teams_of("ann@example.com") == [plan.account_id]
    changed = access.set_user(ws, ADMIN, "vic", role="admin", disabled=True)
    assert (changed.role, changed.disabled) == ("admin", True)
    assert [u.name for u in access.list_users(ws)] == ["ann@example.com", "vic"]
    assert access.get_user(ws, "ann@example.com").password_hash == "$argon2id$x"


def test_a_token_is_shown_once_stored_hashed_scoped_expiring_and_revocable(
        ws: Workspace, tmp_path: Path) -> None:
    access.add_user(ws, ADMIN, "ann", "member")
    token, secret = access.create_token(ws, ADMIN, "ann", scope="read", expires_days=7)
    assert secret.startswith(f"kam_{token.id}_")
    user, found = access.token_owner(ws, secret)
    assert (user.name, found.scope) == ("ann", "read")
    stored = sqlite3.connect(tmp_path / "kam.db").execute(
        "SELECT secret_hash FROM tokens").fetchall()
    assert secret not in str(stored) and len(stored[0][0]) == 64
    with pytest.raises(access.AccessDenied):
        access.token_owner(ws, secret + "x")
    access.revoke_token(ws, ADMIN, token.id)
    with pytest.raises(access.AccessDenied):
        access.token_owner(ws, secret)
    _, other = access.create_token(ws, ADMIN, "ann")
    access.set_user(ws, ADMIN, "ann", disabled=True)
    with pytest.raises(access.AccessDenied, match="disabled"):
        access.token_owner(ws, other)
    with pytest.raises(InvalidInputError, match="scope"):
        access.create_token(ws, ADMIN, "ann", scope="all")
    with pytest.raises(InvalidInputError, match="1 to 3650"):
        access.create_token(ws, ADMIN, "ann", expires_days=0)


def test_an_expired_token_and_link_are_refused(ws: Workspace, plan: Plan,
                                               tmp_path: Path) -> None:
    access.add_user(ws, ADMIN, "ann", "member")
    _, secret = access.create_token(ws, ADMIN, "ann", expires_days=1)
    _, link = access.create_share(ws, ADMIN, plan.id, "Helen Park", expires_days=1)
    db = sqlite3.connect(tmp_path / "kam.db")
    with db:
        db.execute("UPDATE tokens SET expires_at = '2020-01-01T00:00:00+00:00'")
        db.execute("UPDATE share_links SET expires_at = '2020-01-01T00:00:00+00:00'")
    with pytest.raises(access.AccessDenied):
        access.token_owner(ws, secret)
    with pytest.raises(access.AccessDenied, match="expired"):
        access.open_share(ws, link)


def test_a_share_link_is_signed_and_revocable(ws: Workspace, plan: Plan) -> None:
    record, link = access.create_share(ws, ADMIN, plan.id, "Helen Park")
    assert access.open_share(ws, link).plan_id == plan.id
    forged = record.id + "." + "0" * 32
    with pytest.raises(access.AccessDenied, match="not valid"):
        access.open_share(ws, forged)
    access.revoke_share(ws, ADMIN, record.id)
    with pytest.raises(access.AccessDenied):
        access.open_share(ws, link)
    with pytest.raises(NotFoundError):
        access.create_share(ws, ADMIN, "no-such-plan", "Helen Park")


def test_the_customer_view_holds_only_the_customer_facing_parts(
        ws: Workspace, plan: Plan, registry: Registry) -> None:
    view = customer_view(plan, ws.get(Account, plan.account_id),
                         registry.methodology("kt-shared"))
    text = str(view.as_dict())
    assert [s.key for s in view.sections] == ["objectives"]
    assert [o["id"] for o in view.objectives] == ["o1"]
    assert view.customer_actions == ({"id": "a1", "title": "Share warehouse data",
                                      "customer_owner": "Helen Park", "due": "2027-01-31"},)
    for internal in ("Competitor X", "detractor", "discount fight", "Dana"):
        assert internal not in text


def test_a_customer_sign_off_satisfies_the_gate_and_shows_in_history(
        ws: Workspace, plan: Plan, registry: Registry) -> None:
    with pytest.raises(AdvanceRefused):
        operations.advance(ws, ADMIN, plan.id, registry=registry)
    record, _ = access.create_share(ws, ADMIN, plan.id, "Helen Park")
    asked = operations.request_objective_change(
        ws, CUSTOMER, plan.id, "o1", name="Helen Park", comment="Say 12%, not 10%",
        via=record.id, base_revision=plan.revision, registry=registry)
    assert asked.sections["objectives"][0]["change_requests"][0]["comment"] == "Say 12%, not 10%"
    with pytest.raises(ConflictError):  # a stale page cannot sign over the request
        operations.sign_off_objective(ws, CUSTOMER, plan.id, "o1", name="Helen Park",
                                      base_revision=plan.revision, registry=registry)
    signed = operations.sign_off_objective(ws, CUSTOMER, plan.id, "o1", name="Helen Park",
                                           title="CFO", via=record.id,
                                           base_revision=asked.revision, registry=registry)
    assert signed.sections["objectives"][0]["customer_signoff"]["via"] == record.id
    advanced = operations.advance(ws, ADMIN, plan.id, registry=registry)
    assert advanced.step == "deliver"
    history = ws.history(Plan, plan.id)
    assert [h.saved_by for h in history][-3:] == [CUSTOMER.name, CUSTOMER.name, ADMIN.name]
    with pytest.raises(NotFoundError, match="o9"):
        operations.sign_off_objective(ws, CUSTOMER, plan.id, "o9", name="Helen Park",
                                      registry=registry)
    with pytest.raises(InvalidInputError, match="comment is empty"):
        operations.request_objective_change(ws, CUSTOMER, plan.id, "o1", name="Helen",
                                            comment="  ", registry=registry)


def test_the_signing_key_is_made_once_and_kept(ws: Workspace, tmp_path: Path) -> None:
    first = ws.access.signing_key()
    with Workspace.open(tmp_path / "kam.db") as again:
        assert again.access.signing_key() == first
    assert len(first) >= 48


def test_pages_of_records_follow_the_id_order(ws: Workspace) -> None:
    for name in ("Delta", "Alpha", "Charlie", "Bravo", "Echo"):
        operations.add_account(ws, ADMIN, name)
    first = [a.id for a in ws.iter(Account, limit=2)]
    second = [a.id for a in ws.iter(Account, after=first[-1], limit=2)]
    assert first + second == ["alpha", "bravo", "charlie", "delta"]
    assert [a.id for a in ws.iter(Account, among=["echo", "bravo", "zulu"])] == ["bravo", "echo"]

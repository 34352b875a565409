"""The plan page: steps and gate, findings, section forms generated from the sections' JSON
Schemas (read back exactly), saves at the revision read (problems at their fields, stale saves
kept), advancing, history."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from kamcore_server.pages import forms

from kamcore.model import Plan
from kamcore.operations import Actor, set_section
from kamcore.plugin.registry import get_registry
from kamcore.store import Workspace


def _sign_in(client: TestClient, name: str = "ada") -> dict[str, str]:
    client.post("/signin", data={"name": name, "password": f"password-{name}"})
    token = re.search(r'name="csrf-token" content="([0-9a-f]+)"', client.get("/").text)
    assert token
    return {"X-CSRF-Token": token.group(1), "HX-Request": "true"}


def _simple_plan(path: Path) -> Plan:
    with Workspace.open(path) as ws:
        return next(p for p in ws.iter(Plan) if p.methodology.name == "simple_plan")


def submitted(bound: forms.Bound) -> Iterator[tuple[str, str]]:
    """What a browser submits for a form drawn from ``bound``: every input's name and text."""
    if bound.kind in ("object", "cards"):
        for field in bound.fields:
            yield from submitted(field)
    elif bound.kind == "table":
        for row in bound.rows:
            for cell in row:
                yield from submitted(cell)
    else:
        yield bound.name, bound.text


def _examples() -> list[tuple[str, str, Any]]:
    found = []
    for methodology in get_registry().methodologies.values():
        for key, data in methodology.document.get("example", {}).get("sections", {}).items():
            found.append((methodology.name, key, data))
    return found


@pytest.mark.parametrize(("methodology", "key", "data"), _examples(),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_every_example_section_reads_back_from_its_form_unchanged(
        methodology: str, key: str, data: Any) -> None:
    schema = get_registry().methodology(methodology).section(key).schema.schema
    item = forms.widget(schema)
    errors: dict[str, list[str]] = {}
    form = dict(submitted(forms.bind(item, data, errors)))
    assert forms.read(item, form) == data


def test_the_form_uses_selects_for_enums_date_inputs_and_tables_for_object_lists(
        client: TestClient, workspace_file: Path) -> None:
    headers = _sign_in(client)
    plan = _simple_plan(workspace_file)
    form = client.get(f"/plans/{plan.id}/sections/actions?edit=true", headers=headers).text
    assert '<table class="edit">' in form
    assert re.search(r'<select name="\[0\]\.status"', form)
    assert '<option value="in_progress"' in form
    assert re.search(r'<input type="date" name="\[0\]\.due" value="2027-03-31"', form)
    assert f'name="revision" value="{plan.revision}"' in form
    risks = client.get(f"/plans/{plan.id}/sections/risks?edit=true", headers=headers).text
    assert re.search(r'<input type="number" name="\[0\]\.likelihood" value="3" step="1" '
                     r'min="1" max="5"', risks)


def test_the_plan_page_shows_steps_gate_findings_sections_and_history(
        client: TestClient, workspace_file: Path) -> None:
    _sign_in(client)
    plan = _simple_plan(workspace_file)
    page = client.get(f"/plans/{plan.id}")
    assert page.status_code == 200
    assert re.search(r'<li class="current" aria-current="step">\s*<strong>Review and refresh',
                     page.text)
    assert page.text.count('<li class="done">') == 3
    for key in ("goals", "stakeholder_map", "whitespace", "risks", "actions"):
        assert f'id="section-{key}"' in page.text
    assert "Order-to-cash workshop with finance" in page.text
    assert page.text.count("<strong>revision ") == plan.revision


def test_saving_a_section_stores_what_was_typed_at_the_revision_read(
        client: TestClient, workspace_file: Path) -> None:
    headers = _sign_in(client)
    plan = _simple_plan(workspace_file)
    actions = plan.sections["actions"]
    data = {"revision": str(plan.revision)}
    for index, action in enumerate(actions):
        data.update({f"[{index}].{k}": str(v) for k, v in action.items()})
    data.update({f"[{len(actions)}].title": "Pilot review with IT",
                 f"[{len(actions)}].owner": "Jo Seller",
                 f"[{len(actions)}].due": "2027-06-30",
                 f"[{len(actions)}].status": "in_progress"})
    response = client.post(f"/plans/{plan.id}/sections/actions", headers=headers, data=data)
    assert response.status_code == 200
    assert f"Saved as revision {plan.revision + 1}." in response.text
    saved = _simple_plan(workspace_file)
    assert saved.revision == plan.revision + 1
    assert saved.sections["actions"] == [*actions, {
        "title": "Pilot review with IT", "owner": "Jo Seller", "due": "2027-06-30",
        "status": "in_progress"}]


def test_a_bad_value_is_shown_at_its_field_and_nothing_is_saved(
        client: TestClient, workspace_file: Path) -> None:
    headers = _sign_in(client)
    plan = _simple_plan(workspace_file)
    response = client.post(f"/plans/{plan.id}/sections/stakeholder_map", headers=headers, data={
        "revision": str(plan.revision), "[0].name": "Lee Park", "[0].role": "Chief Coach",
        "[0].influence": "3", "[0].support": "2"})
    assert response.status_code == 200
    cell = re.search(r'<td class="field invalid">\s*<input name="\[0\]\.role" value="Chief Coach"'
                     r' aria-label="Role, row 1" aria-invalid="true" '
                     r'aria-describedby="error-\[0\]\.role">\s*<span class="error" '
                     r'id="error-\[0\]\.role">([^<]+)</span>', response.text)
    assert cell, response.text
    assert "does not match" in cell.group(1)
    assert _simple_plan(workspace_file).revision == plan.revision


def test_a_missing_required_field_is_shown_at_that_field(client: TestClient,
                                                          workspace_file: Path) -> None:
    headers = _sign_in(client)
    plan = _simple_plan(workspace_file)
    response = client.post(f"/plans/{plan.id}/sections/risks", headers=headers, data={
        "revision": str(plan.revision), "[0].title": "Budget freeze",
        "[0].likelihood": "2"})
    assert re.search(r'<span class="error" id="error-\[0\]\.impact">required</span>',
                     response.text), response.text


def test_a_stale_save_shows_the_conflict_and_keeps_what_was_typed(
        client: TestClient, workspace_file: Path) -> None:
    headers = _sign_in(client)
    plan = _simple_plan(workspace_file)
    with Workspace.open(workspace_file) as ws:
        set_section(ws, Actor("someone-else"), plan.id, "goals", [{"title": "Theirs"}])
    response = client.post(f"/plans/{plan.id}/sections/goals", headers=headers, data={
        "revision": str(plan.revision), "[0].title": "Mine"})
    assert "The plan was saved by someone-else" in response.text
    assert 'value="Mine"' in response.text
    theirs = response.text.split('<div class="theirs">')[1].split('<div class="yours">')[0]
    assert "Theirs" in theirs and "Mine" not in theirs
    assert f'name="revision" value="{plan.revision + 1}"' in response.text
    assert _simple_plan(workspace_file).sections["goals"] == [{"title": "Theirs"}]


def test_advancing_says_what_blocks_and_moves_when_the_gate_is_met(
        client: TestClient, workspace_file: Path) -> None:
    headers = _sign_in(client)
    with Workspace.open(workspace_file) as ws:
        plan = next(p for p in ws.iter(Plan) if p.methodology.name == "simple_plan")
        fresh = Plan(id="fresh", account_id=plan.account_id, methodology=plan.methodology,
                     step="understand")
        ws.save(fresh, base_revision=0, by="setup")
    refused = client.post("/plans/fresh/advance", headers=headers, data={"revision": "1"})
    assert 'id="advance-result"' in refused.text and "stated_by" in refused.text
    filled = client.post("/plans/fresh/sections/goals", headers=headers, data={
        "revision": "1", "[0].title": "Grow", "[0].stated_by": "The CFO"})
    assert "Saved as revision 2." in filled.text
    moved = client.post("/plans/fresh/advance", headers=headers, data={"revision": "2"})
    assert moved.headers["hx-redirect"] == "/plans/fresh"
    with Workspace.open(workspace_file) as ws:
        assert ws.get(Plan, "fresh").step == "map"


def test_a_viewer_reads_the_plan_but_gets_no_forms(client: TestClient,
                                                   workspace_file: Path) -> None:
    headers = _sign_in(client, "vic")
    plan = _simple_plan(workspace_file)
    page = client.get(f"/plans/{plan.id}")
    sections = page.text.split("<h2>Sections</h2>")[1].split("<h2>History</h2>")[0]
    assert page.status_code == 200 and "Edit</button>" not in sections
    assert "Advance to the next step" not in page.text
    assert client.get(f"/plans/{plan.id}/sections/goals?edit=true",
                      headers=headers).status_code == 403
    assert client.post(f"/plans/{plan.id}/sections/goals", headers=headers,
                       data={"revision": "1"}).status_code == 403


def test_the_history_says_what_a_revision_changed(client: TestClient,
                                                  workspace_file: Path) -> None:
    headers = _sign_in(client)
    plan = _simple_plan(workspace_file)
    with Workspace.open(workspace_file) as ws:
        saved = set_section(ws, Actor("someone-else"), plan.id, "goals",
                            [{"title": "Open two new plants"}])
    page = client.get(f"/plans/{plan.id}").text
    assert f'hx-get="/plans/{plan.id}/history/{saved.revision}"' in page
    changes = client.get(f"/plans/{plan.id}/history/{saved.revision}", headers=headers).text
    assert "Open two new plants" in changes
    assert "started" in client.get(f"/plans/{plan.id}/history/1", headers=headers).text


def test_a_list_of_objects_with_nested_values_is_a_group_of_fields_per_item(
        client: TestClient) -> None:
    headers = _sign_in(client)
    form = client.get("/plans/helios-sama7/sections/joint_objectives?edit=true",
                      headers=headers).text
    assert '<legend>Item 1</legend>' in form and '<legend>New item</legend>' in form
    assert re.search(r'<input type="date" name="objectives\[0\]\.customer_signoff\.date"', form)
    assert 'name="objectives[0].title"' in form and "<textarea" not in form


def test_a_member_cannot_open_or_change_another_teams_plan(client: TestClient,
                                                           workspace_file: Path) -> None:
    headers = _sign_in(client, "ann")
    with Workspace.open(workspace_file) as ws:
        other = next(p for p in ws.iter(Plan, account_id="atlas"))
    assert client.get(f"/plans/{other.id}").status_code == 404
    response = client.post(f"/plans/{other.id}/sections/x", headers=headers,
                           data={"revision": str(other.revision)})
    assert response.status_code == 404
    assert client.post(f"/plans/{other.id}/advance", headers=headers,
                       data={"revision": str(other.revision)}).status_code == 404
    with Workspace.open(workspace_file) as ws:
        assert ws.get(Plan, other.id).revision == other.revision

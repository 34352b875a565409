"""The account page: map, people, relationships and opportunities; adding and editing people in
place (the htmx fragments), with problems at their fields and stale saves kept."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from kamcore.model import Relationship, Stakeholder
from kamcore.operations import Actor, edit_stakeholder
from kamcore.store import Workspace


def _sign_in(client: TestClient, name: str) -> dict[str, str]:
    """Sign in through the form; the headers an htmx request of the page sends."""
    client.post("/signin", data={"name": name, "password": f"password-{name}"})
    token = re.search(r'name="csrf-token" content="([0-9a-f]+)"', client.get("/").text)
    assert token
    return {"X-CSRF-Token": token.group(1), "HX-Request": "true"}


def _first_person(path: Path, account_id: str) -> Stakeholder:
    with Workspace.open(path) as ws:
        return next(ws.iter(Stakeholder, account_id=account_id))


def test_the_account_page_draws_the_map_and_lists_people_and_opportunities(
        client: TestClient, workspace_file: Path) -> None:
    _sign_in(client, "ann")
    page = client.get("/accounts/helios")
    assert page.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="stakeholder-map"' in page.text
    assert page.text.count('<g class="stakeholder') >= 1
    person = _first_person(workspace_file, "helios")
    assert person.name in page.text
    assert "<h2>Opportunities</h2>" in page.text
    assert 'href="/plans/helios-sama7"' in page.text


def test_a_member_cannot_open_another_teams_account(client: TestClient) -> None:
    _sign_in(client, "ann")
    page = client.get("/accounts/atlas")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "no account &#39;atlas&#39; that you may see" in page.text


def test_adding_a_person_refreshes_the_people_section(client: TestClient,
                                                      workspace_file: Path) -> None:
    headers = _sign_in(client, "ann")
    response = client.post("/accounts/helios/people", headers=headers, data={
        "name": "Dana Quill", "title": "VP Procurement", "roles": "blocker, influencer",
        "influence": "4", "support": "-1", "last_contact": "2026-01-15"})
    assert response.status_code == 200
    assert response.headers["hx-retarget"] == "#people"
    assert '<section id="people"' in response.text[:200]
    assert "Dana Quill" in response.text.split("<h2>People")[0]  # drawn on the map
    with Workspace.open(workspace_file) as ws:
        added = ws.get(Stakeholder, "helios.dana-quill")
    assert added.roles == {"blocker", "influencer"} and added.influence == 4
    assert added.support == -1 and str(added.last_contact) == "2026-01-15"


def test_a_bad_value_is_shown_at_its_field_and_nothing_is_saved(
        client: TestClient, workspace_file: Path) -> None:
    headers = _sign_in(client, "ann")
    response = client.post("/accounts/helios/people", headers=headers, data={
        "name": "Eve Bad", "influence": "9", "last_contact": "2026-02-30"})
    assert response.status_code == 200
    assert re.search(r'<label class="field invalid"><span>Influence</span>', response.text)
    assert 'id="error-influence"' in response.text
    assert 'id="error-last_contact"' in response.text
    assert 'value="Eve Bad"' in response.text  # what was typed is kept
    with Workspace.open(workspace_file) as ws:
        assert ws.find(Stakeholder, "helios.eve-bad") is None


def test_editing_a_person_saves_at_the_revision_read(client: TestClient,
                                                     workspace_file: Path) -> None:
    headers = _sign_in(client, "ann")
    person = _first_person(workspace_file, "helios")
    form = client.get(f"/accounts/helios/people/{person.id}/edit", headers=headers)
    assert form.status_code == 200 and f'name="revision" value="{person.revision}"' in form.text
    saved = client.post(f"/accounts/helios/people/{person.id}", headers=headers, data={
        "revision": str(person.revision), "name": person.name, "title": "Chief Everything"})
    assert saved.headers["hx-retarget"] == "#people"
    with Workspace.open(workspace_file) as ws:
        after = ws.get(Stakeholder, person.id)
    assert after.title == "Chief Everything" and after.revision == person.revision + 1


def test_a_stale_edit_shows_the_conflict_and_keeps_what_was_typed(
        client: TestClient, workspace_file: Path) -> None:
    headers = _sign_in(client, "ann")
    person = _first_person(workspace_file, "helios")
    with Workspace.open(workspace_file) as ws:
        edit_stakeholder(ws, Actor("someone-else"), person.id, {"title": "Changed meanwhile"})
    response = client.post(f"/accounts/helios/people/{person.id}", headers=headers, data={
        "revision": str(person.revision), "name": person.name, "title": "My title"})
    assert response.status_code == 200
    assert "was changed by someone-else" in response.text
    assert 'value="My title"' in response.text
    assert f'name="revision" value="{person.revision + 1}"' in response.text
    with Workspace.open(workspace_file) as ws:
        assert ws.get(Stakeholder, person.id).title == "Changed meanwhile"


def test_linking_two_people_adds_a_relationship(client: TestClient,
                                                workspace_file: Path) -> None:
    headers = _sign_in(client, "ann")
    with Workspace.open(workspace_file) as ws:
        first, second = list(ws.iter(Stakeholder, account_id="helios"))[:2]
        before = len(list(ws.iter(Relationship, account_id="helios")))
    response = client.post("/accounts/helios/relationships", headers=headers, data={
        "source_id": first.id, "type": "conflicts", "target_id": second.id, "note": "budget"})
    assert response.status_code == 200 and "budget" in response.text
    with Workspace.open(workspace_file) as ws:
        assert len(list(ws.iter(Relationship, account_id="helios"))) == before + 1
    same = client.post("/accounts/helios/relationships", headers=headers, data={
        "source_id": first.id, "type": "informal", "target_id": first.id})
    assert 'class="error" role="alert"' in same.text


def test_a_viewer_sees_no_forms_and_may_not_post(client: TestClient) -> None:
    headers = _sign_in(client, "vic")
    page = client.get("/accounts/helios")
    assert page.status_code == 200 and "Add a person" not in page.text
    response = client.post("/accounts/helios/people", headers=headers, data={"name": "X"})
    assert response.status_code == 403


def test_a_write_without_the_csrf_token_is_refused(client: TestClient) -> None:
    _sign_in(client, "ann")
    response = client.post("/accounts/helios/people", data={"name": "Forged"})
    assert response.status_code == 403


def test_a_relationship_note_is_edited_and_a_relationship_removed_in_place(
        client: TestClient, workspace_file: Path) -> None:
    headers = _sign_in(client, "ann")
    with Workspace.open(workspace_file) as ws:
        line = next(ws.iter(Relationship, account_id="helios"))
    form = client.get(f"/accounts/helios/relationships/{line.id}/edit", headers=headers)
    assert f'name="revision" value="{line.revision}"' in form.text
    saved = client.post(f"/accounts/helios/relationships/{line.id}", headers=headers,
                        data={"revision": str(line.revision), "note": "met at the QBR"})
    assert saved.headers["hx-retarget"] == "#people" and "met at the QBR" in saved.text
    stale = client.post(f"/accounts/helios/relationships/{line.id}", headers=headers,
                        data={"revision": str(line.revision), "note": "mine"})
    assert "was changed by ann" in stale.text and 'value="mine"' in stale.text
    with Workspace.open(workspace_file) as ws:
        assert ws.get(Relationship, line.id).note == "met at the QBR"
    gone = client.post(f"/accounts/helios/relationships/{line.id}/remove", headers=headers,
                       data={"revision": str(line.revision + 1)})
    assert gone.status_code == 200 and "met at the QBR" not in gone.text
    with Workspace.open(workspace_file) as ws:
        assert ws.find(Relationship, line.id) is None


def test_a_relationship_of_another_account_is_not_found_here(client: TestClient,
                                                              workspace_file: Path) -> None:
    headers = _sign_in(client, "ada")
    with Workspace.open(workspace_file) as ws:
        other = next(ws.iter(Relationship, account_id="atlas"))
    response = client.post(f"/accounts/helios/relationships/{other.id}/remove",
                           headers=headers, data={"revision": str(other.revision)})
    assert response.status_code == 404
    with Workspace.open(workspace_file) as ws:
        assert ws.find(Relationship, other.id) is not None


def test_the_org_chart_follows_the_reporting_lines() -> None:
    from kamcore_server.pages.account import Branch, org_chart

    def person(key: str) -> Stakeholder:
        return Stakeholder(id=f"a.{key}", account_id="a", name=key.capitalize())

    people = [person(k) for k in ("ceo", "cfo", "cio", "buyer", "loop1", "loop2")]
    lines = [Relationship(id=f"r{n}", account_id="a", source_id=f"a.{s}",
                          target_id=f"a.{t}", type="reports_to")
             for n, (s, t) in enumerate([("cfo", "ceo"), ("cio", "ceo"), ("buyer", "cfo"),
                                         ("loop1", "loop2"), ("loop2", "loop1")])]
    lines.append(Relationship(id="x", account_id="a", source_id="a.cio", target_id="a.buyer",
                              type="influences"))

    def shape(branch: Branch) -> tuple[str, list[object]]:
        return branch.person.name, [shape(b) for b in branch.reports]

    assert [shape(b) for b in org_chart(people, lines)] == [
        ("Ceo", [("Cfo", [("Buyer", [])]), ("Cio", [])]),
        ("Loop1", [("Loop2", [])]),
    ]

"""The org chart's graph data (``kamcore_server.pages.org_graph``) and how the account page
carries it: encodings as in the HTML report, coverage gaps, reporting lines manager first."""

from __future__ import annotations

import html
import json
import re
from datetime import date, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from kamcore_server.pages.org_graph import org_graph

from kamcore.builtin.html import SUPPORT_COLOURS, UNRATED_COLOUR
from kamcore.model import Relationship, Stakeholder
from kamcore.store import Workspace

TODAY = date(2026, 6, 1)


def _people() -> list[Stakeholder]:
    return [
        Stakeholder(id="a.ceo", account_id="a", name="Cleo Ceo", title="CEO", influence=5,
                    support=2, relationship_strength=4, last_contact=TODAY - timedelta(days=3),
                    roles={"economic_buyer"}),
        Stakeholder(id="a.cfo", account_id="a", name="Finn Cfo", influence=4, support=-1,
                    relationship_strength=1, roles={"champion"}),
        Stakeholder(id="a.tbd", account_id="a", name="Head of IT", placeholder=True,
                    roles={"technical_buyer"}),
        Stakeholder(id="a.ops", account_id="a", name="Olga Ops", influence=2),
    ]


def _lines() -> list[Relationship]:
    def line(n: int, source: str, kind: str, target: str) -> Relationship:
        return Relationship(id=f"r{n}", account_id="a", source_id=f"a.{source}",
                            target_id=f"a.{target}", type=kind)

    return [line(1, "cfo", "reports_to", "ceo"), line(2, "ops", "dotted_line", "cfo"),
            line(3, "cfo", "conflicts", "ops"), line(4, "ceo", "influences", "elsewhere")]


def test_nodes_carry_the_reports_encodings_and_the_coverage_gaps() -> None:
    graph = org_graph(_people(), _lines(), TODAY)
    nodes = {n["data"]["id"]: n for n in graph["nodes"]}
    assert list(nodes) == ["a.ceo", "a.cfo", "a.tbd", "a.ops"]
    ceo, cfo, tbd, ops = (nodes[k] for k in ("a.ceo", "a.cfo", "a.tbd", "a.ops"))
    assert ceo["data"]["colour"] == SUPPORT_COLOURS[2]
    assert cfo["data"]["colour"] == SUPPORT_COLOURS[-1]
    assert ops["data"]["colour"] == UNRATED_COLOUR  # influence without support: unrated
    # the report's radius, doubled: 7 + 1.4 x strength (2 when unknown), 12 for a placeholder
    assert (ceo["data"]["size"], cfo["data"]["size"], ops["data"]["size"],
            tbd["data"]["size"]) == (25.2, 16.8, 19.6, 24.0)
    assert ceo["data"]["label"] == "Cleo Ceo\nCEO\ninfluence 5"
    assert ops["data"]["label"] == "Olga Ops\ninfluence 2"
    # relevant (a role) and not active: a gap; the CEO was met 3 days ago with strength 4
    assert ceo["classes"] == "high"
    assert cfo["classes"] == "gap high"
    assert tbd["classes"] == "placeholder gap"
    assert ops["classes"] == ""  # no role, influence 2: not relevant, so no gap
    assert "coverage gap" in cfo["data"]["summary"] and "coverage gap" not in \
        ceo["data"]["summary"]


def test_reporting_lines_run_from_the_manager_and_strangers_are_left_out() -> None:
    graph = org_graph(_people(), _lines(), TODAY)
    edges = [(e["data"]["source"], e["data"]["target"], e["classes"]) for e in graph["edges"]]
    assert edges == [("a.ceo", "a.cfo", "reports_to"), ("a.ops", "a.cfo", "dotted_line"),
                     ("a.cfo", "a.ops", "conflicts")]
    assert graph["edges"][0]["data"]["summary"] == "Finn Cfo reports to Cleo Ceo"
    assert {e["data"]["id"] for e in graph["edges"]}.isdisjoint(
        n["data"]["id"] for n in graph["nodes"])


def test_the_account_page_carries_the_graph_of_its_people(client: TestClient,
                                                          workspace_file: Path) -> None:
    client.post("/signin", data={"name": "ann", "password": "password-ann"})
    page = client.get("/accounts/helios").text
    found = re.search(r"data-graph='([^']*)'", page)
    assert found, "no data-graph attribute on the account page"
    graph = json.loads(html.unescape(found.group(1)))
    with Workspace.open(workspace_file) as ws:
        snapshot = ws.snapshot("helios")
    assert sorted(n["data"]["id"] for n in graph["nodes"]) == sorted(
        s.id for s in snapshot.stakeholders)
    assert len(graph["edges"]) == len(snapshot.relationships)
    assert '<script src="/static/cytoscape.min.js" defer></script>' in page
    assert "<script>" not in page  # no inline script: the CSP stays strict


def test_the_person_form_adds_and_clears_a_placeholder(client: TestClient,
                                                       workspace_file: Path) -> None:
    client.post("/signin", data={"name": "ann", "password": "password-ann"})
    token = re.search(r'name="csrf-token" content="([0-9a-f]+)"', client.get("/").text)
    assert token
    headers = {"X-CSRF-Token": token.group(1), "HX-Request": "true"}
    added = client.post("/accounts/helios/people", headers=headers,
                        data={"name": "Head of Procurement", "roles": "economic_buyer",
                              "placeholder": "on"})
    assert added.status_code == 200 and "Head of Procurement" in added.text
    with Workspace.open(workspace_file) as ws:
        person = next(s for s in ws.snapshot("helios").stakeholders
                      if s.name == "Head of Procurement")
    assert person.placeholder
    form = client.get(f"/accounts/helios/people/{person.id}/edit", headers=headers).text
    assert re.search(r'type="checkbox" name="placeholder" value="on" checked', form)
    saved = client.post(f"/accounts/helios/people/{person.id}", headers=headers,
                        data={"name": "Hana Buyer", "roles": "economic_buyer",
                              "revision": str(person.revision)})
    assert saved.status_code == 200
    with Workspace.open(workspace_file) as ws:
        known = ws.snapshot("helios").stakeholder(person.id)
    assert known is not None and not known.placeholder and known.name == "Hana Buyer"

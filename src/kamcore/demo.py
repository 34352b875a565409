"""A sample portfolio: five realistic accounts with stakeholders, relationships and deals.

Used by ``kam demo`` and by tests. Dates are relative to ``today`` so the sample always has
recent contacts, upcoming closes and one stale relationship to find.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from .model import Account, Opportunity, Record, Relationship, RevenueFact, Stakeholder
from .quarters import Quarter

# (id, name, industry, revenue, owner, tier, business units, salesforce id)
_ACCOUNTS: list[tuple[str, str, str, float, str, str, list[str], str | None]] = [
    ("northwind", "Northwind Logistics", "Logistics", 4.2e9, "Dana Whitfield", "strategic",
     ["Freight", "Warehousing", "Last Mile"], "001Dn00000NWLOGAAA"),
    ("helios", "Helios Energy", "Utilities", 9.8e9, "Marco Bianchi", "strategic",
     ["Generation", "Grid", "Retail"], "001Dn00000HELIOAAA"),
    ("meridian", "Meridian Health Systems", "Healthcare", 2.7e9, "Priya Nair", "key",
     ["Hospitals", "Clinics"], "001Dn00000MERIDAAA"),
    ("atlas", "Atlas Financial Group", "Financial Services", 15.1e9, "Dana Whitfield", "key",
     ["Retail Banking", "Wealth", "Insurance"], None),
    ("kestrel", "Kestrel Aerospace", "Manufacturing", 6.4e9, "Tom Okafor", "growth",
     ["Defence", "Civil"], "001Dn00000KESTRAAA"),
]

# account -> (key, name, title, business unit, seniority, roles, influence, support,
#             strength, our owner, days since last contact)
_PEOPLE: dict[str, list[tuple[Any, ...]]] = {
    "northwind": [
        ("ceo", "Helen Park", "Chief Executive Officer", None, "c_level", ["economic_buyer"],
         5, 1, 3, "Dana Whitfield", 40),
        ("coo", "Rajesh Iyer", "Chief Operating Officer", "Freight", "c_level", ["champion"],
         5, 2, 4, "Dana Whitfield", 12),
        ("vpit", "Sofia Lindqvist", "VP Information Technology", None, "vp",
         ["technical_buyer"], 4, 0, 2, "Lee Chen", 25),
        ("proc", "Gareth Moss", "Head of Procurement", None, "director", ["blocker"],
         3, -1, 1, "Dana Whitfield", 130),
        ("ops", "Amara Obi", "Warehouse Operations Manager", "Warehousing", "manager", ["coach"],
         2, 2, 4, "Lee Chen", 5),
    ],
    "helios": [
        ("cfo", "Ingrid Vos", "Chief Financial Officer", None, "c_level", ["economic_buyer"],
         5, 0, 2, "Marco Bianchi", 60),
        ("cdo", "Kenji Sato", "Chief Digital Officer", None, "c_level", ["champion"],
         4, 2, 4, "Marco Bianchi", 9),
        ("grid", "Lucia Romero", "Director Grid Operations", "Grid", "director",
         ["technical_buyer"], 3, 1, 3, "Ana Silva", 20),
        ("retail", "Peter Kowalski", "Head of Retail Customer Care", "Retail", "director",
         ["evaluator"], 3, -1, 1, "Ana Silva", 95),
    ],
    "meridian": [
        ("cmio", "Dr. Aisha Rahman", "Chief Medical Information Officer", "Hospitals", "c_level",
         ["champion"], 4, 2, 3, "Priya Nair", 15),
        ("it", "Owen Hughes", "IT Director", None, "director", ["technical_buyer"],
         3, 1, 3, "Priya Nair", 30),
        ("fin", "Beatriz Santos", "VP Finance", None, "vp", ["economic_buyer"],
         5, 0, 1, "Priya Nair", 75),
    ],
    "atlas": [
        ("cio", "Nathan Cole", "Chief Information Officer", None, "c_level", ["economic_buyer"],
         5, 1, 2, "Dana Whitfield", 45),
        ("wealth", "Chloe Martin", "MD Wealth Technology", "Wealth", "vp", ["champion"],
         4, 2, 3, "Raj Patel", 10),
        ("sec", "Victor Hale", "CISO", None, "c_level", ["blocker"], 4, -2, 1, "Raj Patel", 200),
        ("ins", "Mei Tanaka", "Head of Insurance Operations", "Insurance", "director",
         ["coach"], 2, 1, 2, "Raj Patel", 22),
    ],
    "kestrel": [
        ("coo", "Frank Dubois", "Chief Operating Officer", "Civil", "c_level", ["economic_buyer"],
         5, 1, 2, "Tom Okafor", 35),
        ("eng", "Greta Holm", "VP Engineering", "Defence", "vp", ["champion"],
         4, 2, 4, "Tom Okafor", 8),
        ("qa", "Samuel Adeyemi", "Quality Director", None, "director", ["evaluator"],
         3, 0, 2, "Tom Okafor", 50),
    ],
}

# account -> (source key, type, target key)
_LINKS: dict[str, list[tuple[str, str, str]]] = {
    "northwind": [("coo", "reports_to", "ceo"), ("vpit", "reports_to", "coo"),
                  ("ops", "reports_to", "coo"), ("proc", "influences", "ceo"),
                  ("vpit", "conflicts", "proc")],
    "helios": [("grid", "reports_to", "cdo"), ("retail", "reports_to", "cfo"),
               ("cdo", "influences", "cfo")],
    "meridian": [("it", "reports_to", "cmio"), ("cmio", "informal", "fin")],
    "atlas": [("wealth", "reports_to", "cio"), ("sec", "influences", "cio"),
              ("ins", "informal", "wealth")],
    "kestrel": [("eng", "reports_to", "coo"), ("qa", "reports_to", "eng")],
}

# account -> (key, name, amount, stage, days to close, probability, product line, unit, roles)
_DEALS: dict[str, list[tuple[Any, ...]]] = {
    "northwind": [
        ("wms", "Warehouse visibility platform", 1_200_000, "Proposal/Price Quote", 45, 60,
         "Analytics", "Warehousing", {"ceo": "Economic Buyer", "coo": "Executive Sponsor"}),
        ("fleet", "Fleet telematics expansion", 450_000, "Qualification", 120, 20,
         "IoT", "Freight", {"vpit": "Technical Buyer"}),
    ],
    "helios": [
        ("grid-ai", "Grid outage prediction", 2_100_000, "Needs Analysis", 90, 30,
         "Analytics", "Grid", {"cdo": "Executive Sponsor", "grid": "Technical Buyer"}),
        ("care", "Customer care automation", 800_000, "Negotiation/Review", 20, 80,
         "Automation", "Retail", {"cfo": "Economic Buyer"}),
    ],
    "meridian": [
        ("ehr", "Clinical data integration", 950_000, "Value Proposition", 60, 40,
         "Integration", "Hospitals", {"cmio": "Executive Sponsor"}),
    ],
    "atlas": [
        ("wealth-portal", "Advisor portal renewal", 1_600_000, "Proposal/Price Quote", 30, 65,
         "Platform", "Wealth", {"wealth": "Executive Sponsor", "cio": "Economic Buyer"}),
        ("claims", "Claims triage pilot", 300_000, "Prospecting", 150, 10,
         "Automation", "Insurance", {}),
    ],
    "kestrel": [
        ("mes", "Manufacturing execution upgrade", 1_350_000, "Id. Decision Makers", 75, 35,
         "Platform", "Civil", {"eng": "Executive Sponsor"}),
    ],
}

#: account-tiering inputs per account: revenue contribution, expansion potential, strategic
#: value, relationship health, competitive risk (1-5 each; 5 = a competitor actively
#: threatening, 1 = no competitive pressure).
TIERING_INPUTS: dict[str, tuple[int, int, int, int, int]] = {
    "northwind": (5, 4, 4, 3, 4),
    "helios": (5, 5, 4, 4, 3),
    "meridian": (3, 4, 3, 3, 3),
    "atlas": (4, 3, 3, 2, 4),
    "kestrel": (3, 5, 4, 4, 2),
}
TIERING_CRITERIA = ("revenue_contribution", "expansion_potential", "strategic_value",
                    "relationship_health", "competitive_risk")

#: Revenue per account over the last eight quarters: quarterly booked revenue eight quarters
#: ago, growth per quarter, expansion share of booked, churn share of booked, wallet as a
#: multiple of booked, and how many quarters ago a competitor entered (None: never).
REVENUE: dict[str, tuple[float, float, float, float, float, int | None]] = {
    "northwind": (900_000, 0.04, 0.35, 0.02, 4.0, None),
    "helios": (1_600_000, 0.05, 0.38, 0.01, 3.0, None),
    "meridian": (500_000, 0.02, 0.25, 0.04, 5.0, 1),
    "atlas": (700_000, -0.01, 0.10, 0.06, 6.0, None),
    "kestrel": (20_000, 0.08, 0.50, 0.00, 10.0, None),
}
#: The QBR scores (relationship depth, pipeline coverage, plan currency) of the quarter
#: before and of this quarter, per account.
QBR_SCORES: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    "northwind": ((3, 3, 3), (4, 3, 4)),
    "helios": ((4, 4, 3), (4, 4, 4)),
    "meridian": ((3, 3, 4), (3, 2, 3)),
    "atlas": ((2, 3, 2), (3, 3, 3)),
    "kestrel": ((3, 4, 3), (4, 4, 3)),
}
QBR_CRITERIA = ("relationship_depth", "pipeline_coverage", "plan_currency")

_ROLE_NAMES = {"Economic Buyer": "economic_buyer", "Executive Sponsor": "executive_sponsor",
               "Technical Buyer": "technical_buyer"}


def sample_records(today: date) -> Iterator[Record]:
    """The sample portfolio's records, each account followed by its people and deals."""
    for key, name, industry, revenue, owner, tier, units, sf_id in _ACCOUNTS:
        yield Account(id=key, name=name, industry=industry, annual_revenue=revenue, owner=owner,
                      tier=tier, business_units=frozenset(units),
                      external_ids={"salesforce": sf_id} if sf_id else {})
        for (person, pname, title, unit, seniority, roles, influence, support, strength,
             seller, days) in _PEOPLE[key]:
            yield Stakeholder(
                id=f"{key}.{person}", account_id=key, name=pname, title=title,
                business_unit=unit, seniority=seniority, roles=frozenset(roles),
                influence=influence, support=support, relationship_strength=strength,
                seller_owner=seller, last_contact=today - timedelta(days=days),
            )
        for index, (source, kind, target) in enumerate(_LINKS[key], start=1):
            yield Relationship(id=f"{key}.rel{index}", account_id=key,
                               source_id=f"{key}.{source}", target_id=f"{key}.{target}",
                               type=kind)
        for (deal, dname, amount, stage, days, probability, product, unit,
             roles) in _DEALS[key]:
            yield Opportunity(
                id=f"{key}.{deal}", account_id=key, name=dname, amount=amount, currency="USD",
                stage=stage, close_date=today + timedelta(days=days), probability=probability,
                product_line=product, business_unit=unit,
                contact_roles={f"{key}.{p}": _ROLE_NAMES.get(r, r) for p, r in roles.items()},
            )
        yield from sample_revenue(key, today)


def sample_revenue(account_id: str, today: date) -> Iterator[RevenueFact]:
    """The account's revenue facts for the eight quarters up to the one ``today`` is in."""
    start, growth, expansion, churn, wallet, competitor = REVENUE[account_id]
    now = Quarter.of(today)
    for back in range(7, -1, -1):
        booked = round(start * (1 + growth) ** (7 - back), -3)
        yield RevenueFact(
            id=f"{account_id}.{now.shifted(-back)}", account_id=account_id,
            period=str(now.shifted(-back)), booked=booked,
            expansion=round(booked * expansion, -3), churn=round(booked * churn, -3),
            wallet=booked * wallet, competitor_entered=back == competitor, currency="USD",
            source="kam demo")


def sample_account_ids() -> list[str]:
    """Ids of the sample accounts, in order."""
    return [row[0] for row in _ACCOUNTS]

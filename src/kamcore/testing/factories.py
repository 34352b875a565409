"""Sample records for tests: valid by default, any field overridable."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ..demo import sample_records
from ..methodology import Methodology
from ..model import Account, MethodologyRef, Opportunity, Plan, Stakeholder
from ..snapshot import AccountSnapshot
from ..store import Workspace

#: Text that must come out inert in every exporter that renders markup.
HOSTILE_NAME = "<script>alert(1)</script>"
#: A spreadsheet formula that must be neutralised in CSV/XLSX and inert elsewhere.
HOSTILE_ACTION_TITLE = '=HYPERLINK("http://example.com","x")'
#: Texts a spreadsheet could evaluate (:func:`kamcore.exporting.formula_like`): each formula
#: sign, DDE calls, leading whitespace and line breaks, and the full-width signs.
FORMULA_PAYLOADS = (
    "=1+1", "+1+1", "-1+1", "@SUM(1+1)*cmd|' /C calc'!A0", "=cmd|' /C calc'!A0",
    HOSTILE_ACTION_TITLE, "-2+3+cmd|' /C calc'!A0", " =1+1", "  +1+1", "\t=1+1", "\r=1+1",
    "\n=1+1", "\tTab first", "\nline feed first", "\uff1d1+1", "\uff0b1+1", "\uff0d1+1",
    "\uff20SUM(1+1)", "\u3000\uff1d1+1", "\u00a0=1+1",
)
#: Texts a spreadsheet shows as they are: plain signed numbers and signs past the start.
INERT_CELL_TEXTS = ("-5", "+2.5", "plain text", "e-mail", "a=b", "1+1", "x @ y")


def sample_account(**overrides: Any) -> Account:
    """An account with realistic defaults (``id`` ``acme``)."""
    fields: dict[str, Any] = {
        "id": "acme", "name": "Acme Industrial", "industry": "Manufacturing",
        "annual_revenue": 3.5e9, "owner": "Jo Seller", "tier": "key",
        "business_units": frozenset({"Plants", "Service"}),
        "external_ids": {"salesforce": "001000000000001AAA"},
    }
    fields.update(overrides)
    return Account(**fields)


def sample_stakeholder(**overrides: Any) -> Stakeholder:
    """A stakeholder of ``acme`` (``id`` ``acme.cfo``), contacted last week."""
    fields: dict[str, Any] = {
        "id": "acme.cfo", "account_id": "acme", "name": "Chris Finance",
        "title": "Chief Financial Officer", "seniority": "c_level",
        "roles": frozenset({"economic_buyer"}), "influence": 5, "support": 1,
        "relationship_strength": 3, "seller_owner": "Jo Seller",
        "last_contact": date.today() - timedelta(days=7),
    }
    fields.update(overrides)
    return Stakeholder(**fields)


def sample_opportunity(**overrides: Any) -> Opportunity:
    """An open opportunity of ``acme`` closing in two months."""
    fields: dict[str, Any] = {
        "id": "acme.renewal", "account_id": "acme", "name": "Platform renewal",
        "amount": 500_000.0, "currency": "USD", "stage": "Proposal/Price Quote",
        "close_date": date.today() + timedelta(days=60), "probability": 60,
        "product_line": "Platform", "business_unit": "Plants",
    }
    fields.update(overrides)
    return Opportunity(**fields)


def sample_plan(methodology: Methodology, **overrides: Any) -> Plan:
    """A plan of ``acme`` at the methodology's example step, holding its example sections."""
    example = methodology.document.get("example", {})
    fields: dict[str, Any] = {
        "id": f"acme-{methodology.name}", "account_id": "acme",
        "methodology": MethodologyRef(name=methodology.name, version=methodology.version),
        "step": example.get("step", methodology.first_step.key),
        "sections": dict(example.get("sections", {})),
    }
    fields.update(overrides)
    return Plan(**fields)


def seed_account(workspace: Workspace, account_id: str = "northwind") -> AccountSnapshot:
    """Write one account of the demo portfolio (with its people and deals) and return it."""
    with workspace.transaction():
        for record in sample_records(date.today()):
            if record.owner_account_id() == account_id:
                workspace.save(record, base_revision=0)
    return workspace.snapshot(account_id)

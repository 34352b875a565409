"""Synthetic Salesforce Data Loader CSVs: ``Account.csv`` and ``Contact.csv``.

``write_contacts(folder, contacts, accounts)`` writes ``accounts`` accounts and ``contacts``
contacts spread over them (deterministic). Ids are valid 18-character Salesforce Ids.
"""

from __future__ import annotations

import csv
from pathlib import Path

from kamcore_salesforce.ids import checksum

CONTACT_HEADER = ["Id", "AccountId", "FirstName", "LastName", "Title", "Department", "Email",
                  "ReportsToId", "LastActivityDate", "Owner.Name"]
TITLES = ("Chief Financial Officer", "VP Operations", "IT Director", "Buyer", "Engineer")
DEPARTMENTS = ("Finance", "Operations", "IT", "Procurement", "Engineering")


def sf_id(prefix: str, number: int) -> str:
    id15 = f"{prefix}Dn{number:010d}"
    return id15 + checksum(id15)


def write_contacts(folder: Path, contacts: int, accounts: int = 1_000) -> Path:
    """Write the CSVs into ``folder``; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "Account.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Id", "Name", "Industry", "AnnualRevenue", "Owner.Name"])
        for a in range(accounts):
            writer.writerow([sf_id("001", a), f"Account {a}", "Manufacturing",
                             f"{(a % 500 + 1) * 1_000_000}", f"Seller {a % 7}"])
    with (folder / "Contact.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CONTACT_HEADER)
        for c in range(contacts):
            account = c % accounts
            writer.writerow([
                sf_id("003", c), sf_id("001", account), f"First{c}", f"Last{c}",
                TITLES[c % len(TITLES)], DEPARTMENTS[c % len(DEPARTMENTS)],
                f"person{c}@example.com", "", f"2026-{c % 12 + 1:02d}-{c % 28 + 1:02d}",
                f"Seller {c % 7}"])
    return folder


def contact_rows(folder: Path) -> list[tuple[str, ...]]:
    """The parsed rows of ``Contact.csv`` (for the raw sqlite3 floor)."""
    with (folder / "Contact.csv").open(newline="", encoding="utf-8") as source:
        reader = csv.reader(source)
        next(reader)
        return [tuple(row) for row in reader]

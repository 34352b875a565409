"""Synthetic portfolios for the benchmarks: N accounts with stakeholders, deals and a plan.

Records go in through :meth:`Workspace.save_many` (the bulk path: a few multi-row statements
per 500 records), so a 10,000-account portfolio (270,000 records) takes seconds, not minutes.

``python benchmarks/portfolio.py PATH N [--stakeholders S] [--opportunities O]`` writes a
workspace at PATH (replacing it). The data is deterministic for a given N.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from kamcore.events import HookEvents
from kamcore.model import Account, MethodologyRef, Opportunity, Plan, Record, Stakeholder
from kamcore.plugin.host import make_plugin_host
from kamcore.store import Workspace

SENIORITIES = ("c_level", "vp", "director", "manager", "individual")
ROLES = ("economic_buyer", "champion", "coach", "blocker", "technical_buyer")


def records(accounts: int, stakeholders: int = 20, opportunities: int = 5) -> Iterator[Record]:
    """The portfolio's records, account by account (deterministic for a given size)."""
    rng = random.Random(accounts)
    today = date.today()
    for a in range(accounts):
        account_id = f"acct-{a:06d}"
        yield Account(id=account_id, name=f"Account {a}", industry="Manufacturing",
                      annual_revenue=float(rng.randint(10, 5000)) * 1e6,
                      tier=rng.choice(("strategic", "key", "growth", None)),
                      external_ids={"salesforce": f"001{a:015d}"})
        for s in range(stakeholders):
            yield Stakeholder(
                id=f"{account_id}.s{s}", account_id=account_id, name=f"Person {s}",
                seniority=rng.choice(SENIORITIES),
                roles=frozenset(rng.sample(ROLES, rng.randint(0, 1))),
                influence=rng.randint(1, 5), support=rng.randint(-2, 2),
                relationship_strength=rng.randint(0, 5), seller_owner=f"Seller {s % 3}",
                last_contact=today - timedelta(days=rng.randint(0, 200)))
        for o in range(opportunities):
            yield Opportunity(
                id=f"{account_id}.o{o}", account_id=account_id, name=f"Deal {o}",
                amount=float(rng.randint(10, 2000)) * 1e3, stage="Qualification",
                close_date=today + timedelta(days=rng.randint(10, 300)))
        yield Plan(id=f"{account_id}-plan", account_id=account_id,
                   methodology=MethodologyRef(name="simple_plan", version="1.0.0"),
                   step="understand", sections={"goals": [
                       {"id": "g1", "title": "Grow the installed base"}]})


def build(path: Path | str, accounts: int, stakeholders: int = 20,
          opportunities: int = 5) -> None:
    """Write the portfolio in one transaction (replacing any SQLite file at ``path``; a
    database URL names an empty one)."""
    if isinstance(path, Path):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    host = make_plugin_host(allowlist=frozenset(), strict=True)
    with Workspace.open(path, create=True, listener=HookEvents(host)) as ws, ws.transaction():
        chunk: list[Record] = []
        for record in records(accounts, stakeholders, opportunities):
            chunk.append(record)
            if len(chunk) == 5_000:  # save_many returns what it stored: keep that small
                ws.save_many(chunk, by="benchmarks")
                chunk = []
        ws.save_many(chunk, by="benchmarks")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("accounts", type=int)
    parser.add_argument("--stakeholders", type=int, default=20)
    parser.add_argument("--opportunities", type=int, default=5)
    args = parser.parse_args()
    build(args.path, args.accounts, args.stakeholders, args.opportunities)


if __name__ == "__main__":
    main()

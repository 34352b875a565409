"""Account movements over a portfolio, against floors measured in the same run.

``python benchmarks/movements.py [--accounts 1000] [--runs 5]`` builds the synthetic portfolio
of :mod:`portfolio` (20 stakeholders, 5 opportunities and one plan per account), then has a
"sync" (``updated_by`` sync:salesforce, the bulk save path) change the title of 5% of the
stakeholders and add a competitor to 5% of the opportunities, and measures:

==========================================  ==========================================  ======
measure                                     floor (same run, same data)                 target
==========================================  ==========================================  ======
``reviews_due`` of every plan, with the     the same without movements                  2x
ad-hoc refreshes (one read of movements)    (``movements=False``)
``account_movements`` of one account        ``Workspace.snapshot`` of that account      3x
==========================================  ==========================================  ======

Each figure is the median of ``--runs`` interleaved runs; the ratio is median / median.
Results go to ``benchmarks/results-movements.md``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from portfolio import build  # noqa: E402
from run import figure, machine, paired, spread, timed  # noqa: E402

from kamcore import operations  # noqa: E402
from kamcore.model import Opportunity, Stakeholder  # noqa: E402
from kamcore.store import Workspace  # noqa: E402

#: The share of stakeholders and of opportunities the simulated sync changes.
TOUCHED = 0.05


def simulate_sync(db: Path, accounts: int) -> int:
    """Change the title of :data:`TOUCHED` of the stakeholders and add a competitor to as many
    opportunities, as ``sync:salesforce``; returns how many records it changed."""
    rng = random.Random(accounts)
    with Workspace.open(db) as ws, ws.transaction():
        people = [p for p in ws.iter(Stakeholder) if rng.random() < TOUCHED]
        deals = [o for o in ws.iter(Opportunity) if rng.random() < TOUCHED]
        changed = [p.model_copy(update={"title": f"New title {i}"}) for i, p in enumerate(people)]
        changed += [o.model_copy(update={"competitors": frozenset({"Rival"})}) for o in deals]
        ws.save_many(changed, by="sync:salesforce")
    return len(changed)


def bench(db: Path, runs: int) -> list[dict[str, Any]]:
    """The two figures (see the module)."""
    today = date.today()
    with Workspace.open(db) as ws:
        def due(movements: bool) -> float:
            return timed(lambda: operations.reviews_due(ws, today, movements=movements))

        with_moves, without = paired(lambda: due(True), lambda: due(False), runs)
        rows = operations.reviews_due(ws, today)
        refreshes = sum(1 for _plan, item in rows if item.kind == "ad-hoc")
        account = "acct-000001"
        one, snapshot = paired(lambda: timed(lambda: operations.account_movements(ws, account)),
                               lambda: timed(lambda: ws.snapshot(account)), runs * 4)
        found = len(operations.account_movements(ws, account).movements)
    return [
        figure("`reviews_due` of every plan with ad-hoc refreshes", with_moves, without, 2.0,
               floor_name="the same without movements",
               note=f"{refreshes} plans need an ad-hoc refresh"),
        figure("`account_movements` of one account", one, snapshot, 3.0,
               floor_name="`Workspace.snapshot` of the account",
               note=f"{found} movements"),
    ]


def write_report(figures: list[dict[str, Any]], accounts: int, touched: int,
                 path: Path) -> None:
    """The figures as a Markdown table."""
    info = machine()
    lines = ["# Account movements: benchmark results", "",
             f"{accounts:,} accounts (20 stakeholders, 5 opportunities, one plan each); a sync "
             f"changed {touched:,} records after the plans were made. Machine: "
             f"{info.get('cpu', '?')}; Python {sys.version.split()[0]}. Shared and noisy: "
             "compare ratios, not seconds.", "",
             "| measure | median (min–max) | floor | floor median (min–max) | ratio | target "
             "| met | note |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for f in figures:
        lines.append(f"| {f['name']} | {spread(f['measure'], 's')} | {f['floor_name']} | "
                     f"{spread(f['floor'], 's')} | {f['ratio']:.2f}× | ≤ {f['target']:g}× | "
                     f"{'**yes**' if f['met'] else '**NO**'} | {f['note']} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "results-movements.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "kam.db"
        build(db, args.accounts)
        touched = simulate_sync(db, args.accounts)
        figures = bench(db, args.runs)
    write_report(figures, args.accounts, touched, args.out)
    print(args.out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()

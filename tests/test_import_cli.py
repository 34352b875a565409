"""``kam import``: the summary, dry runs, the progress bar (on a terminal only), and how
partial records from CRM adapters patch stored ones."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from kamcore import Account, Stakeholder, Workspace
from kamcore.importing import current_meter, import_records, metering
from kamcore.model import MethodologyRef, Plan
from kamcore.testing.factories import sample_account, sample_stakeholder

KAM = Path(sys.executable).parent / "kam"


@pytest.fixture
def bundle(tmp_path: Path, kam_run) -> Path:  # type: ignore[no-untyped-def]
    """A kamcore JSON bundle: one account, 40 stakeholders and a plan (42 records)."""
    source = tmp_path / "source.db"
    with Workspace.open(source, create=True) as ws:
        ws.save(sample_account(), base_revision=0)
        for index in range(40):
            ws.save(sample_stakeholder(id=f"acme.s{index:02d}", name=f"Person {index}"),
                    base_revision=0)
    with Workspace.open(source) as ws:
        ws.save(Plan(id="acme-plan", account_id="acme", step="start",
                     methodology=MethodologyRef(name="not-installed", version="1")),
                base_revision=0)
    out = tmp_path / "bundle.json"
    assert kam_run("-w", str(source), "export", "acme-plan", "--format", "json", "-o",
                   str(out)).code == 0
    return out


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "target.db"
    Workspace.open(path, create=True).close()
    return path


def test_summary_and_dry_run(kam_run, bundle: Path, target: Path) -> None:  # type: ignore[no-untyped-def]
    dry = kam_run("-w", str(target), "import", "json", str(bundle), "--dry-run")
    assert dry.code == 0, dry
    assert "would create stakeholder: acme.s00, acme.s01, acme.s02, acme.s03, acme.s04 " \
           "and 35 more" in dry.out
    assert "42 would be created, 0 would be updated, 0 would be left unchanged " \
           "(dry run: nothing written)" in dry.out
    with Workspace.open(target) as ws:
        assert ws.count(Stakeholder) == 0
    first = kam_run("-w", str(target), "import", "json", str(bundle))
    assert "42 created, 0 updated, 0 unchanged" in first.out and "would" not in first.out
    again = kam_run("-w", str(target), "import", "json", str(bundle), "--json").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 42)
    assert "progress" not in again


def _on_a_terminal(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    """Run kam with stderr on a pseudo-terminal; return the code, stdout and the terminal's
    output."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([str(KAM), *args], stdout=subprocess.PIPE, stderr=follower,
                            env=env, text=True)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    out, _ = proc.communicate(timeout=120)
    os.close(leader)
    return proc.returncode, out, b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_only_on_a_terminal(kam_env, bundle: Path, target: Path) -> None:  # type: ignore[no-untyped-def]
    env = kam_env({"TERM": "xterm", "COLUMNS": "120"})
    code, out, terminal = _on_a_terminal("-w", str(target), "import", "json", str(bundle),
                                         env=env)
    assert code == 0, terminal
    assert "42 records" in terminal
    assert "42 created" in out
    code, out, terminal = _on_a_terminal("-w", str(target), "import", "json", str(bundle),
                                         "--json", env=env)
    assert code == 0 and "records" not in terminal and '"unchanged": 42' in out


def test_the_meter_is_there_only_while_metering() -> None:
    assert current_meter() is None
    with metering() as meter:
        assert current_meter() is meter
        meter.expect(100)
        meter.advance(40)
        assert (meter.total, meter.done) == (100, 40)
    assert current_meter() is None


def test_partial_records_patch_the_stored_ones(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "kam.db", create=True) as ws:
        ws.save(sample_account(external_ids={"hubspot": "101"}, tier="strategic"),
                base_revision=0)
        ws.save(sample_stakeholder(roles=frozenset({"champion"}), influence=4, support=2),
                base_revision=0)
        patch = [
            Account(id="acme", name="Acme Industrial",
                    external_ids={"salesforce": "001000000000001AAA"}),
            Stakeholder(id="acme.cfo", account_id="acme", name="Chris Finance",
                        title="CFO", roles=frozenset({"economic_buyer"})),
        ]
        summary = import_records(ws, patch)
        assert summary.counts[("account", "updated")] == 1
        account = ws.get(Account, "acme")
        assert account.tier == "strategic" and account.industry == "Manufacturing"
        assert account.external_ids == {"hubspot": "101", "salesforce": "001000000000001AAA"}
        cfo = ws.get(Stakeholder, "acme.cfo")
        assert (cfo.title, cfo.influence, cfo.support) == ("CFO", 4, 2)
        assert cfo.roles == {"champion", "economic_buyer"}
        assert import_records(ws, patch).total("unchanged") == 2
        # a full record (every field given, as in a bundle) still replaces the stored one
        full = Stakeholder.model_validate(
            {**cfo.model_dump(exclude={"revision", "created_at", "updated_at", "updated_by"}),
             "roles": ["coach"]})
        import_records(ws, [full])
        assert ws.get(Stakeholder, "acme.cfo").roles == {"coach"}


def test_the_collector_settings_of_an_import_are_put_back(  # type: ignore[no-untyped-def]
        kam_run, bundle: Path, target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``kam import`` freezes what the process holds and collects young objects less often
    while it runs (:mod:`kamcore.cli.collector`); run in-process, it leaves the collector as
    it found it, whether the import succeeds or is refused."""
    import gc

    from kamcore.cli.collector import BULK_THRESHOLD, bulk_records

    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0 and before[0] != BULK_THRESHOLD
    with bulk_records():
        assert gc.get_threshold() == (BULK_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    import kamcore.operations.transfer as transfer

    write_records = transfer.write_records
    seen: list[tuple[int, int, int]] = []

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.get_threshold())
        return write_records(*args, **kwargs)

    monkeypatch.setattr(transfer, "write_records", spy)
    assert kam_run("-w", str(target), "import", "json", str(bundle)).code == 0
    assert seen == [(BULK_THRESHOLD, *before[1:])]  # the import ran with the bulk settings
    bundle.write_text("{not json", encoding="utf-8")
    assert kam_run("-w", str(target), "import", "json", str(bundle)).code == 2
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0

"""When the disk or the file system says no: a full disk, a read-only workspace, a file that
cannot be written. Each is exit 2 with the path and the cause in plain words, never an SQL
statement or row data, and nothing half-written is left behind.

Tests run as root here, where file modes do not stop writes. Real conditions are made
instead: SQLite's ``max_page_count`` (SQLite then answers SQLITE_FULL, as on a full disk), a
path under a file, and -- where the kernel allows a mount namespace of our own (``unshare
-m``) -- a tiny tmpfs that is filled up or remounted read-only. Tests that need a condition
that cannot be made are skipped with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Engine, event

from kamcore import Account, Workspace
from kamcore.model import MethodologyRef, Plan

if TYPE_CHECKING:
    from conftest import KamRunner

KAM = Path(sys.executable).parent / "kam"
#: Row data of the record the tests try to write: no message may show it.
SECRET_ROW = "ROWDATA-MUST-NOT-SHOW"


@dataclass
class Ran:
    """What one ``kam`` run gave (the ``kam`` fixtures' results have the same fields)."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def _assert_plain(result: Ran, *needles: str) -> None:
    """Exit 2 with the needles in the message, and no SQL, row data or traceback."""
    assert result.code == 2, result
    for needle in needles:
        assert needle in result.err, result
    for leak in ("Traceback", "internal error", "[SQL", "INSERT", "parameters", SECRET_ROW,
                 "sqlalche.me"):
        assert leak not in result.err, result


def _seed(path: Path, industry: str | None = None) -> Path:
    """A workspace at ``path`` with account ``acme`` and plan ``acme-plan``."""
    with Workspace.open(path, create=True) as workspace:
        workspace.save(Account(id="acme", name="Acme", industry=industry))
        workspace.save(Plan(id="acme-plan", account_id="acme", step="start",
                            methodology=MethodologyRef(name="not-installed", version="1")))
    return path


# -- a full disk: SQLite's max_page_count ----------------------------------------------------


@contextmanager
def _full_disk() -> Iterator[None]:
    """Every SQLite connection opened in the block may not grow its file: SQLite answers
    SQLITE_FULL ("database or disk is full"), as on a full disk."""

    def no_more_pages(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA max_page_count=1")  # clamped to the pages it has

    event.listen(Engine, "connect", no_more_pages)
    try:
        yield
    finally:
        event.remove(Engine, "connect", no_more_pages)


def test_a_full_disk_is_a_plain_error_and_nothing_is_written(kam_run: KamRunner,
                                                             tmp_path: Path) -> None:
    workspace = _seed(tmp_path / "kam.db")
    with _full_disk():
        result = kam_run("-w", str(workspace), "account", "add", "Globex", "--industry",
                         SECRET_ROW * 200)
    _assert_plain(result, f"cannot write to workspace sqlite:///{workspace}",
                  "the disk is full", "nothing was written")
    # reading still works, and the account was not half-added
    listed = kam_run("-w", str(workspace), "account", "list", "--json")
    assert listed.code == 0, listed
    assert [account["id"] for account in listed.json()] == ["acme"]


def test_an_import_onto_a_full_disk_writes_nothing(kam_run: KamRunner, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.json"
    source = _seed(tmp_path / "source.db", industry=SECRET_ROW * 200)
    assert kam_run("-w", str(source), "export", "acme-plan", "--format",
                   "json", "-o", str(bundle)).code == 0
    target = tmp_path / "target.db"
    Workspace.open(target, create=True).close()
    with _full_disk():
        result = kam_run("-w", str(target), "import", "json", str(bundle))
    _assert_plain(result, "the disk is full", "nothing was written")
    with Workspace.open(target) as workspace:
        assert workspace.count(Account) == 0 and workspace.count(Plan) == 0


# -- files the user named ----------------------------------------------------------------------


def test_export_to_a_path_under_a_file(kam_run: KamRunner, tmp_path: Path) -> None:
    workspace = _seed(tmp_path / "kam.db")
    (tmp_path / "file.txt").write_text("a file, not a folder")
    before = sorted(tmp_path.rglob("*"))
    out = tmp_path / "file.txt" / "out.json"
    one = kam_run("-w", str(workspace), "export", "acme-plan", "-f", "json", "-o", str(out))
    _assert_plain(one, f"cannot write {out}: {tmp_path / 'file.txt'} is a file, not a folder")
    folder = tmp_path / "file.txt" / "d"
    every = kam_run("-w", str(workspace), "export", "--all", "-o", str(folder))
    _assert_plain(every, f"cannot write {folder}: Not a directory")
    assert sorted(tmp_path.rglob("*")) == before


def test_a_file_that_cannot_be_read_names_its_path(kam_run: KamRunner, tmp_path: Path) -> None:
    workspace = _seed(tmp_path / "kam.db")
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    result = kam_run("-w", str(workspace), "import", "json", str(folder))
    result.assert_usage_error(str(folder))


# -- a read-only workspace, detected -----------------------------------------------------------


def _reads_and_refuses(run: Callable[..., Ran], workspace: Path) -> None:
    """Every reading command serves; a writing one says the workspace is read-only."""
    listed = run("-w", str(workspace), "account", "list", "--json")
    assert listed.code == 0, listed
    assert [account["id"] for account in listed.json()] == ["acme"]
    shown = run("-w", str(workspace), "account", "show", "acme")
    assert shown.code == 0 and "Acme" in shown.out, shown
    plans = run("-w", str(workspace), "plan", "list", "--json")
    assert plans.code == 0 and plans.json()[0]["id"] == "acme-plan", plans
    _assert_plain(run("-w", str(workspace), "account", "add", "Globex"),
                  f"workspace sqlite:///{workspace} is read-only", "nothing was written")


@pytest.mark.parametrize("unwritable", ["file", "folder"])
def test_a_workspace_it_may_not_write_is_opened_read_only(
        kam_run: KamRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        unwritable: str) -> None:
    """``os.access`` says yes to root: here it is told what it would say to a user."""
    from kamcore.store import engine

    workspace = _seed(tmp_path / "ws" / "kam.db")
    denied = workspace if unwritable == "file" else workspace.parent
    writable = engine._writable
    monkeypatch.setattr(engine, "_writable", lambda path: path != denied and writable(path))
    files, content = sorted(os.listdir(workspace.parent)), workspace.read_bytes()
    _reads_and_refuses(kam_run, workspace)
    assert workspace.read_bytes() == content
    if unwritable == "folder":  # immutable: SQLite made no -wal and no -shm file
        assert sorted(os.listdir(workspace.parent)) == files
    with Workspace.open(workspace) as opened:
        assert opened.read_only == f"its {unwritable} is not writable"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write whatever the file modes say")
def test_a_workspace_in_a_folder_without_write_permission(kam: KamRunner,
                                                          tmp_path: Path) -> None:
    """Not as root; the mount below covers root."""
    workspace = _seed(tmp_path / "ws" / "kam.db")
    workspace.parent.chmod(0o555)
    try:
        _reads_and_refuses(kam, workspace)
    finally:
        workspace.parent.chmod(0o755)


# -- a real read-only mount and a real full disk (a tmpfs in a mount namespace) ------------------


@pytest.fixture(scope="module")
def own_mounts(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Skip unless this process may mount a tmpfs in a mount namespace of its own."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1) to make a mount namespace")
    probe = tmp_path_factory.mktemp("probe")
    proc = subprocess.run(["unshare", "-m", "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs",
                           str(probe)], capture_output=True, text=True, timeout=30)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs in a mount namespace: {proc.stderr.strip()}")


def _in_own_mount(kam_env: Callable[..., dict[str, str]], tmp_path: Path, setup: str,
                  commands: dict[str, list[str]]) -> tuple[dict[str, Ran], list[str]]:
    """Mount a tmpfs on ``tmp_path/mnt`` in a mount namespace of its own (no one else sees
    it; it is gone when the namespace ends), run the ``setup`` shell lines ($MNT, $SRC), then
    each ``kam`` command by name; return each one's result and the files left in the mount."""
    mount, out = tmp_path / "mnt", tmp_path / "results"
    mount.mkdir()
    out.mkdir()
    lines = ["set -eu", 'mount -t tmpfs -o size=1m tmpfs "$MNT"', setup, "set +e"]
    for name, args in commands.items():
        quoted = " ".join(f'"{arg}"' for arg in args)
        lines.append(f'"$KAM" {quoted} >"$OUT/{name}.out" 2>"$OUT/{name}.err"; '
                     f'echo $? >"$OUT/{name}.code"')
    lines.append('ls -A "$MNT" >"$OUT/files"')
    env = {**kam_env(None), "MNT": str(mount), "SRC": str(tmp_path), "OUT": str(out),
           "KAM": str(KAM)}
    proc = subprocess.run(["unshare", "-m", "bash", "-c", "\n".join(lines)], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    results = {name: Ran(int((out / f"{name}.code").read_text()),
                         (out / f"{name}.out").read_text(), (out / f"{name}.err").read_text())
               for name in commands}
    return results, (out / "files").read_text().split()


def test_a_workspace_on_a_read_only_mount(own_mounts: None, kam_env, tmp_path: Path) -> None:
    _seed(tmp_path / "kam.db")
    ws = str(tmp_path / "mnt" / "kam.db")
    results, files = _in_own_mount(kam_env, tmp_path, 'cp "$SRC/kam.db" "$MNT/"\n'
                                               'mount -o remount,ro "$MNT"', {
        "list": ["-w", ws, "account", "list", "--json"],
        "show": ["-w", ws, "account", "show", "acme"],
        "plans": ["-w", ws, "plan", "list", "--json"],
        "add": ["-w", ws, "account", "add", "Globex"],
        "export": ["-w", ws, "export", "acme-plan", "-f", "json", "-o",
                   str(tmp_path / "mnt" / "out.json")],
    })
    assert results["list"].code == 0 and results["list"].json()[0]["id"] == "acme", results
    assert results["show"].code == 0 and "Acme" in results["show"].out, results
    assert results["plans"].code == 0, results
    _assert_plain(results["add"], f"workspace sqlite:///{ws} is read-only",
                  "it is on a read-only file system", "nothing was written")
    _assert_plain(results["export"], f"cannot write {tmp_path / 'mnt' / 'out.json'}",
                  "Read-only file system")
    assert files == ["kam.db"]


def test_a_really_full_disk(own_mounts: None, kam_env, tmp_path: Path) -> None:
    """The tmpfs filled up to the last byte: the workspace cannot grow, the export cannot be
    written, and nothing is left half-written."""
    _seed(tmp_path / "kam.db", industry=SECRET_ROW * 3000)  # the export needs ~64k
    ws = str(tmp_path / "mnt" / "kam.db")
    big = SECRET_ROW * 3000
    # leave room for SQLite's -shm and a few pages of -wal, not for the new account
    fill = ('cp "$SRC/kam.db" "$MNT/"\n'
            'free=$(df --output=avail -k "$MNT" | tail -1)\n'
            'dd if=/dev/zero of="$MNT/filler" bs=1k count=$((free - 48)) 2>/dev/null')
    results, files = _in_own_mount(kam_env, tmp_path, fill, {
        "add": ["-w", ws, "account", "add", "Globex", "--industry", big],
        "list": ["-w", ws, "account", "list", "--json"],
        "export": ["-w", ws, "export", "acme-plan", "-f", "json", "-o",
                   str(tmp_path / "mnt" / "out.json")],
    })
    _assert_plain(results["add"], f"cannot write to workspace sqlite:///{ws}",
                  "the disk is full", "nothing was written")
    assert [a["id"] for a in results["list"].json()] == ["acme"], results
    _assert_plain(results["export"], f"cannot write {tmp_path / 'mnt' / 'out.json'}",
                  "No space left on device")
    assert sorted(files) == ["filler", "kam.db"]

"""The README's walkthrough, run as a new user would: every command of the block under the
``walkthrough`` marker, in a fresh folder, with the real ``kam`` of the virtual environment, in
order; each must succeed (``set -e``), and what it built must be there afterwards."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = "<!-- walkthrough:"


def walkthrough() -> str:
    """The shell block that follows the walkthrough marker in README.md."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    after = text[text.index(MARKER):]
    block = re.search(r"```sh\n(.*?)```", after, re.S)
    assert block is not None, "README.md: no ```sh block after the walkthrough marker"
    return block.group(1)


def test_the_readme_walkthrough_runs_from_start_to_finish(
        tmp_path: Path, kam_env: Callable[[Mapping[str, str | None] | None], dict[str, str]],
        ) -> None:
    script = walkthrough().replace("source .venv/bin/activate\n", "")
    assert "kam stakeholder add" in script and "kam plan template" in script
    env = kam_env({"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
                   "KAM_WORKSPACE": None, "KAMCORE_LOAD_PLUGINS": None})
    done = subprocess.run(["bash", "-c", "set -euo pipefail\n" + script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr
    with sqlite3.connect(tmp_path / "kam.db") as conn:
        kinds = dict(conn.execute("SELECT kind, count(*) FROM records GROUP BY kind").fetchall())
        tier = json.loads(conn.execute(
            "SELECT v.data FROM records r JOIN revisions v USING (kind, id, revision) "
            "WHERE kind = 'account'").fetchone()[0])["tier"]
        band = json.loads(conn.execute(
            "SELECT v.data FROM records r JOIN revisions v USING (kind, id, revision) "
            "WHERE kind = 'scorecard'").fetchone()[0])["band"]
    assert kinds == {"account": 1, "stakeholder": 4, "relationship": 4, "opportunity": 1,
                     "plan": 1, "review": 1, "scorecard": 1}
    assert tier == band == "key"  # --tier-from applied the card's band
    assert (tmp_path / "acme.html").read_text(encoding="utf-8").count("CFO: unknown") >= 1

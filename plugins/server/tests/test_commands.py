"""``kam user``, ``kam team``, ``kam token`` and ``kam share`` through the installed ``kam``
script, as a user runs them; the plugin's commands are listed in ``kam --help``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kamcore.operations import access
from kamcore.store import Workspace

KAM = Path(sys.executable).parent / "kam"


def kam(workspace: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``kam`` on ``workspace``."""
    env = {**os.environ, "KAM_WORKSPACE": str(workspace), "KAM_USER": "setup"}
    env.pop("KAMCORE_LOAD_PLUGINS", None)
    return subprocess.run([str(KAM), *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=120)


def test_kam_help_lists_the_server_commands(tmp_path: Path) -> None:
    shown = kam(tmp_path / "none.db", "--help")
    assert shown.returncode == 0
    plugin_part = shown.stdout.split("Commands from plugins:", 1)[1]
    for name in ("serve", "user", "team", "token", "share"):
        assert f"  {name} " in plugin_part
    assert "[server]" in plugin_part


def test_users_teams_and_tokens_from_the_command_line(workspace_file: Path) -> None:
    added = kam(workspace_file, "user", "add", "zoe@example.com", "--role", "member",
                "--password-stdin", stdin="a long password\n")
    assert added.returncode == 0, added.stderr
    short = kam(workspace_file, "user", "add", "kim", "--role", "member", "--password-stdin",
                stdin="short\n")
    assert short.returncode == 2 and "at least 8 characters" in short.stderr
    assert "Traceback" not in short.stderr
    twice = kam(workspace_file, "user", "add", "zoe@example.com", "--role", "viewer",
                "--no-password")
    assert twice.returncode == 2 and "exists already" in twice.stderr
    assert kam(workspace_file, "team", "add", "helios", "zoe@example.com").returncode == 0
    missing = kam(workspace_file, "team", "add", "helioss", "zoe@example.com")
    assert missing.returncode == 2 and "did you mean helios" in missing.stderr
    listed = json.loads(kam(workspace_file, "user", "list", "--json").stdout)
    zoe = next(u for u in listed if u["name"] == "zoe@example.com")
    assert zoe["teams"] == ["helios"] and zoe["password"] is True
    created = kam(workspace_file, "token", "create", "--user", "zoe@example.com", "--scope",
                  "read", "--expires", "30")
    assert created.returncode == 0
    secret = created.stdout.strip()
    assert secret.startswith("kam_") and "shown this once" in created.stderr
    with Workspace.open(workspace_file) as ws:
        user, token = access.token_owner(ws, secret)
        assert (user.name, token.scope) == ("zoe@example.com", "read")
    tokens = json.loads(kam(workspace_file, "token", "list", "--json").stdout)
    assert secret not in json.dumps(tokens)
    assert kam(workspace_file, "token", "revoke", token.id).returncode == 0
    with Workspace.open(workspace_file) as ws, pytest.raises(access.AccessDenied):
        access.token_owner(ws, secret)
    disabled = kam(workspace_file, "user", "set", "zoe@example.com", "--disable")
    assert disabled.returncode == 0 and "disabled" in disabled.stdout


def test_share_prints_a_link_that_works_and_can_be_revoked(workspace_file: Path) -> None:
    made = kam(workspace_file, "share", "helios-sama7", "--to", "Chris Finance", "--expires",
               "14", "--base-url", "https://kam.example.com")
    assert made.returncode == 0, made.stderr
    url = made.stdout.strip()
    assert url.startswith("https://kam.example.com/share/")
    token = url.rsplit("/", 1)[1]
    with Workspace.open(workspace_file) as ws:
        link = access.open_share(ws, token)
    assert link.plan_id == "helios-sama7"
    listed = json.loads(kam(workspace_file, "share", "helios-sama7", "--list", "--json").stdout)
    assert link.id in [entry["id"] for entry in listed]
    no_one = kam(workspace_file, "share", "helios-sama7")
    assert no_one.returncode == 2 and "--to" in no_one.stderr
    assert kam(workspace_file, "share", "--revoke", link.id).returncode == 0
    with Workspace.open(workspace_file) as ws, pytest.raises(access.AccessDenied):
        access.open_share(ws, token)

"""A local model as a team would run one: a real HTTP server on 127.0.0.1 speaking the OpenAI
chat-completions API, declared in llm's ``extra-openai-models.yaml`` and reached through llm's
own OpenAI plugin by the installed ``kam``. The key goes in the Authorization header only; the
section's schema goes as structured output; the draft is saved with --apply."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from kamcore.model import Plan
from kamcore.store import Workspace

KAM = Path(sys.executable).parent / "kam"
PLAN = "helios-kt-private"
DRAFT = {"items": [{"title": "Budget freeze", "likelihood": 2, "impact": 5,
                    "mitigation": "Phase the rollout over two budget years"}]}


class ChatServer(ThreadingHTTPServer):
    """Answers every chat completion with ``answer`` and keeps what it was sent."""

    answer = ""
    requests: list[tuple[dict[str, str], dict[str, Any]]]


class ChatHandler(BaseHTTPRequestHandler):
    server: ChatServer

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        headers = {key.lower(): value for key, value in self.headers.items()}
        self.server.requests.append((headers, body))
        reply = json.dumps({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 0,
            "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": self.server.answer}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }).encode()
        self.send_response(200 if self.path == "/v1/chat/completions" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def chat_server(llm_home: Path) -> Iterator[ChatServer]:
    """The server, declared to llm as model ``kam-local`` (key: the ``openai`` key)."""
    server = ChatServer(("127.0.0.1", 0), ChatHandler)
    server.requests = []
    port = server.server_address[1]
    (llm_home / "extra-openai-models.yaml").write_text(
        f"- model_id: kam-local\n  model_name: local-model\n"
        f"  api_base: http://127.0.0.1:{port}/v1\n  api_key_name: openai\n"
        f"  supports_schema: true\n", encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _kam(workspace: Path, folder: Path, *args: str,
         allowed: str = "kam-local") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("KAMCORE_LOAD_PLUGINS", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                        "http_proxy", "https_proxy", "all_proxy")}
    env.update({"KAM_WORKSPACE": str(workspace), "KAM_USER": "ann", "NO_PROXY": "127.0.0.1",
                "KAMCORE_METHODOLOGY_PATH": str(folder), "KAM_LLM_ALLOWED_MODELS": allowed})
    return subprocess.run([str(KAM), *args], capture_output=True, text=True, env=env,
                          timeout=120, cwd=workspace.parent)


def test_a_draft_from_a_local_model_is_saved_as_drafted_with_it(
        chat_server: ChatServer, workspace_path: Path, methodology_folder: Path,
        never_sent: tuple[str, ...], secret_key: str) -> None:
    chat_server.answer = json.dumps(DRAFT)
    notes = workspace_path.parent / "notes.txt"
    notes.write_text("Chris: the freeze is less likely now; phase the rollout.\n", "utf-8")
    done = _kam(workspace_path, methodology_folder, "plan", "draft", PLAN, "risks",
                "--from", str(notes), "--model", "kam-local", "--apply")
    assert done.returncode == 0, done.stderr
    assert 'risk "Budget freeze": likelihood 4 -> 2' in done.stdout
    assert "(drafted with model kam-local)" in done.stdout
    [(headers, body)] = chat_server.requests
    assert headers["authorization"] == f"Bearer {secret_key}"
    sent = json.dumps(body)
    for secret in never_sent:
        assert secret not in sent
    assert body["response_format"]["type"] == "json_schema"
    schema = body["response_format"]["json_schema"]["schema"]
    assert "internal_note" not in json.dumps(schema)
    assert "the freeze is less likely now" in body["messages"][-1]["content"]
    with Workspace.open(workspace_path) as ws:
        assert ws.history(Plan, PLAN)[-1].saved_by == "ann (drafted with model kam-local)"
        risk = ws.get(Plan, PLAN).sections["risks"]["items"][0]
        assert risk["likelihood"] == 2
        assert risk["internal_note"] == "PRIVATE-our-margin-is-12-percent"


def test_the_local_model_is_not_reached_unless_allowed(
        chat_server: ChatServer, workspace_path: Path, methodology_folder: Path) -> None:
    done = _kam(workspace_path, methodology_folder, "plan", "summarize", PLAN,
                "--model", "kam-local", allowed="echo")
    assert done.returncode == 2 and "'kam-local' is not allowed" in done.stderr
    assert chat_server.requests == []
    chat_server.answer = "The budget freeze became more likely; the workshop is late."
    done = _kam(workspace_path, methodology_folder, "plan", "summarize", PLAN,
                "--model", "kam-local")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "The budget freeze became more likely; the workshop is late.\n"
    [(_, body)] = chat_server.requests
    assert "response_format" not in body

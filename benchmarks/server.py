"""``kam serve`` under load: latency and throughput against a bare Starlette floor.

For each backend (SQLite; PostgreSQL when ``KAM_BENCH_POSTGRES_URL`` or
``KAM_TEST_POSTGRES_URL`` is set) and portfolio size, two servers run as processes on
127.0.0.1 with the same uvicorn settings (one worker, access log on):

- ``kam serve`` on the portfolio, as a user starts it, called with an admin's API token;
- the floor: a bare Starlette application (this file, ``--floor``) answering the same requests
  with the same JSON, read with one SQLAlchemy Core statement from the same tables (a save:
  read the plan, replace the section, write the revision, in one transaction) -- no
  authentication, no validation, no operations layer.

A bounded async load generator (httpx) runs 8 clients at once, each sending its share of the
requests one after the other: read a plan, a page of the account list (50 accounts at a random
place), save a plan's section (each client its own plans, with If-Match). Measure and floor runs
alternate. A figure's ratio is the median over runs of the measure's p95 latency over the
floor's; p50 and throughput are in the details. The account list's p95 at 10,000 accounts is
also set against its p95 at 1,000 (target 1.5x).

``python benchmarks/server.py [--quick]`` writes ``benchmarks/results-server.md`` (and .json);
``benchmarks/run.py --only server`` runs the same inside the whole suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CLIENTS = 8
PAGE = 50
OPERATIONS = ("read a plan", "account list page", "save a section")


# -- the floor: a bare Starlette application ---------------------------------------------------


def floor_app(url: str) -> Any:
    """The floor's ASGI application over the workspace at ``url``."""
    from sqlalchemy import create_engine, text
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from kamcore.store.engine import workspace_url

    engine = create_engine(workspace_url(url), pool_size=8)

    def read_plan(plan_id: str) -> tuple[int, str] | None:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT revision, data FROM records WHERE kind = 'plan' "
                                    "AND id = :id"), {"id": plan_id}).first()
        return None if row is None else (int(row[0]), str(row[1]))

    def plan(request: Request) -> Response:
        found = read_plan(request.path_params["plan_id"])
        if found is None:
            return JSONResponse({"detail": "no such plan"}, status_code=404)
        return Response(found[1], media_type="application/json",
                        headers={"ETag": f'"{found[0]}"'})

    def accounts(request: Request) -> Response:
        after = request.query_params.get("after", "")
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT id, data FROM records WHERE kind = 'account' AND id > :after "
                "ORDER BY id LIMIT :limit"), {"after": after, "limit": PAGE + 1}).all()
        items = [json.loads(data) for _, data in rows[:PAGE]]
        return JSONResponse({"items": items,
                             "next_after": rows[PAGE - 1][0] if len(rows) > PAGE else None})

    async def save(request: Request) -> Response:
        body = await request.json()
        plan_id, section = request.path_params["plan_id"], request.path_params["section"]
        base = int(request.headers.get("if-match", "0").strip('"'))
        now = datetime.now(UTC).isoformat()
        with engine.begin() as conn:
            row = conn.execute(text("SELECT revision, data FROM records WHERE kind = 'plan' "
                                    "AND id = :id"), {"id": plan_id}).first()
            if row is None or int(row[0]) != base:
                return JSONResponse({"detail": "stale"}, status_code=412)
            data = json.loads(row[1])
            data["sections"][section] = body
            data["revision"] = base + 1
            text_ = json.dumps(data)
            conn.execute(text("INSERT INTO revisions (kind, id, revision, data, saved_at, "
                              "saved_by) VALUES ('plan', :id, :rev, :data, :at, 'bench')"),
                         {"id": plan_id, "rev": base + 1, "data": text_, "at": now})
            conn.execute(text("UPDATE records SET revision = :rev, data = :data, "
                              "updated_at = :at WHERE kind = 'plan' AND id = :id"),
                         {"id": plan_id, "rev": base + 1, "data": text_, "at": now})
        return Response(text_, media_type="application/json",
                        headers={"ETag": f'"{base + 1}"'})

    return Starlette(routes=[
        Route("/api/v1/plans/{plan_id}", plan),
        Route("/api/v1/accounts", accounts),
        Route("/api/v1/plans/{plan_id}/sections/{section}", save, methods=["PUT"]),
    ])


# -- servers -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running(command: list[str], env: dict[str, str]) -> Iterator[str]:
    """Start a server process listening on the port in ``command``'s ``--port``; its URL."""
    import httpx

    port = command[command.index("--port") + 1]
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command} exited with {process.returncode}")
            try:
                httpx.get(f"{url}/api/v1/accounts?limit=1", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{command} did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def kam_command(port: int) -> list[str]:
    return [str(Path(sys.executable).parent / "kam"), "serve", "--port", str(port)]


def floor_command(port: int, target: str) -> list[str]:
    return [sys.executable, str(Path(__file__)), "--floor", target, "--port", str(port)]


def admin_token(target: str) -> str:
    """A new admin user's write token in the workspace at ``target``."""
    from kamcore.operations import Actor, access
    from kamcore.store import Workspace

    name = f"bench{random.randrange(10**9)}"
    with Workspace.open(target) as ws:
        access.add_user(ws, Actor("benchmarks"), name, "admin")
        return access.create_token(ws, Actor("benchmarks"), name)[1]


# -- the load generator ------------------------------------------------------------------------


async def load(url: str, operation: str, accounts: int, requests: int, client_plans: list[int],
               headers: dict[str, str]) -> tuple[list[float], float]:
    """``requests`` requests of ``operation`` from :data:`CLIENTS` clients at once; the
    latency of each (seconds) and the wall time of all."""
    import httpx

    latencies: list[float] = []
    rng = random.Random(accounts)
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)

    async def client(index: int, http: httpx.AsyncClient) -> None:
        plan = f"acct-{client_plans[index]:06d}-plan"
        tag = (await http.get(f"/api/v1/plans/{plan}")).headers["etag"]
        for n in range(requests // CLIENTS):
            if operation == "read a plan":
                path, method, body = f"/api/v1/plans/acct-{rng.randrange(accounts):06d}-plan", \
                    "GET", None
            elif operation == "account list page":
                after = f"acct-{rng.randrange(accounts - PAGE):06d}"
                path, method, body = f"/api/v1/accounts?after={after}&limit={PAGE}", "GET", None
            else:
                path, method, body = f"/api/v1/plans/{plan}/sections/goals", "PUT", [
                    {"id": "g1", "title": f"Grow the installed base ({n})"}]
            start = time.perf_counter()
            answer = await http.request(method, path, json=body,
                                        headers={"If-Match": tag} if body else None)
            latencies.append(time.perf_counter() - start)
            if answer.status_code != 200:
                raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.text[:200]}")
            if body:
                tag = answer.headers["etag"]

    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits,
                                 timeout=60) as http:
        start = time.perf_counter()
        await asyncio.gather(*(client(i, http) for i in range(CLIENTS)))
        return latencies, time.perf_counter() - start


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def stats(samples: list[float]) -> dict[str, Any]:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples),
            "runs": len(samples), "samples": samples}


def measure(servers: dict[str, tuple[str, dict[str, str]]], operation: str, accounts: int,
            requests: int, runs: int) -> dict[str, dict[str, list[float]]]:
    """Per server (``kam`` and ``floor``), per run: p50, p95 and throughput."""
    found: dict[str, dict[str, list[float]]] = {
        name: {"p50": [], "p95": [], "rps": []} for name in servers}
    plans = random.Random(7).sample(range(accounts), CLIENTS)
    for run in range(runs + 1):  # the first run warms both servers up and is not counted
        for name, (url, headers) in servers.items():
            latencies, wall_s = asyncio.run(load(url, operation, accounts, requests, plans,
                                                 headers))
            if run:
                found[name]["p50"].append(percentile(latencies, 0.50))
                found[name]["p95"].append(percentile(latencies, 0.95))
                found[name]["rps"].append(len(latencies) / wall_s)
    return found


def bench_server(targets: dict[str, dict[int, str]], runs: int,
                 requests: int) -> list[dict[str, Any]]:
    """The figures for every backend and size in ``targets`` (backend -> size -> workspace)."""
    from run import figure

    figures: list[dict[str, Any]] = []
    env = {**os.environ}
    env.pop("KAMCORE_LOAD_PLUGINS", None)
    for backend, sizes in targets.items():
        list_p95: dict[int, dict[str, Any]] = {}
        for accounts, target in sorted(sizes.items()):
            token = admin_token(target)
            kam_port, floor_port = free_port(), free_port()
            with running(kam_command(kam_port), {**env, "KAM_WORKSPACE": target}) as kam_url, \
                    running(floor_command(floor_port, target), env) as floor_url:
                servers = {"kam": (kam_url, {"Authorization": f"Bearer {token}"}),
                           "floor": (floor_url, {})}
                for operation in OPERATIONS:
                    if accounts != max(sizes) and operation != "account list page":
                        continue  # the smaller portfolio only gives the list its baseline
                    print(f"  {backend} {accounts:,} accounts: {operation} ...", flush=True)
                    got = measure(servers, operation, accounts, requests, runs)
                    kam, floor = got["kam"], got["floor"]
                    p50, floor_p50 = (statistics.median(kam["p50"]),
                                      statistics.median(floor["p50"]))
                    name = f"server {operation}, {backend}, {accounts:,} accounts: p95"
                    figures.append(figure(
                        name, stats(kam["p95"]), stats(floor["p95"]), 3.0,
                        floor_name="bare Starlette route, same JSON",
                        note=f"p50 {p50 * 1000:.1f} ms against {floor_p50 * 1000:.1f} ms "
                             f"({p50 / floor_p50:.2f}x); throughput "
                             f"{statistics.median(kam['rps']):.0f} against "
                             f"{statistics.median(floor['rps']):.0f} requests/s; "
                             f"{CLIENTS} clients, {requests} requests a run"))
                    if operation == "account list page":
                        list_p95[accounts] = stats(kam["p95"])
        if len(list_p95) > 1:
            small, large = min(list_p95), max(list_p95)
            figures.append(figure(
                f"server account list page, {backend}: p95 at {large:,} / at {small:,}",
                list_p95[large], list_p95[small], 1.5,
                floor_name=f"the same at {small:,} accounts"))
    return figures


def build_targets(sizes: list[int], folder: Path,
                  postgres: str | None) -> dict[str, dict[int, str]]:
    """The portfolios: SQLite files in ``folder``, and schemas on PostgreSQL if given."""
    from portfolio import build

    targets: dict[str, dict[int, str]] = {"sqlite": {}}
    for size in sizes:
        print(f"building {size:,} accounts (SQLite) ...", flush=True)
        path = folder / f"server-{size}.db"
        build(path, size)
        targets["sqlite"][size] = str(path)
    if postgres:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        from kamcore.store.engine import workspace_url

        targets["postgresql"] = {}
        engine = create_engine(workspace_url(postgres))
        for size in sizes:
            schema = f"kam_bench_server_{size}_{os.getpid()}"
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            url = make_url(postgres).update_query_dict({"options": f"-csearch_path={schema}"})
            print(f"building {size:,} accounts (PostgreSQL) ...", flush=True)
            target = url.render_as_string(hide_password=False)
            build(target, size)
            targets["postgresql"][size] = target
        engine.dispose()
    return targets


def drop_schemas(postgres: str | None, targets: dict[str, dict[int, str]]) -> None:
    if not postgres or "postgresql" not in targets:
        return
    from sqlalchemy import create_engine, text

    from kamcore.store.engine import workspace_url

    engine = create_engine(workspace_url(postgres))
    with engine.begin() as conn:
        for target in targets["postgresql"].values():
            schema = target.rsplit("search_path%3D", 1)[-1].rsplit("search_path=", 1)[-1]
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def postgres_url() -> str | None:
    return os.environ.get("KAM_BENCH_POSTGRES_URL") or os.environ.get("KAM_TEST_POSTGRES_URL")


def run_suite(folder: Path, sizes: list[int], runs: int, requests: int) -> list[dict[str, Any]]:
    """Build the portfolios, measure, clean up PostgreSQL; the figures."""
    postgres = postgres_url()
    targets = build_targets(sizes, folder, postgres)
    try:
        return bench_server(targets, runs, requests)
    finally:
        drop_schemas(postgres, targets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--floor", metavar="WORKSPACE", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true",
                        help="CI mode: 200 and 1,000 accounts, 2 runs of 80 requests")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--out", type=Path, default=HERE / "results-server.md")
    args = parser.parse_args()
    if args.floor:
        import uvicorn

        uvicorn.run(floor_app(args.floor), host="127.0.0.1", port=args.port,
                    log_level="info", proxy_headers=True)
        return
    from run import machine, spread, write_report

    sizes, runs, requests = [int(s) for s in args.sizes.split(",")], args.runs, args.requests
    if args.quick:
        sizes, runs, requests = [200, 1000], 2, 80
    started, t0, host = datetime.now(UTC), time.perf_counter(), machine()
    with tempfile.TemporaryDirectory(prefix="kam-bench-server-") as folder:
        figures = run_suite(Path(folder), sizes, runs, requests)
    results = {"started": started.strftime("%Y-%m-%d %H:%M UTC"), "argv": sys.argv[1:],
               "machine": host, "figures": figures, "build_s": {},
               "duration_s": time.perf_counter() - t0,
               "load_end": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    write_report(results, args.out)
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    for f in figures:
        print(f"{f['name']}: {spread(f['measure'], f['unit'])}  ratio {f['ratio']:.2f}x  "
              f"target {f['target']:g}x  {'met' if f['met'] else 'MISSED'}")
    print(f"wrote {args.out}")

if __name__ == "__main__":
    main()

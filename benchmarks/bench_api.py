"""API latency under concurrency: stateless scoring at N concurrent clients against gunicorn on loopback.

Starts its own server (`safeguard serve`) on a free 127.0.0.1 port with a throwaway SQLite database
(or DATABASE_URL), creates a service token, checks one request really scores, warms up, then loads
the endpoint and reports p50/p95/p99 latency, throughput and errors as a Markdown table. Bounded in
count and time.

The load generator is wrk when installed (`apt-get install wrk`; closed loop, N connections, one
wrk thread by default, 3 s warm-up then --seconds), else N Python threads sending --requests in all.
The client shares the machine's cores with the server, so a quiet machine is wanted.

    .venv/bin/python benchmarks/bench_api.py --clients 10 --worker-class sync --workers 2
    .venv/bin/python benchmarks/bench_api.py --clients 10 --worker-class gthread --workers 4 --threads 3
    .venv/bin/python benchmarks/bench_api.py --clients 10 --client python --requests 3000
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from safeguard.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"

OSP_DC = {
    "sex": "male", "date_of_birth": "1980-01-01", "has_ever_committed_sexual_offence": True,
    "contact_adult_sexual_sanctions": 1, "contact_child_sexual_sanctions": 2, "non_contact_sexual_offences": 3,
    "indecent_image_sanctions": 4, "total_sanctions": 11, "date_of_most_recent_sexual_offence": "1994-06-01",
    "current_offence_against_stranger": False, "supervision_status": "community",
    "date_at_start_of_followup": "2027-01-01", "assessment_date": "2027-01-01",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(cmd: list[str], env: dict[str, str]) -> str:
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout.strip()


# No `response` callback: defining one makes wrk hand every response to Lua, which costs the
# client CPU it shares with the server. Non-2xx/3xx statuses are counted in summary.errors.status.
WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = os.getenv and "" or ""
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.3f %.3f %.3f %.3f\\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6)))
end
"""


def server_label(args: argparse.Namespace) -> str:
    if args.worker_class == "sync":
        return f"sync, {args.workers} workers"
    return f"gthread, {args.workers} workers × {args.threads} threads"


def check_once(port: int, path: str, body: str, headers: dict[str, str]) -> None:
    """One request before the load: the endpoint must really score (a fast 401 is not a result)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    payload = json.loads(response.read() or b"{}")
    if response.status != 200 or payload.get("band") is None:
        raise SystemExit(f"bench_api: {path} answered {response.status}: {payload}")


def run_wrk(args: argparse.Namespace, port: int, body: str, headers: dict[str, str]) -> int:
    """wrk (C) as the load generator, so the client takes little of the two cores from the server."""
    script = Path(tempfile.mkdtemp()) / "post.lua"
    lua = WRK_SCRIPT.replace('wrk.body = os.getenv and "" or ""', "wrk.body = " + json.dumps(body))
    for name, value in headers.items():
        lua += f'wrk.headers["{name}"] = "{value}"\n'
    script.write_text(lua)
    url = f"http://127.0.0.1:{port}{args.path}"
    base = ["wrk", f"-t{args.wrk_threads}", f"-c{args.clients}", "-s", str(script), url]
    subprocess.run([*base[:3], "-d3s", *base[3:]], check=True, capture_output=True)  # warm-up
    out = subprocess.run([*base[:3], f"-d{args.seconds}s", *base[3:]], check=True, capture_output=True, text=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    _, requests, errors, p50, p95, p99, rps = line.split()
    print("| endpoint | server | client | connections | requests | errors | p50 ms | p95 ms | p99 ms | req/s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(f"| POST {args.path} | {server_label(args)} | wrk -t{args.wrk_threads} | {args.clients} | {requests} | {errors} | "
          f"{float(p50):.1f} | {float(p95):.1f} | {float(p99):.1f} | {float(rps):.0f} |")
    return 0 if int(errors) == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=3000)
    serve_defaults = build_parser().parse_args(["serve"])
    parser.add_argument("--workers", type=int, default=serve_defaults.workers, help="default: as `safeguard serve`")
    parser.add_argument("--threads", type=int, default=serve_defaults.threads, help="default: as `safeguard serve`")
    parser.add_argument("--worker-class", choices=["gthread", "sync"], default=serve_defaults.worker_class)
    parser.add_argument("--path", default="/api/v1/scores/osp-dc")
    parser.add_argument("--client", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--seconds", type=int, default=15, help="wrk run length")
    parser.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (one event loop keeps 10 connections busy)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="safeguard-bench-"))
    env = {**os.environ, "SAFEGUARD_HOME": str(ROOT), "SAFEGUARD_ENV": "development"}
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    safeguard = str(BIN / "safeguard")
    run([safeguard, "manage", "migrate", "--noinput", "-v0"], env)
    run([safeguard, "demo", "load", "--persons", "50"], env)
    token = run([safeguard, "token", "create", "analyst", "--agency", "Demo Analysis Team"], env)
    port = free_port()
    server = subprocess.Popen(
        [safeguard, "serve", "--port", str(port), "--workers", str(args.workers), "--threads", str(args.threads),
         "--worker-class", args.worker_class],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    body = json.dumps(OSP_DC)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        check_once(port, args.path, body, headers)
        if args.client == "wrk":
            return run_wrk(args, port, body, headers)
        latencies: list[float] = []
        errors = 0
        lock = threading.Lock()
        per_client = args.requests // args.clients

        def client(n: int, record: bool) -> None:
            nonlocal errors
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            mine, bad = [], 0
            for _ in range(n):
                start = time.perf_counter()
                conn.request("POST", args.path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                mine.append(time.perf_counter() - start)
                if response.status != 200:
                    bad += 1
            if record:
                with lock:
                    latencies.extend(mine)
                    errors += bad

        warm = [threading.Thread(target=client, args=(20, False)) for _ in range(args.clients)]
        [t.start() for t in warm]
        [t.join() for t in warm]
        threads = [threading.Thread(target=client, args=(per_client, True)) for _ in range(args.clients)]
        began = time.perf_counter()
        [t.start() for t in threads]
        [t.join() for t in threads]
        elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=10)
    q = statistics.quantiles(latencies, n=100)
    print("| endpoint | server | client | clients | requests | errors | p50 ms | p95 ms | p99 ms | req/s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(f"| POST {args.path} | {server_label(args)} | Python threads | {args.clients} | {len(latencies)} | {errors} | "
          f"{q[49]*1000:.1f} | {q[94]*1000:.1f} | {q[98]*1000:.1f} | {len(latencies)/elapsed:.0f} |")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

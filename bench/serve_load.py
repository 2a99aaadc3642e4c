"""Latency and throughput of a real `claims serve` on 127.0.0.1 under concurrent checks.

    python bench/serve_load.py [--seconds 20] [--large-mb 1] [--serve-arg=--workers=2 ...]
    python bench/serve_load.py --pythonpath /tmp/main-code     # another checkout's code, same venv

Starts `python -m claims serve` (a fresh process for each scenario) on a free port with a temporary SQLite
database holding the demo claims, and drives it with threads, one keep-alive connection each:

1. small-during-large: `--large-clients` clients keep posting a `--large-mb` article (the bundled examples
   repeated) while one client posts a one-sentence check after another: the one-sentence latency;
2. reads-under-checks: 50 clients keep posting the bundled founding article while one client alternates
   GET /health and GET /v1/claims?q=...: the read latencies;
3. throughput: 50 clients keep posting a one-sentence check: checks answered per second.

Prints p50/p95 (seconds) and counts per status for each, and the same as JSON with `--json`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
SENTENCE = "قالت وكالة الأنباء المركزية الكورية إن المعاهدة دخلت حيز التنفيذ."
QUERY = "Choe Son Hui Lavrov Moscow"


class Server:
    def __init__(self, python: str, env: dict[str, str], url: str, extra: list[str]) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        cmd = [python, "-m", "claims", "serve", "--port", str(self.port), "--db", url, *extra]
        self.process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 300
        while True:
            try:
                status, _ = call(self.connect(), "GET", "/health")
                if status == 200:
                    break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start: {' '.join(cmd)}")
            time.sleep(0.2)

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def call(
    conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None
) -> tuple[int, float]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status, time.perf_counter() - start


def check_body(text: str) -> bytes:
    return json.dumps({"text": text}, ensure_ascii=False).encode("utf-8")


class Client(threading.Thread):
    """Sends one request after another until stopped; records (status, seconds) of each."""

    def __init__(self, server: Server, requests: list[tuple[str, str, bytes | None]], stop: threading.Event):
        super().__init__(daemon=True)
        self.server, self.requests, self.stop_event = server, requests, stop
        self.results: list[tuple[str, int, float]] = []

    def run(self) -> None:
        conn = self.server.connect()
        i = 0
        while not self.stop_event.is_set():
            method, path, body = self.requests[i % len(self.requests)]
            i += 1
            try:
                status, seconds = call(conn, method, path, body)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = self.server.connect()
                status, seconds = 0, 0.0
            self.results.append((path, status, seconds))


def summary(results: list[tuple[str, int, float]]) -> dict[str, object]:
    ok = sorted(s for _, status, s in results if status == 200)
    out: dict[str, object] = {"n": len(results), "statuses": dict(Counter(str(st) for _, st, _ in results))}
    if ok:
        out["p50"] = round(statistics.median(ok), 3)
        out["p95"] = round(ok[min(len(ok) - 1, int(0.95 * len(ok)))], 3)
    return out


def scenario(server: Server, loaders: list[Client], probes: list[Client], seconds: float) -> None:
    for c in loaders:
        c.start()
    time.sleep(1.0)  # the load is on before the first probe
    for c in probes:
        c.start()
    time.sleep(seconds)
    for c in (*probes, *loaders):
        c.stop_event.set()
    for c in (*probes, *loaders):
        c.join(600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long each scenario measures")
    parser.add_argument("--large-mb", type=float, default=1.0)
    parser.add_argument("--large-clients", type=int, default=2)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--python", default=sys.executable, help="the Python that runs the server")
    parser.add_argument("--pythonpath", help="put this checkout's code first (e.g. a copy of main)")
    parser.add_argument("--serve-arg", action="append", default=[], help="an option for claims serve")
    parser.add_argument("--only", choices=["small-during-large", "reads-under-checks", "throughput"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    env = {**os.environ, "NO_COLOR": "1"}
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath
    home = tempfile.mkdtemp(prefix="claims-serve-load-")
    env["CLAIMS_HOME"] = home
    url = f"sqlite:///{home}/claims.db"
    subprocess.run(
        [args.python, "-m", "claims", "import", str(EXAMPLES / "demo-claims.jsonl"), "--db", url],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    founding = (EXAMPLES / "ar-russia-dprk-treaty.txt").read_text(encoding="utf-8")
    wire = (EXAMPLES / "en-dprk-troops-wire.txt").read_text(encoding="utf-8")
    unit = founding + "\n\n" + wire + "\n\n"
    large = unit * max(1, int(args.large_mb * 1_000_000 / len(unit.encode("utf-8"))))
    small = ("POST", "/v1/check", check_body(SENTENCE))
    reads = [("GET", "/health", None), ("GET", f"/v1/claims?{urllib.parse.urlencode({'q': QUERY})}", None)]

    report: dict[str, object] = {"load_average": os.getloadavg()[0], "serve_args": args.serve_arg}
    runs = {
        "small-during-large": lambda s, stop: (
            [Client(s, [("POST", "/v1/check", check_body(large))], stop) for _ in range(args.large_clients)],
            [Client(s, [small], stop)],
        ),
        "reads-under-checks": lambda s, stop: (
            [Client(s, [("POST", "/v1/check", check_body(founding))], stop) for _ in range(args.clients)],
            [Client(s, reads, stop)],
        ),
        "throughput": lambda s, stop: ([], [Client(s, [small], stop) for _ in range(args.clients)]),
    }
    for name, build in runs.items():
        if args.only and name != args.only:
            continue
        server = Server(args.python, env, url, args.serve_arg)
        try:
            stop = threading.Event()
            loaders, probes = build(server, stop)
            started = time.perf_counter()
            scenario(server, loaders, probes, args.seconds)
            elapsed = time.perf_counter() - started - 1.0
        finally:
            server.stop()
        results = [r for c in probes for r in c.results]
        entry: dict[str, object] = {}
        if name == "reads-under-checks":
            entry["health"] = summary([r for r in results if r[0] == "/health"])
            entry["claims"] = summary([r for r in results if r[0].startswith("/v1/claims")])
        else:
            entry["checks"] = summary(results)
        if name == "throughput":
            entry["checks_per_s"] = round(sum(1 for r in results if r[1] == 200) / elapsed, 1)
        if loaders:
            entry["load"] = summary([r for c in loaders for r in c.results])
        report[name] = entry
        if not args.json:
            print(name, json.dumps(entry), flush=True)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"load average at the start: {report['load_average']:.2f}")


if __name__ == "__main__":
    main()

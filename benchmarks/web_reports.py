"""Benchmark: page views while a 200-partnership PDF report is made in the background.

Target (issue "Web application": nothing long blocks a web request): a page's time to first
byte stays near its usual value while the report builds, and the PDF job finishes. Run:

    .venv/bin/python benchmarks/web_reports.py [--partnerships 200] [--port 8765]

It generates the project with benchmarks/compare_report.py's generator, serves it with
``collabmap serve`` in a second process, signs a user in, and from this process fetches a
partnership page and the project page in turn (one at a time, 10 a second), first for
``--baseline`` seconds with nothing else running, then while a PDF of the whole project is
made through the API, until it is ready; then how long a cancelled PDF takes to stop. Figures
are printed as JSON.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from compare_report import build

from collabmap.store import open_store
from collabmap.store.accounts import add_member, create_user, open_session_for

PAGES = ["/projects/Bench/partnerships/Partnership%20007", "/projects/Bench"]


class Client:
    def __init__(self, port: int, token: str, csrf: str) -> None:
        self.port = port
        self.headers = {"Cookie": f"collabmap_session={token}", "X-CSRF-Token": csrf}

    def request(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[int, float, bytes]:
        """Status, time to first byte in ms, body."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        first_byte = (time.perf_counter() - started) * 1000
        content = response.read()
        connection.close()
        return response.status, first_byte, content


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    if not ordered:
        return {}
    return {
        "n": len(ordered),
        "p50_ms": round(ordered[len(ordered) // 2], 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def _cancel_latency(client: Client) -> float:
    """Seconds from DELETE to the job saying "cancelled", cancelled while laying out pages."""
    _, _, body = client.request("POST", "/api/projects/Bench/reports", {"format": "pdf"})
    job = json.loads(body)["id"]
    state: dict[str, Any] = {"progress": {"message": ""}}
    while not state["progress"]["message"].startswith("Laying out page"):
        time.sleep(0.05)
        state = json.loads(client.request("GET", f"/api/jobs/{job}")[2])
    asked = time.perf_counter()
    client.request("DELETE", f"/api/jobs/{job}")
    while state["state"] != "cancelled":
        time.sleep(0.02)
        state = json.loads(client.request("GET", f"/api/jobs/{job}")[2])
    return round(time.perf_counter() - asked, 2)


def _wait_for_port(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("the server stopped before it was ready")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=200)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--baseline", type=float, default=15.0, help="seconds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="collabmap-bench-") as tmp:
        folder = Path(tmp)
        db = folder / "bench.db"
        build(db, args.partnerships, folder)
        store = open_store(str(db))
        create_user(store, "bench", "a-long-password", actor="benchmark")
        add_member(store, "Bench", "bench", "owner", actor="benchmark")
        token, session = open_session_for(store, "bench")
        store.close()
        server = subprocess.Popen(
            [sys.executable, "-m", "collabmap", "--db", str(db), "serve", "--port", str(args.port)],
            stdout=subprocess.DEVNULL,
            env=os.environ.copy(),
        )
        try:
            _wait_for_port(args.port, server)
            client = Client(args.port, token, session.csrf_token)
            for path in PAGES:  # warm: classifications cached, templates compiled
                client.request("GET", path)
            errors = 0
            baseline: list[float] = []
            until = time.monotonic() + args.baseline
            while time.monotonic() < until:
                status, ttfb, _ = client.request("GET", PAGES[len(baseline) % 2])
                errors += status != 200
                baseline.append(ttfb)
                time.sleep(0.1)
            started = time.monotonic()
            status, post_ms, body = client.request(
                "POST", "/api/projects/Bench/reports", {"format": "pdf"}
            )
            assert status == 202, body
            job = json.loads(body)["id"]
            during: list[float] = []
            state: dict[str, Any] = {"state": "queued"}
            while state["state"] in ("queued", "running"):
                status, ttfb, _ = client.request("GET", PAGES[len(during) % 2])
                errors += status != 200
                during.append(ttfb)
                _, _, body = client.request("GET", f"/api/jobs/{job}")
                state = json.loads(body)
                time.sleep(0.1)
            job_s = time.monotonic() - started
            status, _, pdf = client.request("GET", f"/api/jobs/{job}/result")
            cancel_s = _cancel_latency(client)
            results = {
                "partnerships": args.partnerships,
                "page_ttfb_idle": _summary(baseline),
                "page_ttfb_while_pdf_builds": _summary(during),
                "start_report_request_ms": round(post_ms, 1),
                "pdf_job_state": state["state"],
                "pdf_job_s": round(job_s, 1),
                "pdf_bytes": len(pdf) if status == 200 else None,
                "cancel_to_cancelled_s": cancel_s,
                "page_errors": errors,
                "cpus": os.cpu_count(),
            }
        finally:
            server.terminate()
            server.wait(10)
    print(json.dumps(results, indent=2))
    return 0 if results["pdf_job_state"] == "done" and not errors else 1


if __name__ == "__main__":
    sys.exit(main())

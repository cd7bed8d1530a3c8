"""Benchmark: page views of the web application under load, from a second process on loopback.

Target (issue "Web application", item 7): with 500 partnerships and 100,000 segments in
SQLite, page views at p95 under 200 ms with 20 concurrent users on a 2-core machine, and no
errors. Run:

    PYTHONPATH=src .venv/bin/python benchmarks/web_load.py [--duration 60] [--users 20]
        [--db postgresql+psycopg://…] [--json]

The data set is built once and kept under /tmp by a content key (the sizes, the
generators' source and DATA_VERSION), so later runs start at once: 500 partnerships from
``compare_report``'s generator (each a reference profile under a new name, activities
shuffled and trimmed, one transcript linked to it with five accepted codings, so each page
shows evidence), then generated interview transcripts from ``import_transcripts`` until the
project holds 100,000 segments. With ``--db`` the data set is built in that database instead
(once; a project whose description holds the same key is reused).

The server is the real one, ``python -m collabmap --db URL serve``, in a subprocess. Each
simulated user signs in once through the sign-in form with their own account (untimed; all
sign in before any viewing starts), then loops without pause over a mix of page views — the
project list, the partnership list (pages 1 to 10, sometimes filtered), a partnership's page
and the typology chart — for the duration. The benchmark reports requests, errors,
throughput, p50/p95/p99 per kind of page and overall, the server's peak resident memory and
CPU time, and the machine's load average (other work on the machine slows the server down);
it exits 1 if any p95 is 200 ms or more or any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import (  # the data set, the server and the figures, shared with soak.py
    PROJECT,
    cpu_seconds,
    free_port,
    machine,
    prepare,
    process_tree,
    rss_kb,
    sign_in,
    start_server,
    stop_server,
    summary,
)

TARGET_P95_MS = 200.0
STRUCTURES = (
    "collaborative_council",
    "collaborative_market",
    "system_connector",
    "agent_of_change",
)
WORDS = ("Partnership 1", "Partnership 04", "Partnership 2", "3")


@dataclass
class Results:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)

    def failed(self, kind: str, what: str) -> None:
        self.errors[kind] += 1
        if len(self.examples) < 5:
            self.examples.append(f"{kind}: {what}")


def next_request(rng: random.Random, names: list[str]) -> tuple[str, str]:
    """One page view from the mix: (kind, path)."""
    project = f"/projects/{quote(PROJECT)}"
    roll = rng.random()
    if roll < 0.15:
        return "project list", "/"
    if roll < 0.55:
        query: dict[str, str] = {}
        choice = rng.random()
        if choice < 0.15:
            query["structure"] = rng.choice(STRUCTURES)
        elif choice < 0.25:
            query["q"] = rng.choice(WORDS)
        elif choice < 0.3:
            query["mismatch"] = "true"
        elif choice < 0.35:
            query["flagged"] = "true"
        page = rng.randint(1, 10)
        if page > 1:
            query["page"] = str(page)
        search = "&".join(f"{k}={quote(v)}" for k, v in query.items())
        return "partnership list", project + (f"?{search}" if search else "")
    if roll < 0.9:
        return "partnership page", f"{project}/partnerships/{quote(rng.choice(names))}"
    return "typology chart", f"{project}/charts/typology.svg"


async def simulated_user(
    client: httpx.AsyncClient,
    partnerships: list[str],
    until: float,
    results: Results,
    seed: int,
) -> None:
    """One signed-in user viewing pages one after another, with no pause, until ``until``."""
    rng = random.Random(seed)
    while time.monotonic() < until:
        kind, path = next_request(rng, partnerships)
        started = time.perf_counter()
        try:
            answer = await client.get(path)
            body = answer.content
        except httpx.HTTPError as exc:
            results.failed(kind, f"{path}: {type(exc).__name__} {exc}")
            continue
        elapsed_ms = (time.perf_counter() - started) * 1000
        if answer.status_code != 200 or not body:
            results.failed(kind, f"{path}: HTTP {answer.status_code}")
            continue
        results.timings[kind].append(elapsed_ms)


async def drive(
    base: str, users: list[str], partnerships: int, duration: float
) -> tuple[Results, float]:
    """Every user signs in (untimed), then all view pages at once for ``duration`` seconds;
    gives the results and the seconds the viewing took."""
    results = Results()
    names = [f"Partnership {index:03d}" for index in range(partnerships)]
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [httpx.AsyncClient(base_url=base, timeout=30, limits=limits) for _ in users]
    try:
        await asyncio.gather(*(sign_in(c, name) for c, name in zip(clients, users, strict=True)))
        until = time.monotonic() + duration
        started = time.perf_counter()
        await asyncio.gather(
            *(
                simulated_user(client, names, until, results, seed)
                for seed, client in enumerate(clients)
            )
        )
        return results, time.perf_counter() - started
    finally:
        for client in clients:
            await client.aclose()


def table(report: dict[str, Any]) -> str:
    lines = []
    data = report["data_set"]
    lines.append(
        f"data: {data['partnerships']} partnerships, {data['segments']:,} segments in "
        f"{data['sources']:,} sources ({data['linked_sources']} linked, "
        f"{data['accepted_codings']:,} accepted codings) — {report['database']}"
    )
    lines.append(
        f"load: {report['users']} users for {report['duration_s']} s, no pause between requests;"
        f" server: {report['server_workers']} worker process(es)"
    )
    lines.append("")
    header = f"{'page':<18}{'requests':>9}{'errors':>7}{'req/s':>8}"
    header += f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    lines.append(header)
    lines.append("-" * len(header))
    for kind, row in [*report["pages"].items(), ("all", report["overall"])]:
        lines.append(
            f"{kind:<18}{row['requests']:>9}{row['errors']:>7}{row['per_second']:>8}"
            f"{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}{row['max_ms']:>9}"
        )
    lines.append("")
    server = report["server"]
    lines.append(
        f"server memory: {server['rss_mb_end']} MB at the end, {server['peak_rss_mb']} MB at peak;"
        f" CPU {server['cpu_s']} s, {server['cpu_ms_per_request']} ms a request"
    )
    box = report["machine"]
    lines.append(
        f"machine: {box['cpus']} × {box['cpu']}, {box['memory_gb']} GB; load average"
        f" {box['load_average_before']:.1f} before, {box['load_after']:.1f} after"
        " (above the CPU count, other work was competing for the processors)"
    )
    verdict = "met" if report["target_met"] else "MISSED"
    lines.append(f"target (every p95 < {TARGET_P95_MS:.0f} ms, no errors): {verdict}")
    for example in report["error_examples"]:
        lines.append(f"  error: {example}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (60)")
    parser.add_argument("--users", type=int, default=20, help="concurrent users (20)")
    parser.add_argument("--partnerships", type=int, default=500)
    parser.add_argument("--segments", type=int, default=100_000)
    parser.add_argument("--db", help="a database URL (PostgreSQL); default a cached SQLite file")
    parser.add_argument("--port", type=int, help="the server's port (default: a free one)")
    parser.add_argument("--workers", type=int, default=2, help="server processes (2)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    data = prepare(args.db, args.partnerships, args.segments, args.users)
    port = args.port or free_port()
    server = start_server(data.url, port, args.workers)
    load_before = os.getloadavg()[0]
    try:
        processes = process_tree(server.pid)
        cpu_before = cpu_seconds(processes)
        results, seconds = asyncio.run(
            drive(f"http://127.0.0.1:{port}", data.users, data.partnerships, args.duration)
        )
        cpu_used = cpu_seconds(processes) - cpu_before
        rss_now, rss_peak = rss_kb(processes)
        load_after = os.getloadavg()[0]
    finally:
        stop_server(server)
    kinds = sorted(set(results.timings) | set(results.errors))
    pages = {kind: summary(results.timings[kind], results.errors[kind], seconds) for kind in kinds}
    everything = [ms for values in results.timings.values() for ms in values]
    overall = summary(everything, sum(results.errors.values()), seconds)
    met = overall["errors"] == 0 and all(
        row["p95_ms"] < TARGET_P95_MS for row in [*pages.values(), overall]
    )
    report = {
        "database": data.url.split("://")[0].split("+")[0],
        "data_set": {k: v for k, v in data.__dict__.items() if k not in {"url", "users"}},
        "users": args.users,
        "server_workers": args.workers,
        "duration_s": round(seconds, 1),
        "pages": pages,
        "overall": overall,
        "server": {
            "rss_mb_end": round(rss_now / 1024),
            "peak_rss_mb": round(rss_peak / 1024),
            "cpu_s": round(cpu_used, 1),
            "cpu_ms_per_request": round(cpu_used * 1000 / max(1, overall["requests"]), 2),
        },
        "machine": {**machine(), "load_average_before": load_before, "load_after": load_after},
        "target_p95_ms": TARGET_P95_MS,
        "target_met": met,
        "error_examples": results.examples,
    }
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

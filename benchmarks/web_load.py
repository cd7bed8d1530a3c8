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
import contextlib
import hashlib
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import compare_report  # the sibling benchmarks' generators, reused
import import_transcripts

PROJECT = "Bench"
PASSWORD = "bench-password-2021"
TARGET_P95_MS = 200.0
DATA_VERSION = 1
"""Raise when :func:`build` changes what it makes, so cached data sets are made again."""
CACHE_ROOT = Path(tempfile.gettempdir()) / "collabmap-web-load"
STRUCTURES = (
    "collaborative_council",
    "collaborative_market",
    "system_connector",
    "agent_of_change",
)
WORDS = ("Partnership 1", "Partnership 04", "Partnership 2", "3")


@dataclass(frozen=True)
class DataSet:
    url: str
    partnerships: int
    sources: int
    segments: int
    linked_sources: int
    accepted_codings: int
    users: list[str]
    built_s: float | None


def content_key(partnerships: int, segments: int, users: int) -> str:
    """Changes whenever the generated data would: the sizes and the generators' source."""
    digest = hashlib.sha256(f"{partnerships}/{segments}/{users}/{DATA_VERSION}".encode())
    for module in (compare_report, import_transcripts):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()[:16]


def user_names(count: int) -> list[str]:
    return [f"officer{index:02d}" for index in range(1, count + 1)]


def build(url: str, partnerships: int, segments: int, users: list[str], key: str) -> None:
    """The project: partnerships with linked evidence, then transcripts until ``segments``."""
    from sqlalchemy import func, select

    from collabmap.store import open_store
    from collabmap.store.accounts import add_member, create_user
    from collabmap.store.models import Project, Segment, Source
    from collabmap.store.projects import delete_project
    from collabmap.store.segments import ensure_segments
    from collabmap.store.sources import import_files

    store = open_store(url)
    with store.reading() as session:
        exists = session.scalar(select(Project.id).where(Project.name == PROJECT)) is not None
    if exists:
        delete_project(store, PROJECT)
    store.close()
    with tempfile.TemporaryDirectory(prefix="collabmap-web-load-") as tmp:
        folder = Path(tmp)
        compare_report.build(url, partnerships, folder)  # type: ignore[arg-type]
        store = open_store(url)
        extra = folder / "extra"
        extra.mkdir()
        rng = random.Random(20211981)
        number, before = 0, -1
        while True:
            with store.transaction() as session:
                ensure_segments(session, list(session.scalars(select(Source.id))))
            with store.reading() as session:
                have = session.scalar(select(func.count()).select_from(Segment)) or 0
            if have >= segments:
                break
            if have == before:
                raise SystemExit("the generated transcripts added no segments")
            before = have
            # a 6,000-word transcript gives about 800 segments; add what is still missing
            paths = []
            for _ in range(max(1, -(-(segments - have) // 800))):
                path = extra / f"transcript-{number:04d}.txt"
                path.write_text(import_transcripts.transcript(rng, 6000), encoding="utf-8")
                paths.append(path)
                number += 1
            report = import_files(store, PROJECT, paths)
            assert report.exit_code == 0 and not report.refused, report.refused[:3]
    for name in users:
        try:
            create_user(store, name, PASSWORD, actor="web_load benchmark")
        except Exception as exc:  # already there from an earlier build in this database
            if "already" not in str(exc):
                raise
        add_member(store, PROJECT, name, "analyst", actor="web_load benchmark")
    with store.transaction() as session:
        project = session.scalar(select(Project).where(Project.name == PROJECT))
        assert project is not None
        project.description = f"web_load benchmark data, key {key}"
    store.close()


def describe(url: str, key: str, users: list[str]) -> DataSet | None:
    """The data set in ``url`` if it was built with ``key``, else None."""
    from sqlalchemy import func, select

    from collabmap.store import open_store
    from collabmap.store.models import (
        Coding,
        Partnership,
        Project,
        Segment,
        Source,
        SourcePartnership,
    )

    store = open_store(url)
    try:
        with store.reading() as session:
            project = session.scalar(select(Project).where(Project.name == PROJECT))
            if project is None or key not in (project.description or ""):
                return None

            def count(query: Any) -> int:
                return int(session.scalar(query) or 0)

            return DataSet(
                url=url,
                partnerships=count(
                    select(func.count())
                    .select_from(Partnership)
                    .where(Partnership.project_id == project.id)
                ),
                sources=count(
                    select(func.count()).select_from(Source).where(Source.project_id == project.id)
                ),
                segments=count(
                    select(func.count())
                    .select_from(Segment)
                    .join(Source, Source.id == Segment.source_id)
                    .where(Source.project_id == project.id)
                ),
                linked_sources=count(
                    select(func.count(func.distinct(SourcePartnership.source_id)))
                    .join(Source, Source.id == SourcePartnership.source_id)
                    .where(Source.project_id == project.id)
                ),
                accepted_codings=count(
                    select(func.count())
                    .select_from(Coding)
                    .join(Source, Source.id == Coding.source_id)
                    .where(Source.project_id == project.id, Coding.status == "accepted")
                ),
                users=users,
                built_s=None,
            )
    finally:
        store.close()


def prepare(db: str | None, partnerships: int, segments: int, users: int) -> DataSet:
    key = content_key(partnerships, segments, users)
    if db is None:
        folder = CACHE_ROOT / key
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / 'bench.db'}"
    else:
        url = db
    names = user_names(users)
    found = describe(url, key, names)
    if found is not None:
        return found
    if db is None:
        for stale in (folder / "bench.db", folder / "bench.db-wal", folder / "bench.db-shm"):
            stale.unlink(missing_ok=True)
    print(f"building the data set: {partnerships} partnerships, {segments:,} segments", flush=True)
    started = time.perf_counter()
    build(url, partnerships, segments, names, key)
    elapsed = time.perf_counter() - started
    found = describe(url, key, names)
    assert found is not None
    return DataSet(**{**found.__dict__, "built_s": round(elapsed, 1)})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    """``collabmap serve`` in its own process, as an officer would start it."""
    command = [sys.executable, "-m", "collabmap", "--db", url, "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: {server.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        try:
            if httpx.get(f"http://127.0.0.1:{port}/sign-in", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not answer within 60 s")


def process_tree(pid: int) -> list[int]:
    """The server and its worker processes (descendants), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(child for child, parent in parents.items() if parent == current)
    return found


def cpu_seconds(pids: list[int]) -> float:
    """CPU time the processes have used (user + system), from /proc."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def rss_kb(pids: list[int]) -> tuple[int, int]:
    """The server's resident memory now and at its peak (kB; summed over its processes, so
    the peak is an upper bound), from /proc."""
    now = peak = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    now += int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    peak += int(line.split()[1])
    return now, peak


@dataclass
class Results:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)

    def failed(self, kind: str, what: str) -> None:
        self.errors[kind] += 1
        if len(self.examples) < 5:
            self.examples.append(f"{kind}: {what}")


async def sign_in(client: httpx.AsyncClient, name: str) -> None:
    form = await client.get("/sign-in")
    token = re.search(r'name="form_token" value="([^"]+)"', form.text)
    assert token, "no form token on the sign-in page"
    answer = await client.post(
        "/sign-in",
        data={"name": name, "password": PASSWORD, "form_token": token.group(1), "next": "/"},
    )
    if answer.status_code != 303:
        raise SystemExit(f"{name} could not sign in: {answer.status_code} {answer.text[:300]}")


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


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def summary(values: list[float], errors: int, seconds: float) -> dict[str, Any]:
    return {
        "requests": len(values) + errors,
        "errors": errors,
        "per_second": round((len(values) + errors) / seconds, 1),
        "p50_ms": round(percentile(values, 0.50), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "p99_ms": round(percentile(values, 0.99), 1),
        "max_ms": round(max(values), 1) if values else float("nan"),
        "mean_ms": round(statistics.fmean(values), 1) if values else float("nan"),
    }


def machine() -> dict[str, Any]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory_gb": round(memory_gb, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


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
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
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

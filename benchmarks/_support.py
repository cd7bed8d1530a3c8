"""What the web benchmarks share: the generated data set, the server in its own process,
reading that process's CPU time and memory from /proc, signing in through the form, and the
latency summary.

``web_load.py`` (page views) and ``soak.py`` (mixed reading and writing, with lost writes
counted) measure the same server over the same data, so both take it from here: a change to
how the data is made or the server is started then applies to both.
"""

from __future__ import annotations

import contextlib
import hashlib
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
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import compare_report  # the sibling benchmarks' generators, reused
import import_transcripts

if TYPE_CHECKING:
    from collabmap.store import Store

PROJECT = "Bench"
PASSWORD = "bench-password-2021"
DATA_VERSION = 1
"""Raise when :func:`build` changes what it makes, so cached data sets are made again."""
CACHE_ROOT = Path(tempfile.gettempdir()) / "collabmap-web-load"


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
        if not schema_complete(store):
            return None
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


def schema_complete(store: Store) -> bool:
    """Whether every table and column of the models is in the store. A store made before a
    migration was rewritten in place is at the newest revision yet lacks the new columns (a
    cached data set without ``assessments.version`` failed every assessment of a soak run),
    so such a cache is built again rather than used."""
    from sqlalchemy import inspect

    from collabmap.store.models import Base

    found = inspect(store.engine)
    tables = set(found.get_table_names())
    for table in Base.metadata.tables.values():
        if table.name not in tables:
            return False
        columns = {column["name"] for column in found.get_columns(table.name)}
        if not {column.name for column in table.columns} <= columns:
            return False
    return True


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


def start_server(
    url: str, port: int, workers: int, *, log: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    """``collabmap serve`` in its own process, as an officer would start it. Its output goes
    to ``log`` (a file: a pipe nobody reads would fill up and stall a long run), or is
    dropped."""
    command = [sys.executable, "-m", "collabmap", "--db", url, "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    sink: IO[bytes] | int = log if log is not None else subprocess.DEVNULL
    server = subprocess.Popen(command, stdout=sink, stderr=sink, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            said = ""
            if log is not None:
                log.flush()
                said = Path(log.name).read_text(errors="replace")[-2000:]
            raise SystemExit(f"the server stopped (exit code {server.returncode}): {said}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/sign-in", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not answer within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Ask the server to stop (it finishes its requests and closes the store), killing it
    only if it has not stopped within 10 s."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


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

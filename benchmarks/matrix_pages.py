"""Benchmark: the framework matrix editor and the comparison pages for many partnerships.

Target (issue "Collaborative analysis in the browser"): the matrix page for 200 partnerships
answers quickly, whatever the project's size, because it shows one theme group and 25
partnerships at a time. Run:

    .venv/bin/python benchmarks/matrix_pages.py [--partnerships 200] [--repeat 20] [--check]

The project is generated as in ``compare_report.py`` (200 partnerships, each with a coded
interview). Requests go through the whole web application in-process (FastAPI's TestClient:
routing, sign-in session, CSRF, templates), on a SQLite file; network time is not included.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))

from compare_report import build

from collabmap.store import open_store
from collabmap.store.accounts import add_member, create_user
from collabmap.web import create_app

PASSWORD = "benchmark password"
MATRIX_TARGET_S = 0.5
"""One matrix page (a theme group × 25 partnerships) at p95."""


def _timed(call: Callable[[], object], repeat: int) -> dict[str, float]:
    call()  # warm: templates compiled, framework loaded
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))] * 1000, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="collabmap-bench-") as tmp:
        folder = Path(tmp)
        db = folder / "bench.db"
        build(db, args.partnerships, folder)
        store = open_store(str(db))
        create_user(store, "ana", PASSWORD, actor="bench")
        add_member(store, "Bench", "ana", "owner", actor="bench")
        client = TestClient(create_app(store))
        form = client.get("/sign-in").text
        token = re.search(r'name="form_token" value="([^"]+)"', form)
        assert token is not None
        client.post(
            "/sign-in",
            data={"form_token": token.group(1), "name": "ana", "password": PASSWORD, "next": "/"},
        )
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)
        assert csrf is not None

        def ok(url: str) -> Callable[[], object]:
            def call() -> object:
                answer = client.get(url)
                assert answer.status_code == 200, (url, answer.status_code)
                return answer

            return call

        groups = client.get("/api/projects/Bench/matrix").json()["groups"]
        results: dict[str, object] = {"partnerships": args.partnerships, "repeat": args.repeat}
        for group in groups:
            results[f"matrix page: {group}"] = _timed(
                ok(f"/projects/Bench/matrix?group={group}&page=1"), args.repeat
            )
        pages = client.get("/api/projects/Bench/matrix").json()["pages"]
        results["matrix page: Activities, last page"] = _timed(
            ok(f"/projects/Bench/matrix?group=Activities&page={pages}"), args.repeat
        )
        theme = next(
            t["id"]
            for t in client.get("/api/projects/Bench/matrix?group=Activities").json()["themes"]
            if t["concept"] == "activity:co_design"
        )
        cell = f"/projects/Bench/matrix/cell?partnership=Partnership%20100&theme={theme}"
        results["cell edit form (htmx)"] = _timed(ok(cell), args.repeat)
        version = [0]

        def save() -> object:
            answer = client.post(
                cell,
                data={
                    "csrf_token": csrf.group(1),
                    "summary": f"Saved {version[0]}",
                    "status": "draft",
                    "version": str(version[0]),
                },
                headers={"HX-Request": "true"},
            )
            assert answer.status_code == 200, answer.text[:500]
            version[0] += 1
            return answer

        results["cell save (htmx)"] = _timed(save, args.repeat)
        results["comparison page"] = _timed(ok("/projects/Bench/compare"), max(3, args.repeat // 4))
        results["agreement page (no coders chosen)"] = _timed(
            ok("/projects/Bench/agreement"), args.repeat
        )
        store.close()
    worst = max(
        float(value["p95_ms"])  # type: ignore[index]
        for key, value in results.items()
        if key.startswith("matrix page")
    )
    targets = {
        f"matrix page under {MATRIX_TARGET_S * 1000:.0f} ms at p95": worst / 1000 < MATRIX_TARGET_S
    }
    print(json.dumps({"results": results, "targets_met": targets}, indent=2))
    return 1 if args.check and not all(targets.values()) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the coding workspace against the real server.

Targets (issue #7, item 8): a 6,000-word transcript with 500 codings on it opens in the coding
workspace in under 1 s, and applying a code answers in under 150 ms at p95. Run:

    .venv/bin/python benchmarks/coding_workspace.py [--db URL] [--opens 20] [--applies 200]

It builds a project in a temporary SQLite file (or the empty database at ``--db``): a
two-speaker transcript of 6,000 words made from the shipped training passages, with 500
codings on it spread over its sentences, and an analyst. It then serves it with
``collabmap serve`` in a child process and measures, over loopback HTTP with a signed-in
session, (1) the workspace page's full response, the first time (which also segments the
source) and then repeatedly, (2) the same page opened in Chromium until its ``load`` event
(when Playwright and /usr/bin/chromium are there), and (3) applying a code to a span through
the JSON API, as the page's script does. Figures are printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from collabmap.analyse import training_examples
from collabmap.store import open_store
from collabmap.store.accounts import create_user
from collabmap.store.coding import apply_code
from collabmap.store.projects import create_project
from collabmap.store.segments import list_segments
from collabmap.store.sources import import_files

PASSWORD = "benchmark password 1"
PROJECT = "Benchmark"
SOURCE = "interview.txt"
CODES = [
    "activity:co_design",
    "activity:co_delivery",
    "activity:citizen_self_help",
    "activity:consultation_only",
    "rationale:share_responsibility",
]


def transcript(words: int, seed: int = 7) -> str:
    """A two-speaker interview of about ``words`` words, from real-sounding passages."""
    passages = [e.text for task in ("activity", "rationale") for e in training_examples(task)]
    rng = random.Random(seed)
    turns, count, index = [], 0, 0
    while count < words:
        speaker = ("Interviewer", "Bea Jones")[index % 2]
        said = " ".join(rng.sample(passages, 1 if speaker == "Interviewer" else 3))
        turns.append(f"{speaker}: {said}")
        count += len(said.split())
        index += 1
    return "\n\n".join(turns) + "\n"


def prepare(url: str, folder: Path, codings: int) -> tuple[int, int]:
    """The project, the transcript and its codings; returns (words, codings)."""
    store = open_store(url)
    try:
        create_user(store, "ana", PASSWORD, display_name="Ana Analyst", actor="benchmark")
        create_project(store, PROJECT, owner="ana", actor="benchmark")
        path = folder / SOURCE
        text = transcript(6_000)
        path.write_text(text, encoding="utf-8")
        import_files(store, PROJECT, [path])
        sentences = list_segments(store, PROJECT, SOURCE, kind="sentence")
        rng = random.Random(11)
        for number in range(codings):
            sentence = sentences[number % len(sentences)]
            apply_code(
                store,
                PROJECT,
                SOURCE,
                rng.choice(CODES),
                segment_id=sentence.id,
                coder="ana",
            )
        return len(text.split()), codings
    finally:
        store.close()


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(port: int, child: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if child.poll() is not None:
                raise SystemExit("the server did not start") from None
            time.sleep(0.1)
    raise SystemExit("the server did not start within a minute")


def sign_in(client: httpx.Client) -> str:
    form = client.get("/sign-in").text
    token = re.search(r'name="form_token" value="([^"]+)"', form)
    assert token is not None
    answer = client.post(
        "/sign-in",
        data={"form_token": token.group(1), "name": "ana", "password": PASSWORD, "next": "/"},
    )
    assert answer.status_code in (200, 303), answer.status_code
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)
    assert csrf is not None
    return csrf.group(1)


def figures(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def in_browser(base: str, opens: int) -> dict[str, Any] | None:
    """The workspace opened in Chromium until its load event, if a browser is at hand."""
    chromium = Path("/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not chromium.exists():
        return None
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=args
        )
        page = browser.new_context().new_page()
        page.goto(base + "/sign-in")
        page.fill("#name", "ana")
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(base + "/**")
        samples, arrived, ready = [], [], []
        for _ in range(opens):
            started = time.perf_counter()
            page.goto(f"{base}/projects/{PROJECT}/sources/{SOURCE}", wait_until="load")
            samples.append(time.perf_counter() - started)
            timing = page.evaluate(
                "() => { const t = performance.getEntriesByType('navigation')[0];"
                " return [t.responseEnd, t.domContentLoadedEventEnd]; }"
            )
            arrived.append(timing[0] / 1000)
            ready.append(timing[1] / 1000)
        marks = page.locator("#source-text mark").count()
        browser.close()
    return {
        **figures(samples),
        "html_received_p50_ms": figures(arrived)["p50_ms"],
        "dom_ready_p50_ms": figures(ready)["p50_ms"],
        "marks_drawn": marks,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an empty database URL (default: a temporary SQLite file)")
    parser.add_argument("--codings", type=int, default=500)
    parser.add_argument("--opens", type=int, default=20)
    parser.add_argument("--applies", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="collabmap-bench-"))
    url = args.db or f"sqlite:///{folder / 'bench.db'}"
    started = time.perf_counter()
    words, codings = prepare(url, folder, args.codings)
    setup = time.perf_counter() - started
    port = _port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    log = (folder / "server.log").open("wb")
    child = subprocess.Popen(
        [sys.executable, "-m", "collabmap", "--db", url, "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(port, child)
        with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
            csrf = sign_in(client)
            page = f"/projects/{PROJECT}/sources/{SOURCE}"
            first = time.perf_counter()
            answer = client.get(page)
            first_open = time.perf_counter() - first
            assert answer.status_code == 200, answer.status_code
            page_bytes = len(answer.content)
            opens = []
            for _ in range(args.opens):
                started = time.perf_counter()
                answer = client.get(page)
                opens.append(time.perf_counter() - started)
                assert answer.status_code == 200
            browser = in_browser(base, min(args.opens, 10))  # before applies add codings
            text = client.get(f"/api{page}").json()["text"]
            rng = random.Random(3)
            applies = []
            for _ in range(args.applies):
                start = rng.randrange(0, len(text) - 200)
                body = {
                    "code": rng.choice(CODES),
                    "start": start,
                    "end": start + rng.randint(20, 180),
                }
                started = time.perf_counter()
                reply = client.post(
                    f"/api{page}/codings", json=body, headers={"X-CSRF-Token": csrf}
                )
                applies.append(time.perf_counter() - started)
                assert reply.status_code == 201, reply.text
    finally:
        child.terminate()
        child.wait(timeout=20)
        log.close()
    report = {
        "database": url.split(":", 1)[0],
        "words": words,
        "codings_on_source": codings,
        "setup_s": round(setup, 1),
        "page_bytes": page_bytes,
        "open_first_ms": round(first_open * 1000, 1),
        "open_http": figures(opens),
        "open_in_chromium_until_load": browser,
        "apply_code_http": figures(applies),
        "targets": {"open_under_ms": 1000, "apply_p95_under_ms": 150},
        "load_average": os.getloadavg()[0],
        "cpus": os.cpu_count(),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: text analysis throughput, and code suggestions for a large project.

Targets (issue "Text analysis"): `collabmap analyse` at 200 passages per second or more
including start-up, on this 2-core machine; a 100,000-segment project suggested in under 10
minutes with under 2 GB peak memory. Run:

    .venv/bin/python benchmarks/analyse_throughput.py [--passages 2000] [--segments 100000]

Passages are the shipped training examples, shuffled and repeated (the speed of reading does
not depend on whether the model has seen them). Each measurement runs the real command in a
child process, so start-up (imports and training) is counted and the child's peak memory is
measured on its own.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from collabmap.analyse import training_examples


def _collabmap(*args: str) -> tuple[float, float]:
    """Run the CLI; return (seconds, the child's peak memory in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "collabmap", *args], check=True, stdout=subprocess.DEVNULL
    )
    elapsed = time.perf_counter() - started
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    return elapsed, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=2000)
    parser.add_argument("--segments", type=int, default=100_000)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    rng = random.Random(7)
    results: dict[str, object] = {}
    targets: dict[str, bool] = {}
    with tempfile.TemporaryDirectory(prefix="collabmap-bench-") as tmp:
        folder = Path(tmp)
        for task in ("activity", "partnership", "rationale"):
            texts = [e.text for e in training_examples(task)]
            lines = [json.dumps({"id": i, "text": rng.choice(texts)}) for i in range(args.passages)]
            path = folder / f"{task}.jsonl"
            path.write_text("\n".join(lines) + "\n")
            seconds, peak = _collabmap("analyse", task, "--jsonl", str(path))
            rate = args.passages / seconds
            results[f"analyse_{task}"] = {
                "passages": args.passages,
                "seconds": round(seconds, 2),
                "per_second": round(rate),
                "peak_mb": round(peak),
            }
            targets[f"{task}: 200 passages/s including start-up"] = rate >= 200
        # a project with --segments sentences: 1,000 sources of equal size
        per_source = max(1, args.segments // 1000)
        sentences = [s for e in training_examples("activity") for s in e.text.split(". ") if s]
        files = folder / "sources"
        files.mkdir()
        for index in range(1000):
            body = ". ".join(rng.choice(sentences).rstrip(".") for _ in range(per_source)) + "."
            (files / f"doc-{index:04d}.txt").write_text(body)
        db = str(folder / "bench.db")
        _collabmap("--db", db, "project", "create", "Bench")
        _collabmap("--db", db, "import", "Bench", *map(str, sorted(files.iterdir())))
        seconds, peak = _collabmap("--db", db, "suggest", "Bench")
        results["suggest"] = {
            "sentences_requested": args.segments,
            "seconds": round(seconds, 1),
            "peak_mb": round(peak),
        }
        targets["suggestions for the project in under 10 minutes"] = seconds < 600
        targets["suggestions under 2 GB peak memory"] = peak < 2048
    print(json.dumps({"results": results, "targets_met": targets}, indent=2))
    return 1 if args.check and not all(targets.values()) else 0


if __name__ == "__main__":
    sys.exit(main())

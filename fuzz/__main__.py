"""``python -m fuzz FORMAT … --runs N``: coverage-guided fuzzing of collabmap's readers.

Each format runs in a child process under atheris (libFuzzer) with the limits the project
holds its readers to — no input may take over 5 s (``-timeout=5``) or take the process past
500 MB (``-rss_limit_mb=500``) — starting from the seeds :mod:`fuzz.seeds` builds. Formats run
one after another, never side by side, so the figures are not skewed by each other. For each
the runner prints the inputs run, the time taken, the peak memory and whether anything crashed;
a crashing input is kept under ``WORKDIR/crashes`` and the full libFuzzer log under
``WORKDIR/logs``. The exit code is 1 if any format crashed, hung or ran out of memory.

Needs the ``fuzz`` extra (``pip install -e '.[fuzz]'``), i.e. atheris.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from fuzz import FORMATS, MAX_LEN
from fuzz.seeds import seeds

RSS_LIMIT_MB = 500
TIMEOUT_S = 5
_DONE = re.compile(r"Done (\d+) runs in (\d+) second")
_RUNS = re.compile(r"#(\d+)\s")
_RSS = re.compile(r"rss: (\d+)Mb")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one format's run gave: inputs, seconds, peak RSS, and the crash if there was one."""

    fmt: str
    inputs: int
    seconds: float
    peak_rss_mb: int
    crash: str | None

    def row(self) -> str:
        verdict = "no crash" if self.crash is None else f"CRASH: {self.crash}"
        return (
            f"{self.fmt:<5} {self.inputs:>9,} inputs  {self.seconds:>8.1f} s  "
            f"peak {self.peak_rss_mb:>4} MB  {verdict}"
        )


def _run(fmt: str, runs: int, workdir: Path, max_len: int, seed: int | None) -> Outcome:
    corpus, seed_dir = workdir / "corpus" / fmt, workdir / "seeds" / fmt
    crashes, logs = workdir / "crashes", workdir / "logs"
    for folder in (corpus, seed_dir, crashes, logs):
        folder.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(seed_dir)
    seed_dir.mkdir()
    for number, data in enumerate(seeds(fmt)):
        (seed_dir / f"seed-{number}").write_bytes(data)
    before = set(crashes.iterdir())
    command = [
        sys.executable,
        "-m",
        "fuzz._atheris",
        fmt,
        f"-runs={runs}",
        f"-rss_limit_mb={RSS_LIMIT_MB}",
        f"-timeout={TIMEOUT_S}",
        f"-max_len={max_len}",
        f"-artifact_prefix={crashes}/{fmt}-",
        "-print_final_stats=1",
        *([f"-seed={seed}"] if seed is not None else []),
        str(corpus),
        str(seed_dir),
    ]
    log = logs / f"{fmt}.log"
    started = time.monotonic()
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    text = log.read_text(errors="replace")
    done = _DONE.search(text)
    counted = [int(n) for n in _RUNS.findall(text)]
    inputs = int(done.group(1)) if done else max(counted, default=0)
    # ru_maxrss is in kilobytes on Linux; libFuzzer's own reports are a cross-check
    peak = max([usage.ru_maxrss // 1024, *(int(n) for n in _RSS.findall(text))])
    crash = None
    if os.waitstatus_to_exitcode(status) != 0:
        found = sorted(set(crashes.iterdir()) - before)
        kind = next(
            (k for k in ("timeout", "oom", "crash", "leak") if any(k in p.name for p in found)),
            "error",
        )
        crash = f"{kind}, input kept as {found[0] if found else '(none)'}; log {log}"
    return Outcome(fmt, inputs, seconds, peak, crash)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__.split("\n")[0])
    parser.add_argument("formats", nargs="+", choices=[*FORMATS, "all"], metavar="FORMAT")
    parser.add_argument("--runs", type=int, default=100_000, help="inputs per format")
    parser.add_argument("--workdir", type=Path, default=Path(".fuzz"), help="corpus, crashes, logs")
    parser.add_argument(
        "--max-len", type=int, default=None, help="largest input in bytes (default: per format)"
    )
    parser.add_argument("--seed", type=int, default=None, help="libFuzzer's random seed")
    args = parser.parse_args(argv)
    formats = list(FORMATS) if "all" in args.formats else list(dict.fromkeys(args.formats))
    failed = False
    for fmt in formats:
        max_len = args.max_len or MAX_LEN[fmt]
        outcome = _run(fmt, args.runs, args.workdir, max_len, args.seed)
        print(outcome.row(), flush=True)
        failed = failed or outcome.crash is not None
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

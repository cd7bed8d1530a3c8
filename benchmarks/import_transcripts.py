"""Benchmark: import interview transcripts into SQLite, export and re-import as REFI-QDA.

Targets (issue "Evidence workspace"): 1,000 transcripts of about 6,000 words imported in
under 60 s on a 2-core machine and within 3x of a bare SQLite insert of the same text measured
in the same run; REFI export and re-import of that project under 30 s each; peak memory under
1 GB. Run:

    .venv/bin/python benchmarks/import_transcripts.py [--count 1000] [--words 6000] [--check]

The transcripts are generated (deterministically) with speaker labels. Import decodes,
normalises, checks for duplicates, recognises transcripts and stores each file in its own
transaction; paragraphs, sentences and speaker turns are derived on first use, and the script
times that too, for all sources at once ("segment_all_on_first_use_s"). The baseline inserts
each file's decoded text as one row, one transaction per file, with the same SQLite settings
(WAL, synchronous=NORMAL).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from collabmap.store import open_store
from collabmap.store.exchange import export_project
from collabmap.store.models import Segment, Source
from collabmap.store.projects import create_project
from collabmap.store.segments import ensure_segments
from collabmap.store.sources import import_files

WORDS = [
    "the",
    "council",
    "partnership",
    "residents",
    "community",
    "group",
    "volunteers",
    "service",
    "asset",
    "library",
    "centre",
    "funding",
    "grant",
    "budget",
    "we",
    "they",
    "asked",
    "decided",
    "designed",
    "delivered",
    "worked",
    "together",
    "with",
    "people",
    "families",
    "support",
    "plan",
    "meeting",
    "officers",
    "staff",
    "charity",
    "local",
    "area",
    "health",
    "food",
    "bank",
    "lease",
    "transfer",
    "risk",
    "quality",
    "access",
    "equity",
    "trust",
    "conversation",
    "change",
    "deal",
    "pledge",
    "recycle",
    "help",
    "neighbours",
    "older",
    "young",
    "children",
    "school",
    "park",
    "playing",
    "field",
]
SPEAKERS = ("Interviewer", "R1")


def transcript(rng: random.Random, words: int) -> str:
    lines, count, turn = [], 0, 0
    while count < words:
        sentences = []
        for _ in range(rng.randint(1, 4)):
            length = rng.randint(6, 22)
            sentence = " ".join(rng.choice(WORDS) for _ in range(length))
            sentences.append(sentence[0].upper() + sentence[1:] + rng.choice(".?."))
            count += length
        lines.append(f"{SPEAKERS[turn % 2]}: {' '.join(sentences)}")
        turn += 1
    return "\n\n".join(lines) + "\n"


def make_files(folder: Path, count: int, words: int) -> list[Path]:
    rng = random.Random(20211981)
    paths = []
    for index in range(count):
        path = folder / f"interview-{index:04d}.txt"
        path.write_text(transcript(rng, words), encoding="utf-8")
        paths.append(path)
    return paths


def bare_sqlite(paths: list[Path], db: Path) -> float:
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("CREATE TABLE sources (id INTEGER PRIMARY KEY, name TEXT, text TEXT)")
    started = time.perf_counter()
    for path in paths:
        text = path.read_bytes().decode("utf-8")
        with connection:  # one transaction per file, as collabmap does
            connection.execute("INSERT INTO sources (name, text) VALUES (?, ?)", (path.stem, text))
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--words", type=int, default=6000)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="collabmap-bench-") as tmp:
        folder = Path(tmp)
        files = folder / "files"
        files.mkdir()
        started = time.perf_counter()
        paths = make_files(files, args.count, args.words)
        generated = time.perf_counter() - started
        megabytes = sum(p.stat().st_size for p in paths) / 1e6

        baseline = bare_sqlite(paths, folder / "bare.db")

        store = open_store(str(folder / "collabmap.db"))
        create_project(store, "Bench")
        started = time.perf_counter()
        report = import_files(store, "Bench", paths)
        imported = time.perf_counter() - started
        assert report.exit_code == 0, report.refused[:3]

        started = time.perf_counter()
        with store.transaction() as session:
            ids = list(session.scalars(select(Source.id)))
            segmented = ensure_segments(session, ids)
        segmenting = time.perf_counter() - started
        with store.reading() as session:
            segments = session.scalar(select(func.count()).select_from(Segment)) or 0
        assert segmented == args.count

        started = time.perf_counter()
        export_project(store, "Bench", "qdpx", folder / "bench.qdpx")
        exported = time.perf_counter() - started
        store.close()

        second = open_store(str(folder / "second.db"))
        create_project(second, "Again")
        started = time.perf_counter()
        again = import_files(second, "Again", [folder / "bench.qdpx"])
        reimported = time.perf_counter() - started
        assert again.exit_code == 0, again.refused
        second.close()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results = {
        "transcripts": args.count,
        "words_each": args.words,
        "megabytes": round(megabytes, 1),
        "generate_s": round(generated, 2),
        "bare_sqlite_insert_s": round(baseline, 2),
        "collabmap_import_s": round(imported, 2),
        "import_per_file_ms": round(imported / args.count * 1000, 2),
        "ratio_to_bare_insert": round(imported / baseline, 2),
        "segments": segments,
        "segment_all_on_first_use_s": round(segmenting, 2),
        "qdpx_export_s": round(exported, 2),
        "qdpx_reimport_s": round(reimported, 2),
        "peak_memory_mb": round(peak_mb),
    }
    targets = {
        "import under 60 s": imported < 60,
        "within 3x of bare insert": imported <= 3 * baseline,
        "export under 30 s": exported < 30,
        "re-import under 30 s": reimported < 30,
        "peak memory under 1 GB": peak_mb < 1024,
    }
    print(json.dumps({"results": results, "targets_met": targets}, indent=2))
    return 1 if args.check and not all(targets.values()) else 0


if __name__ == "__main__":
    sys.exit(main())

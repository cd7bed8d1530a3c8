"""Benchmark: back up, dump and restore a store with about 100,000 segments.

The store is built as ``import_transcripts.py`` builds it: generated interview transcripts
(6,000 words each, with speaker labels) imported into SQLite and segmented (about 775 segments
a transcript, so 130 transcripts give about 100,000). Then each operation runs in its own
child process, so that its peak memory (the child's maximum resident set) is its own:

- ``baseline``: open the store and count its rows (what any command costs);
- ``sqlite_backup``: the online copy (``collabmap backup --format sqlite``);
- ``dump``: the portable dump of the whole store;
- ``restore_sqlite``: the dump restored into an empty SQLite store;
- with PostgreSQL installed (``--postgres``, the default when it is): ``restore_postgres``
  (the move SQLite → PostgreSQL), ``dump_postgres``, and ``restore_from_postgres`` (the move
  back, into SQLite).

After each restore the row counts of every table are compared with the source's. Run:

    .venv/bin/python benchmarks/backup_restore.py [--transcripts 130] [--words 6000] [--no-postgres]

Peak memory of a dump should not grow with the store: run with ``--transcripts 33`` to compare.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the transcript generator and the throwaway PostgreSQL
sys.path.insert(0, str(ROOT / "benchmarks"))

from collabmap.store import Store, open_store  # noqa: E402
from collabmap.store.backup import backup_sqlite, dump, restore  # noqa: E402
from collabmap.store.models import Base, Segment, Source  # noqa: E402
from collabmap.store.projects import create_project  # noqa: E402
from collabmap.store.segments import ensure_segments  # noqa: E402
from collabmap.store.sources import import_files  # noqa: E402


def counts(store: Store) -> dict[str, int]:
    with store.reading() as session:
        return {
            t.name: int(session.scalar(select(func.count()).select_from(t)) or 0)
            for t in Base.metadata.sorted_tables
        }


def phase(name: str, source: str, target: str) -> dict[str, Any]:
    """One operation, in this (child) process: its time, output size and peak memory."""
    started = time.perf_counter()
    size = 0
    if name == "baseline":
        store = open_store(source, create=False)
        counts(store)
    elif name == "sqlite_backup":
        store = open_store(source, create=False)
        size = backup_sqlite(store, Path(target)).size
    elif name.startswith("dump"):
        store = open_store(source, create=False)
        size = dump(store, Path(target)).size
    else:
        store = open_store(target)
        restore(store, Path(source))
        size = sum(counts(store).values())
    store.close()
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "bytes_or_rows": size,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def child(name: str, source: str, target: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--phase", name, source, target],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout))


def build(folder: Path, transcripts: int, words: int) -> tuple[str, dict[str, int]]:
    from import_transcripts import make_files

    files = folder / "files"
    files.mkdir()
    paths = make_files(files, transcripts, words)
    db = str(folder / "source.db")
    store = open_store(db)
    create_project(store, "Bench")
    report = import_files(store, "Bench", paths)
    assert report.exit_code == 0, report.refused[:3]
    with store.transaction() as session:
        ensure_segments(session, list(session.scalars(select(Source.id))))
    with store.reading() as session:
        assert session.scalar(select(func.count()).select_from(Segment))
    rows = counts(store)
    store.close()
    return db, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=130)
    parser.add_argument("--words", type=int, default=6000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--phase", nargs=3, metavar=("NAME", "SOURCE", "TARGET"))
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(*args.phase)))
        return 0

    from tests.pg import find_bindir, throwaway_cluster

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="collabmap-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        db, rows = build(folder, args.transcripts, args.words)
        results["store"] = {
            "transcripts": args.transcripts,
            "segments": rows["segments"],
            "rows": sum(rows.values()),
            "sqlite_bytes": Path(db).stat().st_size,
            "build_s": round(time.perf_counter() - started, 1),
        }
        dump_file = str(folder / "store.zip")
        results["baseline"] = child("baseline", db, "")
        results["sqlite_backup"] = child("sqlite_backup", db, str(folder / "copy.db"))
        results["dump"] = child("dump", db, dump_file)
        results["restore_sqlite"] = child("restore_sqlite", dump_file, str(folder / "r.db"))
        assert counts(open_store(str(folder / "r.db"))) == rows
        if not args.no_postgres and find_bindir() is not None:
            with throwaway_cluster() as url:
                results["restore_postgres"] = child("restore_postgres", dump_file, url)
                pg_dump = str(folder / "pg.zip")
                results["dump_postgres"] = child("dump_postgres", url, pg_dump)
                results["restore_from_postgres"] = child(
                    "restore_from_postgres", pg_dump, str(folder / "back.db")
                )
                assert counts(open_store(url)) == rows
                assert counts(open_store(str(folder / "back.db"))) == rows
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

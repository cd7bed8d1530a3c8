"""Benchmark: the framework matrix and the whole-project PDF report for many partnerships.

Targets (issue "Compare and report"): a matrix of 200 partnerships × 30 themes built in under
2 s; the whole-project PDF report for 200 partnerships in under 30 s. Run:

    .venv/bin/python benchmarks/compare_report.py [--partnerships 200] [--check]

The project is generated: each partnership is one of the reference profiles under a new name,
with its activities shuffled and trimmed at random (seeded), one interview transcript linked
to it, and five codings on framework themes — so cells hold real quotations.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from collabmap.examples import example_names, load_example
from collabmap.profile import parse_profile
from collabmap.store import open_store
from collabmap.store.coding import apply_code
from collabmap.store.matrix import project_matrix
from collabmap.store.projects import add_partnership, create_project, get_project
from collabmap.store.report import write_report
from collabmap.store.sources import import_files

THEMES = [
    "structure:collaborative_council",
    "structure:collaborative_market",
    "structure:system_connector",
    "structure:agent_of_change",
    "structure:other",
    "rationale:share_responsibility",
    "rationale:voluntary_sector_role",
    "rationale:better_workplace",
    "rationale:better_impact_value",
    "rationale:other",
    "rationale:understand_community",
    "rationale:improve_service_quality",
    "rationale:identify_prevention",
    "activity:co_commissioning",
    "activity:co_design",
    "activity:co_assessment",
    "activity:co_delivery",
    "activity:community_self_organization",
    "activity:citizen_self_help",
    "activity:consultation_only",
    "accountability:failure",
    "accountability:risk",
    "accountability:service_quality",
    "accountability:equity_of_access",
    "accountability:capture",
    "accountability:inclusion",
    "accountability:legitimacy",
    "practice:alliance_contract",
    "practice:civic_duty_deal",
    "practice:embedded_teams",
]
SENTENCES = [
    "The council asked residents to recycle more and to volunteer.",
    "A residents' group now runs the library under a long lease.",
    "Former service users redesigned the referral process with staff.",
    "Nobody told us who is responsible if the group folds.",
    "We were asked for our views but the decision had been made.",
]


def build(db: Path, count: int, folder: Path) -> None:
    rng = random.Random(2021)
    store = open_store(str(db))
    create_project(store, "Bench")
    bases = [load_example(name).model_dump(mode="json") for name in example_names()]
    with store.transaction() as session:
        project = get_project(session, "Bench")
        for index in range(count):
            data = dict(bases[index % len(bases)])
            data["name"] = f"Partnership {index:03d}"
            activities = list(data.get("activities", []))
            rng.shuffle(activities)
            data["activities"] = activities[: rng.randint(1, max(1, len(activities)))]
            names = {a["name"] for a in data["activities"]}
            data["accountability"] = [
                m
                for m in data.get("accountability", [])
                if not m.get("applies_to") or set(m["applies_to"]) <= names
            ]
            add_partnership(session, project, parse_profile(data))
    for index in range(count):
        path = folder / f"interview-{index:03d}.txt"
        path.write_text(
            "\n".join(f"R{index % 3 + 1}: {' '.join(rng.sample(SENTENCES, 3))}" for _ in range(8))
        )
        import_files(store, "Bench", [path], partnership=f"Partnership {index:03d}")
        text = path.read_text()
        for concept, sentence in zip(
            (
                "activity:citizen_self_help",
                "activity:community_self_organization",
                "activity:co_design",
                "accountability:failure",
                "activity:consultation_only",
            ),
            SENTENCES,
            strict=True,
        ):
            start = text.find(sentence)
            if start >= 0:
                apply_code(
                    store,
                    "Bench",
                    path.name,
                    concept,
                    start=start,
                    end=start + len(sentence),
                    coder="analyst",
                )
    store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=200)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="collabmap-bench-") as tmp:
        folder = Path(tmp)
        db = folder / "bench.db"
        started = time.perf_counter()
        build(db, args.partnerships, folder)
        built = time.perf_counter() - started
        store = open_store(str(db))
        started = time.perf_counter()
        matrix = project_matrix(store, "Bench", themes=THEMES)
        matrix_s = time.perf_counter() - started
        cells = len(matrix.cells)
        timings = {}
        for format in ("html", "md", "pdf"):
            started = time.perf_counter()
            out = write_report(store, "Bench", format, folder / f"bench.{format}")
            timings[format] = (time.perf_counter() - started, out.stat().st_size)
        from pypdf import PdfReader

        pages = len(PdfReader(folder / "bench.pdf").pages)
        store.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results = {
        "partnerships": args.partnerships,
        "themes": len(THEMES),
        "matrix_cells": cells,
        "build_project_s": round(built, 1),
        "matrix_s": round(matrix_s, 2),
        "html_report_s": round(timings["html"][0], 2),
        "markdown_report_s": round(timings["md"][0], 2),
        "pdf_report_s": round(timings["pdf"][0], 2),
        "pdf_pages": pages,
        "pdf_bytes": timings["pdf"][1],
        "peak_memory_mb": round(peak_mb),
    }
    targets = {
        "matrix under 2 s": matrix_s < 2,
        "PDF report under 30 s": timings["pdf"][0] < 30,
    }
    print(json.dumps({"results": results, "targets_met": targets}, indent=2))
    return 1 if args.check and not all(targets.values()) else 0


if __name__ == "__main__":
    sys.exit(main())

"""A bulk suggestion run killed with SIGKILL while it stores its suggestions leaves none of
them (they are stored in one transaction, all or none), and running it again stores them all."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from collabmap.store import Store
from collabmap.store.projects import create_project
from collabmap.store.sources import import_files
from tests.reliability.conftest import assert_consistent, collabmap, count_codings, kill, spawn

SENTENCES = [
    "We designed the new youth club together with the young people.",
    "Volunteers now run the food bank on their own.",
    "The council asked residents what they thought of the plan.",
    "Officers and tenants decided the budget together.",
    "Because people know their own streets best, they lead the work.",
    "The trust funds the park and residents look after it.",
]


@pytest.fixture
def study(store: Store, tmp_path: Path) -> Store:
    """A project of ten interviews, 300 sentences in all, none coded."""
    rng = random.Random(3)
    paths = []
    for number in range(10):
        path = tmp_path / f"interview-{number}.txt"
        paragraphs = (" ".join(rng.choice(SENTENCES) for _ in range(5)) for _ in range(6))
        path.write_text("\n\n".join(paragraphs))
        paths.append(path)
    create_project(store, "Study")
    import_files(store, "Study", paths)
    return store


def test_a_run_killed_while_storing_stores_nothing_and_a_rerun_stores_all(study: Store) -> None:
    # the hook stops the run just after its INSERT of suggestions, before the COMMIT
    child = spawn(
        collabmap(
            study.url, "suggest", "Study", hooks=("--pause-after", r"^INSERT INTO .?codings")
        ),
        stderr=subprocess.PIPE,
    )
    assert child.stderr is not None
    for line in child.stderr:
        if line.startswith("paused: "):
            break
    else:
        pytest.fail("the suggestion run ended without storing anything")
    kill(child)

    assert count_codings(study) == 0, "part of an interrupted run's suggestions was kept"
    assert_consistent(study)  # the segments it made (an earlier, committed step) are whole

    rerun = subprocess.run(
        collabmap(study.url, "suggest", "Study"), capture_output=True, text=True, check=True
    )
    made = int(rerun.stdout.split()[0])
    assert made > 100, rerun.stdout
    assert count_codings(study, origin="machine", status="suggested") == made
    assert_consistent(study)

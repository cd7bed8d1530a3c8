"""An import killed with SIGKILL at any point leaves every file it reported whole, no file in
part, and a store that passes its checks; running the same import again finishes the rest."""

from __future__ import annotations

import random
import subprocess
import time
from pathlib import Path

import pytest

from collabmap.store import Store
from collabmap.store.projects import create_project
from tests.reliability.conftest import (
    assert_consistent,
    collabmap,
    interviews,
    kill,
    spawn,
    stored_texts,
)

FILES = 150


# killed after the first file, in the middle and near the end; on PostgreSQL, whose
# transactions the server rolls back itself, once (each case costs two process starts)
@pytest.mark.parametrize(
    ("store", "after"),
    [("sqlite", 1), ("sqlite", 40), ("sqlite", 110), ("postgresql", 40)],
    indirect=["store"],
)
def test_a_killed_import_keeps_every_reported_file_whole_and_resumes(
    store: Store, tmp_path: Path, after: int
) -> None:
    create_project(store, "Study")
    texts = interviews(tmp_path / "files", FILES, seed=after)
    paths = [str(tmp_path / "files" / name) for name in sorted(texts)]
    # each file's transaction slowed a little, so the files after the chosen one are still to
    # come when the kill arrives, however slowly this test reads the child's output
    slowly = ("--slow-transactions", "0.05")
    child = spawn(
        collabmap(store.url, "import", "Study", *paths, hooks=slowly), stdout=subprocess.PIPE
    )
    assert child.stdout is not None
    reported: list[str] = []
    for line in child.stdout:
        if line.startswith("imported  "):
            reported.append(Path(line.split()[1].rstrip(":")).name)
        if len(reported) >= after:
            break
    # somewhere inside a later file: reading it, or between its INSERT and its COMMIT
    time.sleep(random.Random(after).uniform(0, 0.02))
    kill(child)

    assert_consistent(store)
    stored = stored_texts(store)
    assert set(reported) <= set(stored), "a file reported as imported is missing"
    for name, bodies in stored.items():
        assert bodies == [texts[name]], f"{name} is not stored exactly once and whole"
    assert len(stored) < FILES, "the import finished before the kill; kill it sooner"

    again = subprocess.run(
        collabmap(store.url, "import", "Study", *paths), capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("skipped   ") == len(stored)
    finished = stored_texts(store)
    assert finished == {name: [body] for name, body in texts.items()}
    assert_consistent(store)

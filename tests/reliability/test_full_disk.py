"""A full disk: the operation that did not fit is refused with one clear line (or a 507
problem document), nothing is corrupted, what was stored before is intact, and once space is
freed work resumes. Simulated everywhere with SQLite's page limit; on a real, small tmpfs
where the tests may mount one."""

from __future__ import annotations

import shutil
import subprocess
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from collabmap.store import Store, open_store
from collabmap.store.projects import create_project
from collabmap.store.sources import import_files
from collabmap.web import WebSettings, create_app
from tests.reliability.coding_client import PASSWORD, SOURCE, prepare
from tests.reliability.conftest import (
    assert_consistent,
    collabmap,
    count_codings,
    interviews,
    stored_texts,
)

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient


def _pages(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.exec_driver_sql("PRAGMA page_count").scalar_one())


def _imported(stdout: str) -> set[str]:
    return {
        Path(line.split()[1].rstrip(":")).name
        for line in stdout.splitlines()
        if line.startswith("imported  ")
    }


def _assert_refused_for_a_full_disk(run: subprocess.CompletedProcess[str]) -> None:
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    assert "the disk is full" in lines[0] and "free some space" in lines[0]


def _import_until_full(store: Store, files: Path, texts: dict[str, str], *hooks: str) -> set[str]:
    """Import every file with the CLI into a store that fills up on the way; check the refusal
    and what is left; give the files the CLI reported as imported."""
    before = stored_texts(store)
    paths = [str(files / name) for name in sorted(texts)]
    run = subprocess.run(
        collabmap(store.url, "import", "Study", *paths, hooks=hooks), capture_output=True, text=True
    )
    _assert_refused_for_a_full_disk(run)
    reported = _imported(run.stdout)
    assert reported, "the disk filled up before the first file: give it more room"
    stored = stored_texts(store)
    assert_consistent(store)
    assert {n: b for n, b in stored.items() if n in before} == before  # earlier data intact
    assert set(stored) == set(before) | reported
    for name in reported:
        assert stored[name] == [texts[name]]
    assert len(stored) < len(before) + len(texts), "everything fitted: make the disk smaller"
    return reported


def test_an_import_into_a_full_database_stops_cleanly_and_resumes(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "study.db"))
    create_project(store, "Study")
    early = interviews(tmp_path / "early", 3, seed=7)
    import_files(store, "Study", [tmp_path / "early" / name for name in early])
    texts = interviews(tmp_path / "files", 30, seed=8)
    room = _pages(store) + 60  # about ten more files' worth of 4 kB pages
    _import_until_full(store, tmp_path / "files", texts, "--max-pages", str(room))

    # space freed (here: no page limit): the same command stores the rest
    again = subprocess.run(
        collabmap(store.url, "import", "Study", *map(str, sorted((tmp_path / "files").iterdir()))),
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr
    assert stored_texts(store) == {n: [b] for n, b in (early | texts).items()}
    assert_consistent(store)
    store.close()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs, mounted for the test and unmounted after it."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command here")
    mounted = subprocess.run(
        [
            "mount",
            "-t",
            "tmpfs",
            "-o",
            "size=3m",
            f"collabmap-{uuid.uuid4().hex[:8]}",
            str(mount_point),
        ],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(
            "cannot mount a small tmpfs here (needs root or CAP_SYS_ADMIN); the page-limit "
            f"test covers the same path: {mounted.stderr.strip()}"
        )
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def test_an_import_onto_a_full_disk_stops_cleanly_and_resumes_once_space_is_freed(
    small_disk: Path, tmp_path: Path
) -> None:
    store = open_store(str(small_disk / "study.db"))
    create_project(store, "Study")
    early = interviews(tmp_path / "early", 3, seed=7)
    import_files(store, "Study", [tmp_path / "early" / name for name in early])
    filler = small_disk / "other-files.bin"
    free = shutil.disk_usage(small_disk).free
    filler.write_bytes(b"\0" * max(0, free - 300_000))  # leave room for about ten files
    texts = interviews(tmp_path / "files", 30, seed=8)
    _import_until_full(store, tmp_path / "files", texts)

    filler.unlink()  # space freed: the same command stores the rest, no restart needed
    again = subprocess.run(
        collabmap(store.url, "import", "Study", *map(str, sorted((tmp_path / "files").iterdir()))),
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr
    assert stored_texts(store) == {n: [b] for n, b in (early | texts).items()}
    assert_consistent(store)
    store.close()


def test_the_api_answers_507_when_the_database_is_full(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "study.db"))
    prepare(store, tmp_path)
    limit = {"pages": _pages(store)}  # not one page more

    @event.listens_for(store.engine, "connect")
    def _full(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {limit['pages']}")  # type: ignore[attr-defined]

    store.engine.dispose()  # every connection from now on has the limit
    client = TestClient(create_app(store, WebSettings()), raise_server_exceptions=False)
    signed = client.post("/api/session", json={"name": "ann", "password": PASSWORD})
    assert signed.status_code in {201, 507}, signed.text
    if signed.status_code == 507:  # even the sign-in could not be written: allow it one page
        limit["pages"] += 1
        store.engine.dispose()
        signed = client.post("/api/session", json={"name": "ann", "password": PASSWORD})
    client.headers["X-CSRF-Token"] = signed.json()["csrf_token"]
    url = f"/api/projects/Study/sources/{SOURCE}/codings"
    acknowledged = 0
    for start in range(2_000):
        answer = client.post(
            url, json={"code": "activity:co_design", "start": start % 500, "end": start % 500 + 9}
        )
        if answer.status_code != 201:
            break
        acknowledged += 1
    assert answer.status_code == 507, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["title"] == "Storage full"
    assert "the disk is full" in problem["detail"] and "study.db" in problem["detail"]
    assert "Traceback" not in answer.text

    limit["pages"] += 1_000  # space freed: the same running application writes again
    store.engine.dispose()
    assert (
        client.post(url, json={"code": "activity:co_design", "start": 0, "end": 9}).status_code
        == 201
    )
    client.close()
    assert count_codings(store) == acknowledged + 1
    assert_consistent(store)
    store.close()

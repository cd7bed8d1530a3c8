"""`collabmap backup` and `collabmap restore` as an administrator uses them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from collabmap.store import Store, open_store
from collabmap.store.accounts import add_member, create_user
from tests import backup_support
from tests.cli.conftest import Run

MakeStore = Callable[[str], Store]
OTHER = {"sqlite": "postgresql", "postgresql": "sqlite"}


@pytest.fixture
def fresh_stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeStore]:
    yield from backup_support.make_fresh_stores(request, tmp_path)


@contextmanager
def opened(db: str) -> Iterator[Store]:
    store = open_store(db)
    try:
        yield store
    finally:
        store.close()


def _projects(run: Run, db: str) -> list[dict[str, object]]:
    listed = run("--db", db, "project", "list", "--json")
    assert listed.code == 0, listed.err
    return list(json.loads(listed.out))


def test_a_store_is_dumped_and_restored_into_the_other_database(
    run: Run, db_url: str, store: Store, fresh_stores: MakeStore, tmp_path: Path
) -> None:
    assert run("--db", db_url, "project", "create", "Study", "--with-examples").code == 0
    assert run("--db", db_url, "project", "create", "Pilot").code == 0
    backed = run("--db", db_url, "backup", str(tmp_path / "all.zip"), "--format", "dump")
    assert backed.code == 0, backed.err
    assert backed.out.startswith(f"backed up the whole store to {tmp_path / 'all.zip'}: a dump of")
    assert backed.err == ""  # no progress bar when standard error is not a terminal
    target = fresh_stores(OTHER[store.dialect])
    restored = run("--db", target.url, "restore", str(tmp_path / "all.zip"))
    assert restored.code == 0, restored.err
    assert restored.out.startswith("restored the whole store from")
    assert _projects(run, target.url) == _projects(run, db_url)


def test_one_project_is_restored_beside_others_keeping_the_stores_own_accounts(
    run: Run, db_url: str, tmp_path: Path
) -> None:
    assert run("--db", db_url, "project", "create", "Study").code == 0
    assert run("--db", db_url, "project", "create", "Pilot").code == 0
    with opened(db_url) as store:
        create_user(store, "ana", "a long password", actor="test")
        add_member(store, "Study", "ana", "owner", actor="test")
    backed = run("--db", db_url, "backup", str(tmp_path / "study.zip"), "--project", "Study")
    assert backed.code == 0, backed.err
    assert "backed up project 'Study'" in backed.out
    target = str(tmp_path / "elsewhere.db")
    assert run("--db", target, "project", "create", "Ours").code == 0
    with opened(target) as store:
        create_user(store, "ana", "her other password", actor="test")
    restored = run("--db", target, "restore", str(tmp_path / "study.zip"))
    assert restored.code == 0, restored.err
    assert "restored project 'Study'" in restored.out
    assert "kept the store's own accounts: ana" in restored.out
    assert [p["name"] for p in _projects(run, target)] == ["Ours", "Study"]
    again = run("--db", target, "restore", str(tmp_path / "study.zip"))
    assert again.code == 2
    assert again.err.strip() == "error: project 'Study' already exists"


def test_a_sqlite_store_is_copied_by_default_and_the_copy_is_a_store(
    run: Run, tmp_path: Path
) -> None:
    db = str(tmp_path / "live.db")
    assert run("--db", db, "project", "create", "Study", "--with-examples").code == 0
    backed = run("--db", db, "backup", str(tmp_path / "copy.db"))
    assert backed.code == 0, backed.err
    assert "a SQLite copy" in backed.out
    assert _projects(run, str(tmp_path / "copy.db")) == _projects(run, db)
    restored = run("--db", str(tmp_path / "new.db"), "restore", str(tmp_path / "copy.db"))
    assert restored.code == 0, restored.err
    assert _projects(run, str(tmp_path / "new.db")) == _projects(run, db)


def test_a_postgresql_store_is_dumped_by_default_and_cannot_be_copied_as_sqlite(
    run: Run, fresh_stores: MakeStore, tmp_path: Path
) -> None:
    db_url = fresh_stores("postgresql").url
    assert run("--db", db_url, "project", "create", "Study").code == 0
    backed = run("--db", db_url, "backup", str(tmp_path / "all.zip"))
    assert backed.code == 0 and "a dump of" in backed.out
    refused = run("--db", db_url, "backup", str(tmp_path / "x.db"), "--format", "sqlite")
    assert refused.code == 2
    assert "back up a PostgreSQL store as a dump (--format dump)" in refused.err


def test_restoring_a_whole_store_into_one_in_use_is_refused_and_says_what_to_do(
    run: Run, tmp_path: Path
) -> None:
    db = str(tmp_path / "live.db")
    assert run("--db", db, "project", "create", "Study").code == 0
    assert run("--db", db, "backup", str(tmp_path / "all.zip"), "--format", "dump").code == 0
    refused = run("--db", db, "restore", str(tmp_path / "all.zip"))
    assert refused.code == 2
    assert "is not empty (projects (1), codes (66))" in refused.err
    assert "restore one project from a dump made with --project" in refused.err
    assert [p["name"] for p in _projects(run, db)] == ["Study"]


def test_bad_input_is_one_line_and_exit_code_2_and_leaves_no_store_behind(
    run: Run, tmp_path: Path
) -> None:
    db = tmp_path / "new.db"
    missing = run("--db", str(db), "restore", str(tmp_path / "missing.zip"))
    assert (missing.code, missing.err.strip()) == (
        2,
        f"error: {tmp_path / 'missing.zip'}: no such file",
    )
    assert not db.exists()
    (tmp_path / "notes.txt").write_text("hello")
    wrong = run("--db", str(db), "restore", str(tmp_path / "notes.txt"))
    assert wrong.code == 2 and "not a zip file" in wrong.err
    assert run("--db", str(db), "project", "create", "Study").code == 0
    unknown = run("--db", str(db), "backup", str(tmp_path / "x.zip"), "--project", "Nope")
    assert (unknown.code, unknown.err.strip()) == (2, "error: unknown project 'Nope'; known: Study")
    mixed = run(
        "--db",
        str(db),
        "backup",
        str(tmp_path / "x.db"),
        "--format",
        "sqlite",
        "--project",
        "Study",
    )
    assert mixed.code == 2 and "--project makes a dump" in mixed.err

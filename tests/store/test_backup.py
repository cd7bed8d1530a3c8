"""Backups and restores: nothing lost, nothing half-written, nothing hostile let in."""

from __future__ import annotations

import itertools
import json
import sqlite3
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from collabmap.errors import AlreadyExists, InvalidInput, SignInRefused, UnknownName
from collabmap.store import Store, backup, open_store
from collabmap.store._engine import upgrade
from collabmap.store.accounts import create_user, list_members, sign_in
from collabmap.store.backup import DumpLimits, backup_sqlite, dump, restore
from collabmap.store.coding import apply_code, list_codings
from collabmap.store.models import Base, Project
from collabmap.store.projects import create_project, delete_project, list_projects, summary
from collabmap.store.segments import list_segments
from collabmap.store.sources import import_files
from tests import backup_support
from tests.backup_support import (
    CO_DESIGN,
    PASSWORD,
    doctor,
    drop_postgres_store,
    fill,
    new_postgres_store,
    table_rows,
)

MakeStore = Callable[[str], Store]
OTHER = {"sqlite": "postgresql", "postgresql": "sqlite"}


@pytest.fixture
def fresh_stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeStore]:
    yield from backup_support.make_fresh_stores(request, tmp_path)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def filled(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """A store with something in every table, on each database. Filling it takes seconds
    (password hashing, the reference cases), so it is filled once and only read: tests
    restore into other stores, and the one that restores into it checks it is unchanged."""
    folder = tmp_path_factory.mktemp("filled")
    if request.param == "sqlite":
        store = fill(open_store(str(folder / "filled.db")), folder)
        yield store
        store.close()
    else:
        base = request.getfixturevalue("postgres_url")
        store = fill(new_postgres_store(base), folder)
        yield store
        drop_postgres_store(store, base)


def test_the_filled_store_has_rows_in_every_table(filled: Store) -> None:
    """The round trips below would prove little about a table that is empty."""
    empty = [name for name, rows in table_rows(filled).items() if not rows]
    assert empty == []


def test_a_dump_restores_every_table_row_by_row_on_the_same_database(
    filled: Store, fresh_stores: MakeStore, tmp_path: Path
) -> None:
    result = dump(filled, tmp_path / "all.zip")
    assert set(result.rows) == {t.name for t in Base.metadata.sorted_tables}
    target = fresh_stores(filled.dialect)
    restored = restore(target, tmp_path / "all.zip")
    before, after = table_rows(filled), table_rows(target)
    for table in before:
        assert after[table] == before[table], table
    assert restored.rows == {name: len(rows) for name, rows in before.items()}


def test_a_dump_moves_a_store_to_the_other_database_losslessly(
    filled: Store, fresh_stores: MakeStore, tmp_path: Path
) -> None:
    dump(filled, tmp_path / "all.zip")
    target = fresh_stores(OTHER[filled.dialect])
    restore(target, tmp_path / "all.zip")
    before, after = table_rows(filled, parsed_json=True), table_rows(target, parsed_json=True)
    for table in before:
        assert after[table] == before[table], table


def test_a_restored_store_goes_on_working_with_fresh_ids(
    filled: Store, fresh_stores: MakeStore, tmp_path: Path
) -> None:
    dump(filled, tmp_path / "all.zip")
    target = fresh_stores(OTHER[filled.dialect])
    restore(target, tmp_path / "all.zip")
    create_project(target, "After the move")
    coding = apply_code(
        target, "Study", "interview-01.txt", "activity:co_design", quote=CO_DESIGN, coder="dan"
    )
    assert coding.id > max(c.id for c in list_codings(filled, "Study"))
    token, signed_in = sign_in(target, "ana", PASSWORD, address="127.0.0.1")
    assert token and signed_in.account.name == "ana"
    assert [p.name for p in list_projects(target)] == ["After the move", "Elsewhere", "Study"]


def test_one_project_moves_into_a_store_in_use_with_its_people(
    filled: Store, fresh_stores: MakeStore, tmp_path: Path
) -> None:
    result = dump(filled, tmp_path / "study.zip", project="Study")
    assert result.rows["projects"] == 1
    assert result.rows["web_sessions"] == 0 and result.rows["sign_in_attempts"] == 0
    assert result.rows["users"] == 4  # ana, bea and the two respondents it invited; not cal
    target = fresh_stores(OTHER[filled.dialect])
    create_project(target, "Already here", with_examples=True)
    create_user(target, "bea", "another password", actor="test")
    restored = restore(target, tmp_path / "study.zip")
    assert restored.project == "Study"
    assert restored.reused == {"users": ["bea"]}
    assert summary(target, "Study") == summary(filled, "Study")
    assert summary(target, "Already here").partnerships == 5
    roles = [(account.name, role) for account, role in list_members(target, "Study")]
    assert ("ana", "owner") in roles and ("bea", "analyst") in roles
    assert sum(role == "respondent" for _, role in roles) == 2 and len(roles) == 4

    def codings(store: Store) -> list[tuple[object, ...]]:
        return sorted(
            (c.source, c.code, c.start, c.end, c.coder, c.origin, c.confidence, c.status)
            for c in list_codings(store, "Study")
        )

    assert codings(target) == codings(filled)
    assert [s.text for s in list_segments(target, "Study", "interview-01.txt")] == [
        s.text for s in list_segments(filled, "Study", "interview-01.txt")
    ]
    with pytest.raises(SignInRefused):
        sign_in(target, "bea", PASSWORD, address="127.0.0.1")  # the store's own bea is kept


def test_a_project_restored_under_a_taken_name_is_refused_and_nothing_changes(
    filled: Store, tmp_path: Path
) -> None:
    dump(filled, tmp_path / "study.zip", project="Study")
    before = table_rows(filled)
    with pytest.raises(AlreadyExists, match="Study"):
        restore(filled, tmp_path / "study.zip")
    assert table_rows(filled) == before


def test_a_dump_of_an_unknown_project_names_the_known_ones(filled: Store, tmp_path: Path) -> None:
    with pytest.raises(UnknownName, match="Elsewhere, Study"):
        dump(filled, tmp_path / "x.zip", project="Nope")
    assert not (tmp_path / "x.zip").exists()


def test_a_whole_store_dump_is_refused_by_a_store_in_use(
    filled: Store, fresh_stores: MakeStore, tmp_path: Path
) -> None:
    dump(filled, tmp_path / "all.zip")
    target = fresh_stores(filled.dialect)
    create_project(target, "Ours")
    before = table_rows(target)
    with pytest.raises(InvalidInput, match=r"not empty \(.*projects"):
        restore(target, tmp_path / "all.zip")
    assert table_rows(target) == before


# ---------------------------------------------------------------- refusals of bad dumps


def _manifest(change: Callable[[dict[str, object]], None]) -> Callable[[dict[str, bytes]], None]:
    def edit(members: dict[str, bytes]) -> None:
        manifest = json.loads(members["manifest.json"])
        change(manifest)
        members["manifest.json"] = json.dumps(manifest).encode()

    return edit


def _row(table: str, index: int, column: int, value: object) -> Callable[[dict[str, bytes]], None]:
    def edit(members: dict[str, bytes]) -> None:
        name = f"tables/{table}.jsonl"
        lines = members[name].decode().splitlines(keepends=True)
        row = json.loads(lines[index])
        row[column] = value
        lines[index] = json.dumps(row) + "\n"
        members[name] = "".join(lines).encode()

    return edit


def _replace(table: str, old: bytes, new: bytes) -> Callable[[dict[str, bytes]], None]:
    def edit(members: dict[str, bytes]) -> None:
        name = f"tables/{table}.jsonl"
        assert old in members[name]
        members[name] = members[name].replace(old, new, 1)

    return edit


def _rows_claimed(table: str, rows: int) -> Callable[[dict[str, object]], None]:
    def edit(manifest: dict[str, object]) -> None:
        for entry in manifest["tables"]:  # type: ignore[attr-defined]
            if entry["name"] == table:
                entry["rows"] = rows

    return edit


def _newer(manifest: dict[str, object]) -> None:
    manifest["schema_revision"] = "9999"


def _older(manifest: dict[str, object]) -> None:
    manifest["schema_revision"] = "0001"


def _add(name: str, data: bytes) -> Callable[[dict[str, bytes]], None]:
    return lambda members: members.__setitem__(name, data)


def _drop(name: str) -> Callable[[dict[str, bytes]], None]:
    def edit(members: dict[str, bytes]) -> None:
        del members[name]

    return edit


BAD_DUMPS: dict[str, tuple[Callable[[dict[str, bytes]], None], bool, str]] = {
    "newer schema": (_manifest(_newer), False, "newer collabmap"),
    "older schema": (_manifest(_older), False, "older schema"),
    "tampered row": (
        _replace("codings", b'"accepted"', b'"rejected"'),
        False,
        "does not match its checksum",
    ),
    "resized table": (_row("codings", 0, 6, 3), False, "not the size the manifest gives"),
    "wrong type": (_row("codings", 0, 6, "three"), True, "codings: start should be a whole"),
    "null where needed": (_row("sources", 0, 3, None), True, "sources: name is empty"),
    "a datetime with a zone": (
        _row("projects", 0, 6, "2026-01-01T00:00:00+02:00"),
        True,
        "has a time zone",
    ),
    "invalid JSON": (_row("partnerships", 0, 5, "{nope"), True, "profile is not valid JSON"),
    "a dangling reference": (_row("codings", 0, 4, 999_999), True, "do not fit together"),
    "path traversal": (_add("../../etc/passwd", b"x"), False, "unexpected member"),
    "a missing table": (_drop("tables/codings.jsonl"), False, "codings is missing"),
    "more rows than listed": (_manifest(_rows_claimed("codes", 1)), False, "more rows than"),
    "fewer rows than listed": (
        _manifest(_rows_claimed("codes", 999)),
        False,
        "the manifest says 999",
    ),
    "no manifest": (_drop("manifest.json"), False, "no manifest"),
    "a manifest with an unknown table": (
        _manifest(lambda m: m["tables"].append(dict(m["tables"][0], name="evil"))),  # type: ignore[attr-defined, index]
        False,
        "unknown: evil",
    ),
}


@pytest.mark.parametrize("case", BAD_DUMPS, ids=list(BAD_DUMPS))
def test_a_bad_dump_is_refused_with_a_reason_and_nothing_is_written(
    case: str, filled: Store, fresh_stores: MakeStore, tmp_path: Path
) -> None:
    change, reseal, reason = BAD_DUMPS[case]
    dump(filled, tmp_path / "all.zip")
    bad = doctor(tmp_path / "all.zip", tmp_path / "bad.zip", change, reseal=reseal)
    target = fresh_stores(filled.dialect)
    before = table_rows(target)
    with pytest.raises(InvalidInput, match=reason):
        restore(target, bad)
    assert table_rows(target) == before


def test_a_truncated_dump_is_refused(
    filled: Store, fresh_stores: MakeStore, tmp_path: Path
) -> None:
    dump(filled, tmp_path / "all.zip")
    data = (tmp_path / "all.zip").read_bytes()
    for cut in (len(data) // 2, len(data) - 30, 100):
        (tmp_path / "cut.zip").write_bytes(data[:cut])
        target = fresh_stores(filled.dialect)
        with pytest.raises(InvalidInput, match="not a zip file, or it is cut short"):
            restore(target, tmp_path / "cut.zip")
        assert all(not rows for rows in table_rows(target).values())


def test_a_dump_needing_a_newer_zip_version_is_refused(
    filled: Store, fresh_stores: MakeStore, tmp_path: Path
) -> None:
    """Found by fuzzing the REFI-QDA reader: Python's zipfile raises NotImplementedError for
    a member whose "version needed to extract" is beyond it; a dump is a zip too."""
    dump(filled, tmp_path / "all.zip")
    data = bytearray((tmp_path / "all.zip").read_bytes())
    central = data.index(b"PK\x01\x02")  # the first entry of the central directory
    data[central + 6 : central + 8] = (80).to_bytes(2, "little")  # version 8.0 needed
    (tmp_path / "newer.zip").write_bytes(bytes(data))
    target = fresh_stores(filled.dialect)
    with pytest.raises(InvalidInput, match="zip feature collabmap cannot read"):
        restore(target, tmp_path / "newer.zip")
    assert all(not rows for rows in table_rows(target).values())


def test_a_zip_bomb_is_refused_before_it_is_expanded(
    filled: Store, fresh_stores: MakeStore, tmp_path: Path
) -> None:
    dump(filled, tmp_path / "all.zip")
    bomb = doctor(
        tmp_path / "all.zip",
        tmp_path / "bomb.zip",
        _add("tables/coders.jsonl", b"\n" * 50_000_000),
        reseal=False,
    )
    assert bomb.stat().st_size < 1_000_000
    started = time.monotonic()
    with pytest.raises(InvalidInput, match="a zip bomb"):
        restore(fresh_stores(filled.dialect), bomb)
    assert time.monotonic() - started < 2


def test_a_row_longer_than_the_limit_is_refused(
    filled: Store, fresh_stores: MakeStore, tmp_path: Path
) -> None:
    dump(filled, tmp_path / "all.zip")
    with pytest.raises(InvalidInput, match="row 2 of sources is longer than 10,000 bytes"):
        restore(
            fresh_stores(filled.dialect),
            tmp_path / "all.zip",
            limits=DumpLimits(max_line_bytes=10_000),
        )


def test_a_file_that_is_not_a_dump_is_refused(store: Store, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a dump")
    with pytest.raises(InvalidInput, match="not a zip file"):
        restore(store, tmp_path / "notes.txt")
    with pytest.raises(InvalidInput, match="no such file"):
        restore(store, tmp_path / "missing.zip")


# ---------------------------------------------------------------- SQLite online backup


@pytest.mark.parametrize("slow", [False, True], ids=["quick copy", "copy restarted by writers"])
def test_an_online_backup_taken_while_another_thread_writes_is_a_consistent_store(
    slow: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slow: one page a step and a progress display that takes 5 ms a page, so the writer
    keeps restarting the copy and it has to finish in one step."""
    if slow:
        monkeypatch.setattr(backup, "_STEP_PAGES", 1)
    live = open_store(str(tmp_path / "live.db"))
    create_project(live, "Busy")
    writer = open_store(str(tmp_path / "live.db"))
    stop = threading.Event()
    written: list[int] = []

    def keep_writing() -> None:
        while not stop.is_set():
            with writer.transaction() as session:
                project = session.scalars(select(Project).where(Project.name == "Busy")).one()
                project.description = f"revision {len(written)}"
            create_project(writer, f"Extra {len(written)}", with_examples=True)
            written.append(1)

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        while len(written) < 3:
            time.sleep(0.01)
        pages: list[tuple[int, int]] = []

        def show(done: int, total: int) -> None:
            pages.append((done, total))
            time.sleep(0.005 if slow else 0)

        result = backup_sqlite(
            live,
            tmp_path / "copy.db",
            progress=show,
        )
        during = len(written)
        while len(written) < during + 3:  # the writer was not blocked by the backup
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join()
        writer.close()
    assert pages and pages[-1][0] == pages[-1][1] == result.pages
    restarted = any(later[0] < earlier[0] for earlier, later in itertools.pairwise(pages))
    assert restarted == slow
    with sqlite3.connect(tmp_path / "copy.db") as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert not (tmp_path / "copy.db-wal").exists()
    copy = open_store(str(tmp_path / "copy.db"))
    projects = list_projects(copy)
    assert 4 <= len(projects) < len(list_projects(live))
    for project in projects:  # every project is whole: the code tree and, for extras, cases
        assert project.codes == 66
        assert project.partnerships == (5 if project.name.startswith("Extra") else 0)
    copy.close()
    live.close()


def test_an_online_backup_replaces_the_old_copy_only_when_complete(tmp_path: Path) -> None:
    live = open_store(str(tmp_path / "live.db"))
    create_project(live, "One")
    (tmp_path / "copy.db").write_bytes(b"yesterday's copy")
    backup_sqlite(live, tmp_path / "copy.db")
    copy = open_store(str(tmp_path / "copy.db"))
    assert [p.name for p in list_projects(copy)] == ["One"]
    copy.close()
    with pytest.raises(InvalidInput, match="onto itself"):
        backup_sqlite(live, tmp_path / "live.db")
    with pytest.raises(InvalidInput, match="no folder"):
        backup_sqlite(live, tmp_path / "nowhere" / "copy.db")
    live.close()


def test_a_postgresql_store_is_backed_up_as_a_dump_only(
    fresh_stores: MakeStore, tmp_path: Path
) -> None:
    with pytest.raises(InvalidInput, match="--format dump"):
        backup_sqlite(fresh_stores("postgresql"), tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()


@pytest.mark.parametrize("filled", ["sqlite"], indirect=True)  # an online copy is of SQLite
def test_an_online_backup_restores_into_the_other_database(
    filled: Store, fresh_stores: MakeStore, tmp_path: Path
) -> None:
    backup_sqlite(filled, tmp_path / "copy.db")
    untouched = (tmp_path / "copy.db").read_bytes()
    target = fresh_stores("postgresql")
    restore(target, tmp_path / "copy.db")
    assert table_rows(target, parsed_json=True) == table_rows(filled, parsed_json=True)
    assert (tmp_path / "copy.db").read_bytes() == untouched


def test_a_sqlite_copy_from_an_older_schema_is_migrated_on_the_way_in(
    fresh_stores: MakeStore, tmp_path: Path
) -> None:
    old = open_store(str(tmp_path / "old.db"), migrate=False)
    upgrade(old, "0001")
    create_project(old, "From last year")
    old.close()
    untouched = (tmp_path / "old.db").read_bytes()
    target = fresh_stores("postgresql")
    restore(target, tmp_path / "old.db")
    assert [p.name for p in list_projects(target)] == ["From last year"]
    assert list_projects(target)[0].codes == 66
    assert (tmp_path / "old.db").read_bytes() == untouched


def test_a_sqlite_file_that_is_not_a_collabmap_store_is_refused(
    store: Store, tmp_path: Path
) -> None:
    with sqlite3.connect(tmp_path / "other.db") as raw:
        raw.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    with pytest.raises(InvalidInput, match="a SQLite database but not a collabmap store"):
        restore(store, tmp_path / "other.db")
    assert all(not rows for rows in table_rows(store).values())


def test_a_dump_is_one_moment_of_the_store_even_while_others_write(
    store: Store, fresh_stores: MakeStore, tmp_path: Path
) -> None:
    """Rows written by another connection half-way through a dump (here, from the progress
    callback, after the projects table has been read and before the codings table is) are
    not in the dump, and the dump restores."""
    notes = tmp_path / "notes.txt"
    notes.write_text("".join(f"Residents ran meeting number {n}. " for n in range(1500)))
    create_project(store, "Study")
    import_files(store, "Study", [notes])
    list_segments(store, "Study", "notes.txt")
    apply_code(store, "Study", "notes.txt", "activity:co_design", start=0, end=9)
    other = open_store(store.url)
    written: list[int] = []

    def write_meanwhile(done: int, total: int) -> None:
        if not written:
            create_project(other, "Late")
            apply_code(other, "Study", "notes.txt", "activity:co_delivery", start=10, end=20)
            written.append(done)

    try:
        dump(store, tmp_path / "all.zip", progress=write_meanwhile)
    finally:
        other.close()
    assert written and written[0] < 1600  # mid-way: segments were being read
    assert len(list_codings(store, "Study")) == 2 and len(list_projects(store)) == 2
    target = fresh_stores(store.dialect)
    restore(target, tmp_path / "all.zip")
    assert [p.name for p in list_projects(target)] == ["Study"]
    assert len(list_codings(target, "Study")) == 1


def test_a_project_restored_into_postgresql_never_takes_the_ids_of_deleted_rows(
    filled: Store, fresh_stores: MakeStore, tmp_path: Path
) -> None:
    """A cache keyed by id (a partnership's classification, say) must never meet an old id
    again: the restored rows, and the rows after them, get ids past every one used."""
    dump(filled, tmp_path / "study.zip", project="Study")
    target = fresh_stores("postgresql")
    create_project(target, "Kept", with_examples=True)
    create_project(target, "Gone", with_examples=True)
    with target.reading() as session:
        gone = session.scalars(select(Project.id).where(Project.name == "Gone")).one()
    delete_project(target, "Gone")
    restore(target, tmp_path / "study.zip")
    create_project(target, "After")
    with target.reading() as session:
        ids = {row.name: row.id for row in session.execute(select(Project.name, Project.id))}
    assert gone < ids["Study"] < ids["After"]


def test_a_project_dump_carrying_more_than_its_project_is_refused(
    filled: Store, fresh_stores: MakeStore, tmp_path: Path
) -> None:
    """Sessions slipped into a one-project dump (and resealed), or a manifest naming another
    project, are refused: restoring a project never signs anybody in or renames anything."""
    dump(filled, tmp_path / "all.zip")
    dump(filled, tmp_path / "study.zip", project="Study")
    with zipfile.ZipFile(tmp_path / "all.zip") as whole:
        sessions = whole.read("tables/web_sessions.jsonl")
    smuggled = doctor(
        tmp_path / "study.zip",
        tmp_path / "smuggled.zip",
        _add("tables/web_sessions.jsonl", sessions),
        reseal=True,
    )
    renamed = doctor(
        tmp_path / "study.zip",
        tmp_path / "renamed.zip",
        _manifest(lambda m: m.__setitem__("project", "Elsewhere")),
        reseal=False,
    )
    target = fresh_stores(filled.dialect)
    with pytest.raises(InvalidInput, match="should have no rows in web_sessions"):
        restore(target, smuggled)
    with pytest.raises(InvalidInput, match="not the one its manifest names"):
        restore(target, renamed)
    assert all(not rows for rows in table_rows(target).values())

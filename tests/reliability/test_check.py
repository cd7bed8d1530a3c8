"""`collabmap check` says a whole store is consistent, and names what is broken in one that
is not: a source cut short, a coding outside its text, a coding on another source's segment."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from collabmap.store import Store
from collabmap.store.coding import apply_code
from collabmap.store.projects import create_project
from collabmap.store.segments import list_segments
from collabmap.store.sources import import_files
from tests.cli.conftest import Run


def test_check_passes_a_whole_store_and_names_each_broken_promise(
    store: Store, tmp_path: Path, run: Run
) -> None:
    for name in ("one.txt", "two.txt"):
        (tmp_path / name).write_text(f"First paragraph of {name}.\n\nSecond paragraph, longer.")
    create_project(store, "Study")
    import_files(store, "Study", [tmp_path / "one.txt", tmp_path / "two.txt"])
    coding = apply_code(store, "Study", "one.txt", "activity:co_design", start=0, end=5)
    list_segments(store, "Study", "two.txt")  # segments both sources
    whole = run("--db", store.url, "check")
    assert whole.code == 0, whole.err
    assert whole.out.startswith("The store is consistent: 1 project, 2 sources, ")

    with store.engine.begin() as connection:
        connection.execute(text("UPDATE sources SET text = 'First' WHERE name = 'two.txt'"))
        connection.execute(text('UPDATE codings SET "end" = 500 WHERE id = :id'), {"id": coding.id})
        other = connection.execute(
            text(
                "SELECT g.id FROM segments g JOIN sources s ON s.id = g.source_id "
                "WHERE s.name = 'two.txt' ORDER BY g.id LIMIT 1"
            )
        ).scalar_one()
        connection.execute(
            text('UPDATE segments SET "end" = 9999 WHERE id = :segment'), {"segment": other}
        )
        connection.execute(
            text("UPDATE codings SET segment_id = :segment WHERE id = :id"),
            {"segment": other, "id": coding.id},
        )
    broken = run("--db", store.url, "check")
    assert broken.code == 1
    lines = broken.out.splitlines()
    assert any(
        line.startswith("problem   source text: ")
        and "'two.txt'" in line
        and "holds 5 characters" in line
        for line in lines
    ), broken.out
    assert any("coding outside its text: " in line and "0–500" in line for line in lines)
    assert any("coding on another source's segment: " in line for line in lines)
    assert any("segment outside its text: " in line and "–9999 of" in line for line in lines)
    assert lines[-1].endswith("problems found.")

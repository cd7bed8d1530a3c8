"""Downloads and uploads through the API, on SQLite and PostgreSQL: the matrix as a
spreadsheet, the project as a REFI-QDA file (names optionally replaced, each export audited),
and uploaded files imported with a result for every file, hostile ones refused one by one.
Who may do what follows the roles: respondents nothing, viewers the matrix, owners and
analysts everything."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from collabmap.evidence.refi import read_qdpx
from collabmap.store.audit import project_log
from collabmap.store.projects import create_project
from collabmap.store.sources import import_files
from collabmap.store.workspace import list_sources
from tests.web.api.conftest import PROJECT, Person, World, is_problem, project_url

API = project_url()


def _finished(person: Person, job: dict[str, Any], timeout: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while job["state"] not in ("done", "failed", "cancelled"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
        answer = person.get(f"/api/jobs/{job['id']}")
        assert answer.status_code == 200, answer.text
        job = answer.json()
    return job


def _start(person: Person, url: str, **kwargs: Any) -> dict[str, Any]:
    answer = person.send("POST", url, **kwargs)
    assert answer.status_code == 202, answer.text
    body: dict[str, Any] = answer.json()
    assert answer.headers["location"] == f"/api/jobs/{body['id']}"
    return body


def test_a_viewer_downloads_the_matrix_as_a_spreadsheet(world: World, tmp_path: Path) -> None:
    vera = world.person("vera")
    job = _finished(vera, _start(vera, API + "/matrix/exports", json={"format": "xlsx"}))
    assert job["state"] == "done" and job["kind"] == "export", job
    assert job["filename"] == "Reference-cases-matrix.xlsx"
    answer = vera.get(job["result"])
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(answer.content))
    first = book.worksheets[0]
    assert first.cell(1, 1).value == "Partnership"
    partnerships = {row[0].value for row in first.iter_rows(min_row=2)}
    assert "Wigan Deal" in partnerships
    # the file is sent once, then deleted
    is_problem(vera.get(job["result"]), 404)


def test_the_project_exports_as_refi_qda_with_names_replaced_and_is_audited(
    world: World, tmp_path: Path
) -> None:
    transcript = tmp_path / "bea.txt"
    transcript.write_text(
        "Interviewer: Who decides?\n\nBea Jones: We changed the service together.\n\n"
        "Interviewer: When?\n\nBea Jones: Last year, Bea Jones and the council.\n",
        encoding="utf-8",
    )
    import_files(world.store, PROJECT, [transcript])
    ali = world.person("ali")
    body = {"format": "qdpx", "pseudonymise": True}
    job = _finished(ali, _start(ali, API + "/exports", json=body))
    assert job["state"] == "done", job
    assert job["filename"] == "Reference-cases-pseudonymised.qdpx"
    path = tmp_path / "out.qdpx"
    path.write_bytes(ali.get(job["result"]).content)
    project = read_qdpx(path).project
    texts = [s.text for s in project.sources]
    assert any("We changed the service together" in t for t in texts)
    assert not any("Bea Jones" in t for t in texts)
    assert any("Speaker 1: Last year, Speaker 1 and the council." in t for t in texts)
    event = project_log(world.store, PROJECT)[0]
    assert (event.actor, event.action) == ("ali", "project.export")
    assert event.detail["format"] == "qdpx" and event.detail["pseudonymised"] is True


def test_who_may_download_export_and_upload_follows_the_roles(world: World) -> None:
    files = {"files": ("note.txt", b"The board met.\n", "text/plain")}
    for name, matrix, export, upload in [
        ("rhea", 403, 403, 403),  # a respondent: nothing
        ("vera", 202, 403, 403),  # a viewer: the matrix only
        ("oscar", 404, 404, 404),  # not a member: the project is unknown
    ]:
        person = world.person(name)
        got = person.send("POST", API + "/matrix/exports", json={"format": "xlsx"})
        assert got.status_code == matrix, (name, got.text)
        if got.status_code == 202:
            _finished(person, got.json())
        is_problem(person.send("POST", API + "/exports", json={"format": "qdpx"}), export)
        is_problem(person.send("POST", API + "/uploads", files=files), upload)
    assert [s.name for s in list_sources(world.store, PROJECT)] == ["interview.txt"]


def test_another_users_job_and_another_projects_upload_are_not_found(world: World) -> None:
    create_project(world.store, "Elsewhere", owner="oscar", actor="test")
    ali, olive = world.person("ali"), world.person("olive")
    job = _finished(ali, _start(ali, API + "/matrix/exports", json={}))
    assert "unknown" in is_problem(olive.get(f"/api/jobs/{job['id']}"), 404)["detail"]
    is_problem(olive.get(f"/api/jobs/{job['id']}/result"), 404)
    files = {"files": ("note.txt", b"Elsewhere's note.\n", "text/plain")}
    is_problem(ali.send("POST", "/api/projects/Elsewhere/uploads", files=files), 404)


def _zip_bomb() -> bytes:
    """A .docx whose one member expands a thousandfold."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * 10_000_000)
    return buffer.getvalue()


def test_uploaded_files_are_imported_each_with_its_own_result(world: World) -> None:
    ali = world.person("ali")
    good = "Interviewer: What changed?\n\nSam Patel: We planned the park with residents.\n"
    files = [
        ("files", ("park interview.txt", good.encode(), "text/plain")),
        ("files", ("../../../etc/cron.d/evil.txt", b"Harmless words.\n", "text/plain")),
        ("files", ("again.txt", good.encode(), "text/plain")),  # the same text again
        ("files", ("empty.txt", b"", "text/plain")),
        ("files", ("broken.docx", b"PK\x03\x04 not really a zip", "application/zip")),
        ("files", ("photo.docx", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png")),
        ("files", ("bomb.docx", _zip_bomb(), "application/zip")),
    ]
    body = {"partnership": "Wigan Deal"}
    job = _finished(ali, _start(ali, API + "/uploads", files=files, data=body))
    assert job["state"] == "done" and job["kind"] == "import", job
    results = {f["name"]: f for f in job["files"]}
    assert list(results) == [
        "park interview.txt",
        "evil.txt",
        "again.txt",
        "empty.txt",
        "broken.docx",
        "photo.docx",
        "bomb.docx",
    ]
    assert results["park interview.txt"]["status"] == "imported"
    assert results["park interview.txt"]["sources"] == ["park interview.txt"]
    assert results["park interview.txt"]["summary"] == "1 source"
    assert results["evil.txt"]["status"] == "imported"  # its name, never its path
    assert results["again.txt"]["status"] == "skipped"
    assert results["again.txt"]["summary"].startswith("already imported: ")
    assert "'park interview.txt'" in results["again.txt"]["summary"]
    for name in ("empty.txt", "broken.docx", "photo.docx", "bomb.docx"):
        assert results[name]["status"] == "refused", results[name]
        assert results[name]["summary"], name
    assert "empty" in results["empty.txt"]["summary"]
    names = sorted(s.name for s in list_sources(world.store, PROJECT))
    assert names == ["evil.txt", "interview.txt", "park interview.txt"]  # nothing half-made
    imports = [e for e in project_log(world.store, PROJECT) if e.action == "source.import"]
    assert {e.target for e in imports} == {"park interview.txt", "evil.txt"}
    assert all(e.actor == "ali" and e.detail["partnership"] == "Wigan Deal" for e in imports)


def test_a_refi_qda_project_can_be_uploaded(world: World, tmp_path: Path) -> None:
    olive = world.person("olive")
    job = _finished(olive, _start(olive, API + "/exports", json={"format": "qdpx"}))
    exported = olive.get(job["result"]).content
    create_project(world.store, "Copy", owner="olive", actor="test")
    files = {"files": ("reference cases.qdpx", exported, "application/zip")}
    imported = _finished(olive, _start(olive, "/api/projects/Copy/uploads", files=files))
    assert imported["files"][0]["status"] == "imported", imported
    assert imported["files"][0]["sources"] == ["interview.txt"]
    assert [s.name for s in list_sources(world.store, "Copy")] == ["interview.txt"]


def test_an_upload_with_no_file_or_an_unknown_partnership_is_refused(world: World) -> None:
    ali = world.person("ali")
    problem = is_problem(ali.send("POST", API + "/uploads", data={"partnership": "x"}), 422)
    assert problem["detail"] == "choose one or more files to upload"
    empty = {"files": ("", b"", "application/octet-stream")}  # a form sent with no file chosen
    nothing = is_problem(ali.send("POST", API + "/uploads", files=empty), 422)
    assert nothing["detail"] == "choose one or more files to upload"
    files = {"files": ("note.txt", b"A note.\n", "text/plain")}
    unknown = ali.send("POST", API + "/uploads", files=files, data={"partnership": "Nowhere"})
    assert "unknown partnership" in is_problem(unknown, 404)["detail"]
    assert [s.name for s in list_sources(world.store, PROJECT)] == ["interview.txt"]

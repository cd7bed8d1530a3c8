"""The store commands as a researcher uses them: project, import, code, codings, export."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.cli.conftest import Run


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "study.db")


def test_project_create_and_list(run: Run, db: str) -> None:
    created = run("--db", db, "project", "create", "Study", "--with-examples")
    assert created.code == 0, created.err
    assert "Created project 'Study': 66 framework codes, 5 partnerships." in created.out
    listed = json.loads(run("--db", db, "project", "list", "--json").out)
    assert listed[0]["name"] == "Study" and listed[0]["partnerships"] == 5
    again = run("--db", db, "project", "create", "Study")
    assert again.code == 2
    assert again.err.strip() == "error: project 'Study' already exists"


def test_the_store_defaults_to_the_environment(
    run: Run, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLLABMAP_DB", db)
    assert run("project", "create", "FromEnv").code == 0
    assert "FromEnv" in run("--db", db, "project", "list").out


def test_import_reports_per_file_and_exits_1_on_partial_failure(
    run: Run, db: str, tmp_path: Path
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Interviewer: Hello?\nR1: We run the library now.\n")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02")
    run("--db", db, "project", "create", "Study")
    result = run("--db", db, "import", "Study", str(good), str(bad))
    assert result.code == 1
    assert f"imported  {good}: 1 source" in result.out
    assert f"refused   {bad}:" in result.err
    assert "1 of 2 files imported." in result.out
    assert "Traceback" not in result.err


def test_code_then_list_then_export_every_format(run: Run, db: str, tmp_path: Path) -> None:
    source = tmp_path / "deal.txt"
    source.write_text("Residents are asked to recycle more and volunteer.\n")
    run("--db", db, "project", "create", "Study")
    run("--db", db, "import", "Study", str(source))
    coded = run(
        "--db",
        db,
        "code",
        "Study",
        "deal.txt",
        "activity:citizen_self_help",
        "--quote",
        "Residents are asked to recycle more",
        "--json",
    )
    assert coded.code == 0, coded.err
    assert json.loads(coded.out)["code"] == "Activities/Citizen self-help"
    listing = run("--db", db, "codings", "Study")
    assert "Activities/Citizen self-help" in listing.out
    for format in ("qdpx", "qdc", "csv", "json", "xlsx"):
        out = tmp_path / f"study.{format}"
        result = run("--db", db, "export", "Study", "--format", format, "-o", str(out))
        assert result.code == 0, (format, result.err)
        assert out.stat().st_size > 0
    assert "Residents are asked to recycle more" in (tmp_path / "study.csv").read_text()
    assert zipfile.is_zipfile(tmp_path / "study.qdpx")
    assert zipfile.is_zipfile(tmp_path / "study.xlsx")
    exported = json.loads((tmp_path / "study.json").read_text())
    assert exported["codings"][0]["text"] == "Residents are asked to recycle more"


def test_export_refuses_an_unknown_format_and_a_missing_folder(
    run: Run, db: str, tmp_path: Path
) -> None:
    run("--db", db, "project", "create", "Study")
    assert (
        run("--db", db, "export", "Study", "--format", "docx", "-o", str(tmp_path / "x")).code == 2
    )
    missing = run(
        "--db", db, "export", "Study", "--format", "csv", "-o", str(tmp_path / "no" / "x.csv")
    )
    assert missing.code == 2
    assert "no folder" in missing.err


def test_a_bad_database_url_is_one_clear_line(run: Run) -> None:
    result = run("--db", "mysql://u@h/db", "project", "list")
    assert result.code == 2
    assert "SQLite (a file path) or PostgreSQL" in result.err
    unreachable = run(
        "--db", "postgresql+psycopg://nobody:secret@127.0.0.1:1/none", "project", "list"
    )
    assert unreachable.code == 1
    assert "secret" not in unreachable.err
    assert len(unreachable.err.strip().splitlines()) == 1


def test_delete_needs_yes_when_not_interactive(run: Run, db: str) -> None:
    run("--db", db, "project", "create", "Study")
    refused = run("--db", db, "project", "delete", "Study")
    assert refused.code == 2
    assert "needs --yes" in refused.err
    assert run("--db", db, "project", "delete", "Study", "--yes").code == 0


def test_segments_then_code_by_segment_then_agreement(run: Run, db: str, tmp_path: Path) -> None:
    source = tmp_path / "talk.txt"
    source.write_text(
        "Interviewer: What happens?\nR1: We run the hall. The council pays the rent.\n"
    )
    run("--db", db, "project", "create", "Study")
    run("--db", db, "import", "Study", str(source))
    listed = json.loads(
        run("--db", db, "segments", "Study", "talk.txt", "--kind", "sentence", "--json").out
    )
    hall = next(s for s in listed if s["text"] == "We run the hall.")
    for coder in ("ann", "bob"):
        result = run(
            "--db",
            db,
            "code",
            "Study",
            "talk.txt",
            "activity:community_self_organization",
            "--segment",
            str(hall["id"]),
            "--coder",
            coder,
        )
        assert result.code == 0, result.err
    report = run("--db", db, "agreement", "Study", "ann", "bob", "--json")
    assert report.code == 0, report.err
    data = json.loads(report.out)
    assert data["by_code"][0]["cohen_kappa"] == 1.0
    readable = run("--db", db, "agreement", "Study", "ann", "bob")
    assert "Activities/Community" in readable.out and "self-organization" in readable.out
    assert "kappa" in readable.out


def test_a_refi_export_from_another_tool_imports_from_the_command_line(run: Run, db: str) -> None:
    fixture = (
        Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "refi" / "qc_demo.qdpx"
    )
    if not fixture.exists():
        pytest.skip("the REFI-QDA fixture is not beside the repository")
    run("--db", db, "project", "create", "Imported")
    result = run("--db", db, "import", "Imported", str(fixture))
    assert result.code == 0, result.err
    assert f"imported  {fixture}: 2 sources" in result.out


def test_reading_commands_do_not_create_a_store(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "nothing-here.db"
    result = run("--db", str(db), "project", "list")
    assert result.code == 2
    assert "there is no collabmap store at" in result.err
    assert not db.exists()


def test_codes_listing_adding_and_linking_evidence(run: Run, db: str, tmp_path: Path) -> None:
    run("--db", db, "project", "create", "Study", "--with-examples")
    assert (
        "Added the code 'Activities/Peer support'."
        in run("--db", db, "codes", "Study", "--add", "Activities/Peer support").out
    )
    tree = run("--db", db, "codes", "Study").out
    assert "  Peer support" in tree and "Co-design  [activity:co_design]" in tree
    source = tmp_path / "deal.txt"
    source.write_text("Residents are asked to recycle more.\n")
    run("--db", db, "import", "Study", str(source), "--partnership", "Wigan Deal")
    coding = json.loads(
        run(
            "--db",
            db,
            "code",
            "Study",
            "deal.txt",
            "activity:citizen_self_help",
            "--quote",
            "Residents are asked to recycle more.",
            "--json",
        ).out
    )
    linked = run(
        "--db",
        db,
        "link",
        "Study",
        "Wigan Deal",
        "activities[0].phases.delivery.citizens",
        str(coding["id"]),
    )
    assert linked.code == 0, linked.err
    missing = run("--db", db, "review", "Study", "999", "accepted")
    assert missing.code == 2 and missing.err.strip() == "error: unknown coding in 'Study' '999'"


def test_agreement_accepts_concept_ids_for_codes(run: Run, db: str, tmp_path: Path) -> None:
    source = tmp_path / "talk.txt"
    source.write_text("We run the hall. The council pays the rent.\n")
    run("--db", db, "project", "create", "Study")
    run("--db", db, "import", "Study", str(source))
    for coder in ("ann", "bob"):
        run(
            "--db",
            db,
            "code",
            "Study",
            "talk.txt",
            "activity:community_self_organization",
            "--quote",
            "We run the hall.",
            "--coder",
            coder,
        )
    data = json.loads(
        run(
            "--db",
            db,
            "agreement",
            "Study",
            "ann",
            "bob",
            "--code",
            "activity:community_self_organization",
            "--json",
        ).out
    )
    assert data["by_code"][0]["code"] == "Activities/Community self-organization"


def test_help_starts_without_loading_the_heavy_libraries() -> None:
    """`collabmap --help` and light commands must not wait for scikit-learn, matplotlib or
    WeasyPrint: only the commands that need them load them."""
    probe = (
        "import sys\n"
        "from collabmap.cli import app\n"
        "heavy = [m for m in ('sklearn', 'matplotlib', 'weasyprint') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == ""


def test_a_pseudonymised_export_says_what_it_replaced(run: Run, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    transcript = tmp_path / "interview.txt"
    transcript.write_text(
        "Interviewer: How did it start?\nJane Smith: Bob asked us.\n"
        "Interviewer: And now?\nJane Smith: We run it.\n"
    )
    names = tmp_path / "names.txt"
    names.write_text("# people named in the text\nBob\n")
    assert run("--db", db, "project", "create", "P").code == 0
    assert run("--db", db, "import", "P", str(transcript)).code == 0
    out = tmp_path / "p.json"
    result = run(
        "--db",
        db,
        "export",
        "P",
        "-f",
        "json",
        "-o",
        str(out),
        "--pseudonymise",
        "--names",
        str(names),
    )
    assert result.code == 0, result.err
    assert "Pseudonymised 2 name(s): Jane Smith → Speaker 1, Bob → Person 1" in result.out
    text = json.loads(out.read_text())["sources"][0]["text"]
    assert text == (
        "Interviewer: How did it start?\nSpeaker 1: Person 1 asked us.\n"
        "Interviewer: And now?\nSpeaker 1: We run it.\n"
    )
    refused = run("--db", db, "export", "P", "-f", "json", "-o", str(out), "--names", str(names))
    assert refused.code == 2 and "give --pseudonymise too" in refused.err

"""REFI-QDA through the store: a project exported and imported again loses nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from collabmap.evidence.importers import ImportLimits
from collabmap.store import Store
from collabmap.store.coding import CodingInfo, apply_code, list_codings, write_memo
from collabmap.store.exchange import export_project
from collabmap.store.models import (
    Code,
    Coder,
    Memo,
    Partnership,
    Project,
    SourcePartnership,
    Variable,
)
from collabmap.store.projects import create_project, summary
from collabmap.store.sources import import_files

ROOT = Path(__file__).resolve().parents[2]
QC_DEMO = ROOT.parent / "shared" / "fixtures" / "refi" / "qc_demo.qdpx"
XSD = ROOT.parent / "shared" / "fixtures" / "refi" / "Project-mrt2019.xsd"


def _build(store: Store, tmp_path: Path) -> None:
    create_project(store, "Study", with_examples=True)
    transcript = tmp_path / "wigan-officer.txt"
    transcript.write_text(
        "Interviewer: What do residents do?\n"
        "R1: They recycle and volunteer; we call it our part, your part. 🌍\n"
        "Interviewer: And the libraries?\n"
        "R1: A residents' group runs the library under a lease.\n",
        encoding="utf-8",
    )
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "id,area,answer\n1,North,We co-designed the park.\n2,South,Nobody asked us.\n"
    )
    import_files(store, "Study", [transcript], partnership="Wigan Deal")
    import_files(store, "Study", [survey], text_column="answer")
    apply_code(
        store,
        "Study",
        "wigan-officer.txt",
        "activity:citizen_self_help",
        quote="They recycle and volunteer",
        coder="ann",
    )
    apply_code(
        store,
        "Study",
        "wigan-officer.txt",
        "activity:community_self_organization",
        quote="A residents' group runs the library under a lease.",
        coder="bob",
    )
    apply_code(
        store,
        "Study",
        "survey.csv 1",
        "activity:co_design",
        quote="We co-designed the park.",
        coder="ann",
    )
    write_memo(
        store,
        "Study",
        "Self-help?",
        "Reads as self-help, not co-production.",
        coder="ann",
        source="wigan-officer.txt",
    )


def test_a_project_survives_export_and_import(store: Store, tmp_path: Path) -> None:
    _build(store, tmp_path)
    out = tmp_path / "study.qdpx"
    export_project(store, "Study", "qdpx", out)
    create_project(store, "Copy")
    report = import_files(store, "Copy", [out])
    assert report.exit_code == 0, report.refused
    before, after = list_codings(store, "Study"), list_codings(store, "Copy")

    def strip(infos: list[CodingInfo]) -> list[tuple[str, str, int, int, str, str]]:
        return sorted((i.source, i.code, i.start, i.end, i.text, i.coder) for i in infos)

    assert strip(before) == strip(after)
    assert any("🌍" in i.text or i.text.startswith("They") for i in after)
    copy = summary(store, "Copy")
    assert copy.sources == summary(store, "Study").sources == 3
    with store.reading() as session:
        copy_id = session.scalar(select(Project.id).where(Project.name == "Copy"))
        assert (
            session.scalar(select(func.count()).select_from(Code).where(Code.project_id == copy_id))
            == 66
        )
        names = set(
            session.scalars(select(Partnership.name).where(Partnership.project_id == copy_id))
        )
        assert "Wigan Deal" in names
        assert (
            session.scalar(
                select(func.count())
                .select_from(SourcePartnership)
                .join(Partnership)
                .where(Partnership.project_id == copy_id)
            )
            == 1
        )
        variables = set(
            session.scalars(select(Variable.name).where(Variable.project_id == copy_id))
        )
        assert {"id", "area"} <= variables
        memo = session.scalar(select(Memo).where(Memo.project_id == copy_id))
        assert memo is not None and memo.text == "Reads as self-help, not co-production."
        assert memo.source_id is not None
        assert {"ann", "bob"} <= set(session.scalars(select(Coder.name)))


def test_the_export_is_valid_against_the_refi_schema(store: Store, tmp_path: Path) -> None:
    if not XSD.exists():
        pytest.skip(f"the REFI-QDA schema is not at {XSD}")
    lxml = pytest.importorskip("lxml.etree")
    _build(store, tmp_path)
    out = tmp_path / "study.qdpx"
    export_project(store, "Study", "qdpx", out)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        project = lxml.fromstring(archive.read("project.qde"))
    schema = lxml.XMLSchema(lxml.parse(str(XSD)))
    assert schema.validate(project), schema.error_log
    assert sum(1 for n in names if n.startswith("sources/") and n.endswith(".txt")) == 3


def test_a_real_export_from_another_tool_imports(store: Store) -> None:
    if not QC_DEMO.exists():
        pytest.skip(f"the fixture is not at {QC_DEMO}")
    create_project(store, "Other tool")
    report = import_files(store, "Other tool", [QC_DEMO])
    assert report.exit_code == 0, report.refused
    imported = summary(store, "Other tool")
    assert imported.sources == 2
    assert imported.codings > 50
    codings = list_codings(store, "Other tool", code="rq1_definition/competencies/programming")
    assert codings and all(c.coder == "cp" for c in codings)


def test_a_bare_project_qde_and_a_codebook_named_xml_import_as_codebooks(
    store: Store, tmp_path: Path
) -> None:
    _build(store, tmp_path)
    export_project(store, "Study", "qdpx", tmp_path / "study.qdpx")
    export_project(store, "Study", "qdc", tmp_path / "study.qdc")
    bare = tmp_path / "project.qde"
    with zipfile.ZipFile(tmp_path / "study.qdpx") as archive:
        bare.write_bytes(archive.read("project.qde"))
    renamed = tmp_path / "codes.xml"
    renamed.write_bytes((tmp_path / "study.qdc").read_bytes())
    create_project(store, "Codes")  # with the framework's code tree, as the study has
    report = import_files(store, "Codes", [bare, renamed])
    assert report.exit_code == 0, report.refused
    from_qde, from_xml = report.results
    assert from_qde.warnings == [
        "66 codes in the codebook; 0 new, 66 merged",
        "read only the codebook: sources, codings, cases and notes need the whole .qdpx "
        "archive, not its project.qde alone",
    ]
    assert from_xml.warnings == ["66 codes in the codebook; 0 new, 66 merged"]
    assert summary(store, "Codes").codes == 66
    assert summary(store, "Codes").sources == 0


def test_the_import_limits_govern_refi_qda_files_too(store: Store, tmp_path: Path) -> None:
    _build(store, tmp_path)
    qdpx, qdc = tmp_path / "study.qdpx", tmp_path / "study.qdc"
    export_project(store, "Study", "qdpx", qdpx)
    export_project(store, "Study", "qdc", qdc)
    create_project(store, "Copy")
    small = import_files(store, "Copy", [qdpx, qdc], limits=ImportLimits(max_file_bytes=1_000))
    assert [r.message for r in small.results] == [
        "is larger than 1000 bytes, the limit for one file"
    ] * 2
    members = len(zipfile.ZipFile(qdpx).namelist())
    few = import_files(store, "Copy", [qdpx], limits=ImportLimits(max_zip_members=members - 1))
    assert few.results[0].message == f"has {members} members; at most {members - 1} are accepted"
    assert summary(store, "Copy").sources == 0


def test_importing_the_same_project_twice_is_refused_and_changes_nothing(
    store: Store, tmp_path: Path
) -> None:
    _build(store, tmp_path)
    out = tmp_path / "study.qdpx"
    export_project(store, "Study", "qdpx", out)
    create_project(store, "Copy")
    import_files(store, "Copy", [out])
    before = summary(store, "Copy")
    again = import_files(store, "Copy", [out])
    assert again.exit_code == 2
    assert "already in the project" in (again.refused[0].message or "")
    assert summary(store, "Copy") == before


def test_an_export_merges_into_a_project_without_duplicating_the_framework_codes(
    store: Store, tmp_path: Path
) -> None:
    _build(store, tmp_path)
    out = tmp_path / "study.qdpx"
    export_project(store, "Study", "qdpx", out)
    create_project(store, "Copy")
    import_files(store, "Copy", [out])
    assert summary(store, "Copy").codes == 66


@pytest.mark.parametrize("format", ["csv", "json", "xlsx", "qdc"])
def test_other_exports_are_written_whole(store: Store, tmp_path: Path, format: str) -> None:
    _build(store, tmp_path)
    out = tmp_path / f"study.{format}"
    export_project(store, "Study", format, out)
    assert out.stat().st_size > 0
    assert not list(tmp_path.glob(".*.partial"))


def test_a_failed_export_leaves_the_previous_file_untouched(store: Store, tmp_path: Path) -> None:
    from collabmap.errors import UnknownName

    out = tmp_path / "study.csv"
    out.write_text("yesterday's export")
    with pytest.raises(UnknownName):
        export_project(store, "No such project", "csv", out)
    assert out.read_text() == "yesterday's export"
    assert not list(tmp_path.glob(".*.partial"))


def test_a_qdpx_with_an_unreadable_encoding_is_refused_and_the_import_goes_on(
    store: Store, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr(
            "project.qde",
            '<?xml version="1.0" encoding="bogus"?>\n<Project xmlns="urn:QDA-XML:project:1.0"/>',
        )
    notes = tmp_path / "notes.txt"
    notes.write_text("The council asked residents to help.\n", encoding="utf-8")
    create_project(store, "Study")
    report = import_files(store, "Study", [bad, notes])
    assert [r.status for r in report.results] == ["refused", "imported"]
    assert (
        report.results[0].message == "project.qde is not well-formed XML (unknown encoding: bogus)"
    )


def test_a_survey_number_too_large_for_a_float_does_not_stop_the_export(
    store: Store, tmp_path: Path
) -> None:
    survey = tmp_path / "survey.csv"
    survey.write_text("id,score,answer\n1,1e999,We co-designed the park.\n2,2.5,Nobody asked.\n")
    create_project(store, "Study")
    import_files(store, "Study", [survey], text_column="answer")
    out = tmp_path / "study.qdpx"
    export_project(store, "Study", "qdpx", out)
    with zipfile.ZipFile(out) as archive:
        assert "<TextValue>1e999</TextValue>" in archive.read("project.qde").decode()


def test_a_qdpx_with_control_codes_imports_and_exports_again(store: Store, tmp_path: Path) -> None:
    guids = [f"00000000-0000-4000-8000-00000000000{i}" for i in range(5)]
    project = (
        '<Project xmlns="urn:QDA-XML:project:1.0" name="odd">'
        f'<CodeBook><Codes><Code guid="{guids[0]}" name="budget" isCodable="true"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="{guids[1]}" name="minutes" plainTextPath="internal://a.txt">'
        f'<PlainTextSelection guid="{guids[2]}" startPosition="9" endPosition="15">'
        f'<Coding guid="{guids[3]}"><CodeRef targetGUID="{guids[0]}"/></Coding></PlainTextSelection>'
        "</TextSource></Sources>"
        f'<Notes><Note guid="{guids[4]}" name="n" plainTextPath="internal://n.txt"/></Notes></Project>'
    )
    path = tmp_path / "odd.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", project)
        archive.writestr("sources/a.txt", "A\x00 pool\x0b budget")
        archive.writestr("sources/n.txt", "memo\x0bwith a vertical tab")
    create_project(store, "Study")
    assert import_files(store, "Study", [path]).exit_code == 0
    assert [c.text for c in list_codings(store, "Study")] == ["budget"]
    export_project(store, "Study", "qdpx", tmp_path / "again.qdpx")


def test_a_pseudonymised_export_hides_interviewees_and_keeps_every_coding_on_its_words(
    store: Store, tmp_path: Path
) -> None:
    from collabmap.evidence import refi
    from collabmap.store.coding import apply_code
    from collabmap.store.exchange import export_project, project_pseudonyms
    from collabmap.store.sources import import_files

    create_project(store, "P")
    transcript = tmp_path / "interview.txt"
    transcript.write_text(
        "Interviewer: How did the lunch club start?\n"
        "Jane Smith: The council asked us to run it. Bob helped.\n"
        "Interviewer: Who runs it now?\n"
        "Jane Smith: Volunteers run it on their own since the grant ended.\n"
    )
    import_files(store, "P", [transcript])
    apply_code(
        store,
        "P",
        "interview.txt",
        "activity:co_delivery",
        quote="Volunteers run it on their own",
        coder="ana",
    )
    apply_code(
        store,
        "P",
        "interview.txt",
        "activity:co_design",
        quote="Jane Smith: The council asked us",
        coder="ana",
    )
    pseudonyms = project_pseudonyms(store, "P", ["Bob"])
    assert pseudonyms.names == {"Jane Smith": "Speaker 1", "Bob": "Person 1"}

    out = export_project(store, "P", "qdpx", tmp_path / "p.qdpx", pseudonyms=pseudonyms)
    data = refi.read_qdpx(out).project
    [source] = data.sources
    assert "Jane" not in source.text and "Bob" not in source.text
    quotes = sorted(source.text[s.start : s.end] for s in source.selections)
    assert quotes == ["Speaker 1: The council asked us", "Volunteers run it on their own"]

    for format in ("csv", "json"):
        written = export_project(
            store, "P", format, tmp_path / f"p.{format}", pseudonyms=pseudonyms
        )
        assert "Jane" not in written.read_text() and "Bob" not in written.read_text()
    from openpyxl import load_workbook

    book = load_workbook(
        export_project(store, "P", "xlsx", tmp_path / "p.xlsx", pseudonyms=pseudonyms)
    )
    cells = [str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert "Speaker 1: The council asked us" in cells
    assert not [c for c in cells if "Jane" in c or "Bob" in c]
    csv_text = (tmp_path / "p.csv").read_text()
    assert "Speaker 1: The council asked us" in csv_text and "Jane" not in csv_text

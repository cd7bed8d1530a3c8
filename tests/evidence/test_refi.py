"""REFI-QDA exchange: reading a real qc export, writing schema-valid files, losing nothing."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from collabmap.errors import InvalidInput
from collabmap.evidence.model import RefiCode, RefiNote, RefiProject, RefiSelection, RefiSource
from collabmap.evidence.refi import read_qdc, read_qdpx, write_qdc, write_qdpx
from tests.evidence.refi_support import (
    PROJECT_XSD,
    QC_DEMO,
    codes_by_path,
    differences,
    guid,
    rich_project,
)
from tests.evidence.refi_support import require as require_fixture


@pytest.fixture(scope="module")
def project_schema() -> Any:
    etree = pytest.importorskip("lxml.etree", reason="lxml (a test dependency) validates the XSD")
    return etree.XMLSchema(etree.parse(str(require_fixture(PROJECT_XSD))))


def qde_of(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde")


def assert_valid(schema: Any, document: bytes) -> None:
    from lxml import etree  # type: ignore[import-untyped, unused-ignore]

    assert schema.validate(etree.fromstring(document)), str(schema.error_log)


def round_trip(project: RefiProject, tmp_path: Path) -> RefiProject:
    path = tmp_path / "out.qdpx"
    write_qdpx(project, path)
    read = read_qdpx(path)
    assert read.warnings == []
    assert read.project.origin is not None and read.project.origin.startswith("collabmap ")
    return dataclasses.replace(read.project, origin=project.origin)


# --- reading a real export (qc 1.3.2) -------------------------------------------------------


def test_the_qc_demo_gives_its_whole_code_tree() -> None:
    project = read_qdpx(require_fixture(QC_DEMO)).project
    tree = codes_by_path(project.codes)
    assert len(tree) == 262
    assert "rq1_definition/competencies/programming" in tree
    assert (
        tree["rq1_definition/competencies/programming"].guid
        == "36636563-3863-6264-3638-303637613863"
    )
    assert all(code.is_codable for code in tree.values())


def test_the_qc_demo_gives_its_two_sources_with_every_selection_in_range() -> None:
    imported = read_qdpx(require_fixture(QC_DEMO))
    sources = {source.name: source for source in imported.project.sources}
    assert sorted(sources) == ["admin-1", "board_2017"]
    assert imported.warnings == []
    board = sources["board_2017"]
    assert len(board.selections) == 158
    assert not sources["admin-1"].selections
    code_guids = {code.guid for code in codes_by_path(imported.project.codes).values()}
    for selection in board.selections:
        assert 0 <= selection.start <= selection.end <= len(board.text)
        assert selection.code_guids and set(selection.code_guids) <= code_guids
        assert selection.creating_user == imported.project.users[0].guid


def test_the_text_at_a_qc_selection_is_what_the_stored_file_holds_there() -> None:
    board = next(
        s for s in read_qdpx(require_fixture(QC_DEMO)).project.sources if s.name == "board_2017"
    )
    with zipfile.ZipFile(QC_DEMO) as archive:
        stored = archive.read("sources/board_2017.txt").decode("utf-8")
    first = board.selections[0]
    assert (first.name, first.start, first.end) == ("line:6", 320, 400)
    assert board.text[first.start : first.end] == stored[320:400]
    assert board.text[first.start : first.end].startswith(
        "This district goal is engage every student"
    )


# --- writing ----------------------------------------------------------------------------------


def test_a_written_project_is_valid_against_the_refi_schema(
    tmp_path: Path, project_schema: Any
) -> None:
    write_qdpx(rich_project(), tmp_path / "rich.qdpx")
    assert_valid(project_schema, qde_of(tmp_path / "rich.qdpx"))


def test_the_qc_demo_written_again_is_valid_against_the_refi_schema(
    tmp_path: Path, project_schema: Any
) -> None:
    write_qdpx(read_qdpx(require_fixture(QC_DEMO)).project, tmp_path / "qc.qdpx")
    assert_valid(project_schema, qde_of(tmp_path / "qc.qdpx"))


def test_a_written_archive_holds_project_qde_and_each_text_under_its_guid(tmp_path: Path) -> None:
    write_qdpx(rich_project(), tmp_path / "rich.qdpx")
    with zipfile.ZipFile(tmp_path / "rich.qdpx") as archive:
        assert archive.namelist() == [
            "project.qde",
            f"sources/{guid(40)}.txt",
            f"sources/{guid(41)}.txt",
        ]
        assert (
            archive.read(f"sources/{guid(40)}.txt").decode("utf-8")
            == rich_project().sources[0].text
        )
        qde = archive.read("project.qde").decode("utf-8")
    assert f'plainTextPath="internal://{guid(40)}.txt"' in qde
    assert 'origin="collabmap ' in qde and 'xmlns="urn:QDA-XML:project:1.0"' in qde


def test_the_same_project_always_gives_the_same_bytes(tmp_path: Path) -> None:
    first, second = io.BytesIO(), io.BytesIO()
    write_qdpx(rich_project(), first)
    write_qdpx(rich_project(), second)
    write_qdpx(rich_project(), tmp_path / "third.qdpx")
    assert first.getvalue() == second.getvalue() == (tmp_path / "third.qdpx").read_bytes()


def test_malformed_guids_are_replaced_and_every_reference_follows(
    tmp_path: Path, project_schema: Any
) -> None:
    project = RefiProject(
        name="legacy",
        codes=[
            RefiCode("code-one", "one"),
            RefiCode("{ABCDEF01-2345-6789-ABCD-EF0123456789}", "two"),
        ],
        sources=[
            RefiSource(
                "",
                "text",
                "abc",
                [
                    RefiSelection(
                        "sel", 0, 2, ["code-one", "{ABCDEF01-2345-6789-ABCD-EF0123456789}"]
                    )
                ],
            )
        ],
    )
    write_qdpx(project, tmp_path / "legacy.qdpx")
    assert_valid(project_schema, qde_of(tmp_path / "legacy.qdpx"))
    again = read_qdpx(tmp_path / "legacy.qdpx").project
    one, two = again.codes
    assert two.guid == "abcdef01-2345-6789-abcd-ef0123456789"
    assert again.sources[0].selections[0].code_guids == [one.guid, two.guid]
    write_qdpx(project, tmp_path / "again.qdpx")
    assert (tmp_path / "again.qdpx").read_bytes() == (tmp_path / "legacy.qdpx").read_bytes()


@pytest.mark.parametrize(
    ("project", "complaint"),
    [
        (
            RefiProject("p", codes=[RefiCode(guid(1), "red", color="red")]),
            "colour 'red' is not #RRGGBB",
        ),
        (RefiProject("p", codes=[RefiCode(guid(1), "bell\x07")]), "U+0007"),
        (
            RefiProject(
                "p", sources=[RefiSource(guid(1), "t", "x", variables={guid(2): float("nan")})]
            ),
            "not a decimal",
        ),
        (
            RefiProject(
                "p", sources=[RefiSource(guid(1), "a", "x"), RefiSource(guid(1), "b", "y")]
            ),
            "share the GUID",
        ),
    ],
)
def test_a_project_that_cannot_be_written_is_refused_before_any_file_exists(
    tmp_path: Path, project: RefiProject, complaint: str
) -> None:
    with pytest.raises(InvalidInput, match="cannot write REFI-QDA") as refused:
        write_qdpx(project, tmp_path / "no.qdpx")
    assert complaint in str(refused.value)
    assert not (tmp_path / "no.qdpx").exists()


def _coded(start: int, end: int) -> RefiProject:
    selection = RefiSelection(guid(3), start, end, [guid(1)])
    return RefiProject(
        "p", codes=[RefiCode(guid(1), "c")], sources=[RefiSource(guid(2), "s", "abc", [selection])]
    )


@pytest.mark.parametrize(
    ("project", "complaint"),
    [
        (_coded(2, 99), f"selection {guid(3)} of source 's' (2–99) is out of range"),
        (_coded(3, 1), f"selection {guid(3)} of source 's' (3–1) is out of range"),
        (_coded(-1, 2), f"selection {guid(3)} of source 's' (-1–2) is out of range"),
        (
            RefiProject("p", codes=[RefiCode(guid(1), "a"), RefiCode(guid(1), "b")]),
            f"two codes share the GUID {guid(1)}",
        ),
        (
            RefiProject("p", codes=[RefiCode(guid(1), "a", children=[RefiCode(guid(1), "b")])]),
            f"two codes share the GUID {guid(1)}",
        ),
        (
            RefiProject("p", notes=[RefiNote(guid(1), "a", "x"), RefiNote(guid(1), "b", "y")]),
            f"two notes share the GUID {guid(1)}",
        ),
    ],
    ids=["past-the-end", "backwards", "negative", "codes", "nested-codes", "notes"],
)
def test_a_project_its_own_reader_would_refuse_or_misread_is_not_written(
    tmp_path: Path, project: RefiProject, complaint: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        write_qdpx(project, tmp_path / "no.qdpx")
    assert str(refused.value) == f"cannot write REFI-QDA: {complaint}" + (
        "; the text has 3 characters" if "range" in complaint else ""
    )
    assert not (tmp_path / "no.qdpx").exists()


def test_a_codebook_with_a_repeated_code_guid_is_not_written(tmp_path: Path) -> None:
    codes = [RefiCode(guid(1), "a"), RefiCode(guid(1), "b")]
    with pytest.raises(InvalidInput, match="two codes share the GUID"):
        write_qdc(codes, tmp_path / "no.qdc")
    assert not (tmp_path / "no.qdc").exists()


# --- round trips ---------------------------------------------------------------------------------


def test_writing_then_reading_loses_nothing(tmp_path: Path) -> None:
    project = rich_project()
    assert differences(project, round_trip(project, tmp_path)) == []


def test_selections_without_coding_guids_get_stable_ones_and_keep_everything_else(
    tmp_path: Path,
) -> None:
    project = rich_project()
    for selection in project.sources[0].selections:
        selection.coding_guids = []
    again = round_trip(project, tmp_path)
    for before, after in zip(
        project.sources[0].selections, again.sources[0].selections, strict=True
    ):
        assert len(after.coding_guids) == len(after.code_guids) == len(before.code_guids)
        assert differences(before, dataclasses.replace(after, coding_guids=[]), "selection") == []
    assert round_trip(project, tmp_path) == again


def test_the_qc_demo_read_written_and_read_again_is_unchanged(tmp_path: Path) -> None:
    first = read_qdpx(require_fixture(QC_DEMO)).project
    assert differences(first, round_trip(first, tmp_path)) == []


def test_a_codebook_survives_writing_and_reading_as_qdc(tmp_path: Path) -> None:
    codes = rich_project().codes
    write_qdc(codes, tmp_path / "codes.qdc")
    text = (tmp_path / "codes.qdc").read_text(encoding="utf-8")
    assert '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="collabmap ' in text
    assert differences(codes, read_qdc(tmp_path / "codes.qdc"), "codes") == []


def test_the_codebook_of_a_bare_project_qde_can_be_read_as_a_codebook(tmp_path: Path) -> None:
    (tmp_path / "project.qde").write_bytes(qde_of(require_fixture(QC_DEMO)))
    assert len(codes_by_path(read_qdc(tmp_path / "project.qde"))) == 262


def test_an_empty_codebook_is_refused_because_the_schema_needs_a_code(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="without codes"):
        write_qdc([], tmp_path / "none.qdc")

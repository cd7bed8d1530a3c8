"""Files from other tools: line endings, BOMs, path forms and vendor habits are understood."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from collabmap.evidence.refi import line_ending_map, read_qdpx, write_qdpx
from tests.evidence.refi_support import codes_by_path, guid, make_qdpx, qde


def text_source(
    stored: str | bytes, spans: list[tuple[int, int]], *, path: str = "internal://t.txt"
) -> dict[str, str | bytes]:
    """Members of a qdpx with one source stored exactly as given and a selection per span."""
    selections = "".join(
        f'<PlainTextSelection guid="{guid(100 + i)}" startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="{guid(200 + i)}"><CodeRef targetGUID="{guid(1)}"/></Coding></PlainTextSelection>'
        for i, (start, end) in enumerate(spans)
    )
    body = (
        f'<CodeBook><Codes><Code guid="{guid(1)}" name="c" isCodable="true"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="{guid(2)}" name="t" plainTextPath="{path}">{selections}</TextSource></Sources>'
    )
    return {"project.qde": qde(body), "sources/t.txt": stored}


def coded(tmp_path: Path, members: dict[str, str | bytes]) -> tuple[str, list[str]]:
    source = read_qdpx(make_qdpx(tmp_path / "in.qdpx", members)).project.sources[0]
    return source.text, [source.text[s.start : s.end] for s in source.selections]


# --- line endings and byte-order marks -------------------------------------------------------


def test_a_crlf_source_gives_the_same_coded_text_after_normalisation(tmp_path: Path) -> None:
    stored = "Board minutes\r\nItem 1: pooled budget\r\n\r\nItem 2: citizens' panel\r\nEnd"
    phrases = ["pooled budget", "Item 1: pooled budget\r\n\r\nItem 2", "End", "Board minutes\r\n"]
    spans = [(stored.index(p), stored.index(p) + len(p)) for p in phrases]
    text, coded_texts = coded(tmp_path, text_source(stored, spans))
    assert "\r" not in text
    assert text == stored.replace("\r\n", "\n")
    assert coded_texts == [p.replace("\r\n", "\n") for p in phrases]


def test_a_source_with_old_mac_cr_line_endings_keeps_its_positions(tmp_path: Path) -> None:
    stored = "one\rtwo\rthree"
    text, coded_texts = coded(tmp_path, text_source(stored, [(4, 7), (0, 13)]))
    assert text == "one\ntwo\nthree"
    assert coded_texts == ["two", "one\ntwo\nthree"]


def test_a_position_between_cr_and_lf_maps_to_the_lf(tmp_path: Path) -> None:
    stored = "ab\r\ncd"
    text, coded_texts = coded(tmp_path, text_source(stored, [(3, 6), (0, 3), (3, 3)]))
    assert text == "ab\ncd"
    assert coded_texts == ["\ncd", "ab", ""]


def test_the_line_ending_map_counts_only_the_crs_it_drops() -> None:
    text, to_text = line_ending_map("a\r\nb\rc\r\n")
    assert text == "a\nb\nc\n"
    assert [to_text(p) for p in range(9)] == [0, 1, 1, 2, 3, 4, 5, 5, 6]


def test_a_utf8_bom_is_removed_and_not_counted_in_positions(tmp_path: Path) -> None:
    stored = "\ufeffHello world".encode()
    text, coded_texts = coded(tmp_path, text_source(stored, [(0, 5), (6, 11)]))
    assert text == "Hello world"
    assert coded_texts == ["Hello", "world"]


def test_a_utf16_source_with_a_bom_is_read_and_its_bom_not_counted(tmp_path: Path) -> None:
    stored = "Hello\r\nworld".encode("utf-16")
    text, coded_texts = coded(tmp_path, text_source(stored, [(7, 12)]))
    assert (text, coded_texts) == ("Hello\nworld", ["world"])


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-be"])
def test_a_utf32_source_with_a_bom_is_read_and_its_bom_not_counted(
    tmp_path: Path, codec: str
) -> None:
    stored = "Hello\r\nwörld".encode(codec)
    if codec == "utf-32-be":
        stored = b"\x00\x00\xfe\xff" + stored
    text, coded_texts = coded(tmp_path, text_source(stored, [(7, 12)]))
    assert (text, coded_texts) == ("Hello\nwörld", ["wörld"])


def test_control_codes_in_a_source_are_removed_and_its_selections_keep_their_words(
    tmp_path: Path,
) -> None:
    stored = "Pooled\x00 budget\x0b agreed\r\n\x1fby the board\x7f."
    phrases = ["budget\x0b agreed", "Pooled\x00", "\x1fby the board\x7f."]
    spans = [(stored.index(p), stored.index(p) + len(p)) for p in phrases]
    imported = read_qdpx(make_qdpx(tmp_path / "in.qdpx", text_source(stored, spans)))
    source = imported.project.sources[0]
    assert source.text == "Pooled budget agreed\nby the board."
    assert [source.text[s.start : s.end] for s in source.selections] == [
        "budget agreed",
        "Pooled",
        "by the board.",
    ]
    assert imported.warnings == ["removed 4 invisible character(s) from the text of source 't'"]


def test_control_codes_in_a_note_are_removed_so_it_can_be_exported_again(tmp_path: Path) -> None:
    body = f'<Notes><Note guid="{guid(9)}" name="memo" plainTextPath="internal://n.txt"/></Notes>'
    members = {"project.qde": qde(body), "sources/n.txt": "Tea\x0b and\x00 cake\uffff\r\n"}
    imported = read_qdpx(make_qdpx(tmp_path / "in.qdpx", members))
    assert imported.project.notes[0].text == "Tea and cake\n"
    assert imported.warnings == ["removed 3 invisible character(s) from the text of note 'memo'"]
    write_qdpx(imported.project, io.BytesIO())


# --- where the text lives ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["internal://t.txt", "relative://t.txt", "t.txt", "sources/t.txt", "internal://t%2Etxt"]
)
def test_every_form_of_plain_text_path_finds_the_file_in_sources(tmp_path: Path, path: str) -> None:
    assert coded(tmp_path, text_source("abc", [(1, 2)], path=path)) == ("abc", ["b"])


def test_plain_text_content_inside_the_xml_is_read_instead_of_a_file(tmp_path: Path) -> None:
    body = (
        f'<Sources><TextSource guid="{guid(2)}" name="inline"><PlainTextContent>Tea &amp; cake&#13;\nlater</PlainTextContent>'
        f'<PlainTextSelection guid="{guid(3)}" startPosition="0" endPosition="3"/>'
        f'<PlainTextSelection guid="{guid(4)}" startPosition="12" endPosition="17"/></TextSource></Sources>'
    )
    source = read_qdpx(make_qdpx(tmp_path / "in.qdpx", {"project.qde": qde(body)})).project.sources[
        0
    ]
    assert source.text == "Tea & cake\nlater"
    assert [source.text[s.start : s.end] for s in source.selections] == ["Tea", "later"]


def test_a_project_qde_inside_a_folder_finds_its_sources_beside_it(tmp_path: Path) -> None:
    members = {f"export/{name}": data for name, data in text_source("abc", [(0, 1)]).items()}
    assert coded(tmp_path, members) == ("abc", ["a"])


# --- other tools' habits ---------------------------------------------------------------------------


def test_an_nvivo_style_export_is_read_with_warnings_for_what_collabmap_does_not_keep(
    tmp_path: Path,
) -> None:
    upper = "{" + guid(1).upper() + "}"
    body = f"""
    <Users><User guid="{guid(9).upper()}" name="Chris" id="CP"/></Users>
    <CodeBook><Codes><Code guid="{upper}" name="Leadership" isCodable="true" color="#f80">
        <Description>who leads</Description><NoteRef targetGUID="{guid(7)}"/>
        <Code guid="{guid(5)}" name="Shared"/></Code></Codes></CodeBook>
    <Variables><Variable guid="{guid(20)}" name="Sector" typeOfVariable="Ordinal"/></Variables>
    <Cases><Case guid="{guid(30)}" name="Trust">
        <CodeRef targetGUID="{guid(1)}"/><CodeRef targetGUID="{guid(99)}"/>
        <VariableValue><VariableRef targetGUID="{guid(20)}"/><TextValue>Health</TextValue></VariableValue>
        <SourceRef targetGUID="{guid(2)}"/><SourceRef targetGUID="{guid(40)}"/><SelectionRef targetGUID="{guid(3)}"/>
    </Case></Cases>
    <Sources>
      <TextSource guid="{guid(2)}" name="Interview" plainTextPath="internal://{guid(2)}.txt" richTextPath="internal://{guid(2)}.docx"
          creatingUser="{guid(9).upper()}" creationDateTime="2019-03-18T12:00:00.1234567Z">
        <PlainTextSelection guid="{guid(3)}" startPosition="0" endPosition="5" creatingUser="{guid(9)}">
          <Coding guid="{guid(4)}" creatingUser="{guid(9)}"><CodeRef targetGUID="{upper}"/></Coding>
        </PlainTextSelection>
        <Coding guid="{guid(6)}"><CodeRef targetGUID="{guid(1)}"/></Coding>
        <Sparkle/>
      </TextSource>
      <TextSource guid="{guid(40)}" name="Rich only" richTextPath="internal://{guid(40)}.docx"/>
      <PDFSource guid="{guid(41)}" name="Report" path="internal://{guid(41)}.pdf"/>
      <PictureSource guid="{guid(42)}" name="Photo" path="internal://{guid(42)}.jpg"/>
    </Sources>
    <Links><Link guid="{guid(50)}" originGUID="{guid(1)}" targetGUID="{guid(2)}"/></Links>
    <Sets><Set guid="{guid(51)}" name="S"/></Sets>"""
    members = {"project.qde": qde(body), f"sources/{guid(2)}.txt": "Hello there"}
    imported = read_qdpx(make_qdpx(tmp_path / "nvivo.qdpx", members))
    project = imported.project
    leadership = codes_by_path(project.codes)["Leadership"]
    assert (leadership.guid, leadership.color, leadership.description) == (
        guid(1),
        "#FF8800",
        "who leads",
    )
    assert codes_by_path(project.codes)[
        "Leadership/Shared"
    ].is_codable  # isCodable missing → codable
    assert project.users[0].guid == guid(9)
    assert project.variables[0].type == "Text"
    case = project.cases[0]
    assert (case.code_guids, case.source_guids, case.variables) == (
        [guid(1)],
        [guid(2)],
        {guid(20): "Health"},
    )
    (source,) = project.sources
    selection = source.selections[0]
    assert source.text[selection.start : selection.end] == "Hello"
    assert (selection.code_guids, selection.coding_guids, selection.creating_user) == (
        [guid(1)],
        [guid(4)],
        guid(9),
    )
    assert source.created is not None and source.created.microsecond == 123456
    assert imported.warnings == [
        "ignored <NoteRef> in a code: note references on this kind of object",
        "variable 'Sector' has unknown type 'Ordinal'; read as Text",
        "ignored <SelectionRef> in case 'Trust': case references to single selections",
        "ignored <Coding> in source 'Interview': codings of whole sources",
        "ignored <Sparkle> in source 'Interview': an element collabmap does not know",
        "skipped source 'Rich only': it has no plain text (only rich text or nothing)",
        "skipped a <PDFSource>: collabmap imports text sources only",
        "skipped a <PictureSource>: collabmap imports text sources only",
        "ignored <Links> in the project: links between objects",
        "ignored <Sets> in the project: sets",
        "dropped a reference to a code the file does not contain",
        "dropped a reference to a source the file does not contain",
    ]


def test_a_project_with_only_a_name_and_no_namespace_is_an_empty_project(tmp_path: Path) -> None:
    imported = read_qdpx(
        make_qdpx(tmp_path / "bare.qdpx", {"project.qde": '<Project name="bare"/>'})
    )
    assert imported.warnings == []
    project = imported.project
    assert (project.name, project.codes, project.sources, project.cases, project.notes) == (
        "bare",
        [],
        [],
        [],
        [],
    )


def test_odd_values_become_warnings_not_failures(tmp_path: Path) -> None:
    body = (
        f'<CodeBook><Codes><Code name="no guid" isCodable="false" color="blue"/></Codes></CodeBook>'
        f'<Variables><Variable guid="{guid(20)}" name="n" typeOfVariable="Integer"/></Variables>'
        f'<Cases><Case guid="{guid(30)}"><VariableValue><VariableRef targetGUID="{guid(20)}"/><IntegerValue>many</IntegerValue></VariableValue>'
        f"<VariableValue><TextValue>orphan</TextValue></VariableValue></Case></Cases>"
        f'<Notes><Note guid="{guid(60)}" name="memo" creationDateTime="last Tuesday"><PlainTextContent>a\r\nb</PlainTextContent></Note></Notes>'
    )
    imported = read_qdpx(make_qdpx(tmp_path / "odd.qdpx", {"project.qde": qde(body)}))
    code = imported.project.codes[0]
    assert (code.name, code.is_codable, code.color, len(code.guid)) == ("no guid", False, None, 36)
    assert imported.project.cases[0].variables == {guid(20): "many"}
    assert imported.project.notes[0].text == "a\nb" and imported.project.notes[0].created is None
    assert imported.warnings == [
        "ignored colour 'blue' of code 'no guid': not #RRGGBB",
        "a <Code> in code 'no guid' had no guid; one was made up",
        "kept an unreadable <IntegerValue> 'many' as text",
        "ignored a <VariableValue> without a <VariableRef>",
        "ignored a date that is not ISO 8601: 'last Tuesday'",
    ]


@pytest.mark.parametrize("value", ["NaN", "INF", "-Infinity", "1e999"])
def test_a_float_value_that_is_not_a_finite_number_is_kept_as_text(
    tmp_path: Path, value: str
) -> None:
    body = (
        f'<Variables><Variable guid="{guid(20)}" name="score" typeOfVariable="Float"/></Variables>'
        f'<Cases><Case guid="{guid(30)}" name="c"><VariableValue><VariableRef targetGUID="{guid(20)}"/>'
        f"<FloatValue>{value}</FloatValue></VariableValue></Case></Cases>"
    )
    imported = read_qdpx(make_qdpx(tmp_path / "odd.qdpx", {"project.qde": qde(body)}))
    assert imported.project.cases[0].variables == {guid(20): value}
    assert imported.warnings == [f"kept an unreadable <FloatValue> {value!r} as text"]
    write_qdpx(imported.project, io.BytesIO())  # and the project can be exported again

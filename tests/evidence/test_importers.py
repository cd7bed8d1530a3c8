"""Importers: every supported format gives normalised text with paragraphs, sentences, turns.

Every fixture is built here, in the test, so what is being read is visible next to what is
expected of it.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from pypdf import PdfReader, PdfWriter

from collabmap.errors import ImportRefused
from collabmap.evidence.importers import SUPPORTED, ImportLimits, is_refi, read_file
from collabmap.evidence.model import ImportedSource

# --- fixture builders --------------------------------------------------------------------


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF: one Helvetica text object per page, one line per string."""

    def escape(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    n = len(pages)
    page_ids = [4 + 2 * i for i in range(n)]
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: f"<< /Type /Pages /Kids [{' '.join(f'{p} 0 R' for p in page_ids)}] /Count {n} >>".encode(),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    for page_id, lines in zip(page_ids, pages, strict=True):
        ops = " ".join(f"({escape(line)}) Tj T*" for line in lines)
        stream = f"BT /F1 12 Tf 14 TL 72 720 Td {ops} ET".encode("latin-1")
        objects[page_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {page_id + 1} 0 R >>"
        ).encode()
        objects[page_id + 1] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    out = bytearray(b"%PDF-1.4\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def encrypt_pdf(data: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.save(str(path))
    return path


def make_odt(path: Path, body: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2">'
        f"<office:body><office:text>{body}</office:text></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


def make_xlsx(path: Path, rows: list[list[object]], extra_sheet: bool = False) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        book.create_sheet("Notes").append(["ignored"])
    book.save(path)
    return path


def texts(source: ImportedSource, kind: str) -> list[str]:
    return [source.text[s.start : s.end] for s in source.segments if s.kind == kind]


def only(sources: list[ImportedSource]) -> ImportedSource:
    assert len(sources) == 1
    return sources[0]


# --- plain text --------------------------------------------------------------------------


def test_a_utf8_text_file_is_read_normalised_with_paragraphs_and_sentences(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes("\ufeffThe café opened. It was busy.\r\n\r\nMr. Lee came.\r\n".encode())
    source = only(read_file(path))
    assert source.name == "notes.txt"
    assert source.kind == "document"
    assert source.media_type == "text/plain"
    assert source.text == "The café opened. It was busy.\n\nMr. Lee came.\n"
    assert texts(source, "paragraph") == ["The café opened. It was busy.", "Mr. Lee came."]
    assert texts(source, "sentence") == ["The café opened.", "It was busy.", "Mr. Lee came."]


def test_a_plain_transcript_becomes_a_transcript_with_speaker_turns(tmp_path: Path) -> None:
    path = tmp_path / "interview.txt"
    path.write_text(
        "Interviewer: Who leads it?\n\nR1: The council. Mostly.\n\nInterviewer: Why?\n\nR1: Money."
    )
    source = only(read_file(path))
    assert source.kind == "transcript"
    assert texts(source, "speaker_turn") == [
        "Who leads it?",
        "The council. Mostly.",
        "Why?",
        "Money.",
    ]
    assert [s.speaker for s in source.segments if s.kind == "speaker_turn"] == [
        "Interviewer",
        "R1",
    ] * 2
    assert texts(source, "sentence") == [
        "Who leads it?",
        "The council.",
        "Mostly.",
        "Why?",
        "Money.",
    ]


def test_markdown_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "memo.md"
    path.write_text("# Memo\n\nSome *notes*.")
    source = only(read_file(path))
    assert source.media_type == "text/markdown"
    assert texts(source, "paragraph") == ["# Memo", "Some *notes*."]


def test_utf16_text_with_a_byte_order_mark_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes("Résumé of the meeting.".encode("utf-16"))
    assert only(read_file(path)).text == "Résumé of the meeting."


def test_a_few_nul_bytes_are_removed_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "nul.txt"
    path.write_bytes(
        b"Some text with a stray NUL\x00 in the middle of a long enough line of words."
    )
    source = only(read_file(path))
    assert "\x00" not in source.text
    assert source.warnings == ["removed 1 NUL byte(s) from the text"]


# --- Word, OpenDocument, PDF -------------------------------------------------------------


def test_a_word_document_gives_its_paragraphs_and_table_cells_in_order(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "report.docx",
        ["Background.", "", "The alliance began in 2019. It grew."],
        table=[["Partner", "Role"], ["Age UK", "Delivery"]],
    )
    source = only(read_file(path))
    assert source.media_type.endswith("wordprocessingml.document")
    assert texts(source, "paragraph") == [
        "Background.",
        "The alliance began in 2019. It grew.",
        "Partner",
        "Role",
        "Age UK",
        "Delivery",
    ]
    assert "The alliance began in 2019." in texts(source, "sentence")


def test_a_word_transcript_is_detected_as_a_transcript(tmp_path: Path) -> None:
    lines = ["Q: How did it start?", "A: Slowly.", "Q: And now?", "A: Faster."]
    source = only(read_file(make_docx(tmp_path / "t.docx", lines)))
    assert source.kind == "transcript"
    assert texts(source, "speaker_turn") == ["How did it start?", "Slowly.", "And now?", "Faster."]


def test_an_opendocument_text_honours_spaces_tabs_and_line_breaks(tmp_path: Path) -> None:
    body = (
        "<text:h>Title</text:h>"
        "<text:p>Two<text:s text:c='3'/>spaces<text:tab/>tab<text:line-break/>next   line</text:p>"
        "<text:p>Kept<text:note><text:note-body><text:p>footnote</text:p></text:note-body></text:note>"
        " text.</text:p>"
        "<text:tracked-changes><text:changed-region><text:p>deleted</text:p></text:changed-region>"
        "</text:tracked-changes>"
        "<table:table><table:table-row><table:table-cell><text:p>Cell one.</text:p>"
        "</table:table-cell></table:table-row></table:table>"
    )
    source = only(read_file(make_odt(tmp_path / "memo.odt", body)))
    assert source.media_type == "application/vnd.oasis.opendocument.text"
    assert source.text == "Title\n\nTwo   spaces\ttab\nnext line\n\nKept text.\n\nCell one."


def test_a_pdf_text_layer_is_read_page_by_page(tmp_path: Path) -> None:
    path = tmp_path / "minutes.pdf"
    path.write_bytes(
        make_pdf([["Minutes of the board.", "Dr. Ahmed chaired."], ["Page two text."]])
    )
    source = only(read_file(path))
    assert source.media_type == "application/pdf"
    assert "Minutes of the board." in source.text
    assert texts(source, "paragraph")[-1] == "Page two text."
    assert "Dr. Ahmed chaired." in texts(source, "sentence")


def test_a_pdf_encrypted_without_a_user_password_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypt_pdf(make_pdf([["Open to read."]]), user_password=""))
    source = only(read_file(path))
    assert source.text == "Open to read."
    assert any("encrypted" in w for w in source.warnings)


# --- subtitles ---------------------------------------------------------------------------


def test_webvtt_cues_merge_into_speaker_turns_named_by_voice_tags(tmp_path: Path) -> None:
    path = tmp_path / "call.vtt"
    path.write_text(
        "WEBVTT\n\nNOTE recorded by Teams\n\n"
        "1\n00:00:01.000 --> 00:00:03.000\n<v Jane Smith>We started in\n2019 &amp; grew.</v>\n\n"
        "2\n00:00:03.500 --> 00:00:05.000\n<v Jane Smith>It was hard.</v>\n\n"
        "3\n00:00:06.000 --> 00:00:07.000\n<v.loud Tom>Why?</v>\n"
    )
    source = only(read_file(path))
    assert source.kind == "transcript"
    assert source.media_type == "text/vtt"
    assert source.text == "Jane Smith: We started in 2019 & grew. It was hard.\n\nTom: Why?"
    assert texts(source, "speaker_turn") == ["We started in 2019 & grew. It was hard.", "Why?"]
    assert [s.speaker for s in source.segments if s.kind == "speaker_turn"] == ["Jane Smith", "Tom"]
    assert texts(source, "sentence") == ["We started in 2019 & grew.", "It was hard.", "Why?"]


def test_srt_drops_numbers_timestamps_and_tags_and_finds_labels(tmp_path: Path) -> None:
    path = tmp_path / "call.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:02,000\nJANE: <i>Hello</i> there.\n\n"
        "2\n00:00:02,100 --> 00:00:03,000\nand welcome.\n\n"
        "3\n00:00:04,000 --> 00:00:05,000\nTOM: Thanks.\n"
    )
    source = only(read_file(path))
    assert source.kind == "transcript"
    assert source.text == "JANE: Hello there. and welcome.\n\nTOM: Thanks."
    assert [s.speaker for s in source.segments if s.kind == "speaker_turn"] == ["JANE", "TOM"]


def test_subtitles_without_speakers_break_paragraphs_at_pauses(tmp_path: Path) -> None:
    path = tmp_path / "talk.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:02,000\nFirst part\n\n"
        "2\n00:00:02,200 --> 00:00:03,000\ncontinues.\n\n"
        "3\n00:00:09,000 --> 00:00:10,000\nAfter a pause.\n"
    )
    source = only(read_file(path))
    assert texts(source, "paragraph") == ["First part continues.", "After a pause."]
    assert texts(source, "speaker_turn") == []


@pytest.mark.parametrize(
    "header", ["WEBVTT\n", "WEBVTT - call\nKind: captions\n", "WEBVTT\n1\n"], ids=repr
)
def test_a_first_cue_right_under_the_webvtt_header_is_kept(tmp_path: Path, header: str) -> None:
    path = tmp_path / "call.vtt"
    path.write_text(
        f"{header}00:00:01.000 --> 00:00:02.000\n<v Ann>Hello there.\n\n"
        "00:00:03.000 --> 00:00:04.000\n<v Bob>Hi Ann.\n"
    )
    source = only(read_file(path))
    assert source.text == "Ann: Hello there.\n\nBob: Hi Ann."
    assert source.warnings == []


def test_a_subtitle_file_misnamed_as_txt_is_read_as_subtitles(tmp_path: Path) -> None:
    path = tmp_path / "captions.txt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ann>Hi.\n")
    source = only(read_file(path))
    assert source.text == "Ann: Hi."
    assert source.warnings == ["named .txt, read as .vtt"]


# --- surveys -----------------------------------------------------------------------------


def test_a_csv_survey_gives_one_source_per_response_with_typed_variables(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text(
        "respondent id;age;score;member;comment\n"
        "R01;34;4.5;true;The hub helped. Staff listened.\n"
        ";;;;\n"
        "R02;51;3;false;Too far away.\n"
        "R03;;2;true;\n"
    )
    sources = read_file(path)
    assert [s.name for s in sources] == ["survey.csv R01", "survey.csv R02"]
    assert all(s.kind == "survey_response" and s.media_type == "text/csv" for s in sources)
    assert sources[0].text == "The hub helped. Staff listened."
    assert sources[0].variables == {"respondent id": "R01", "age": 34, "score": 4.5, "member": True}
    assert sources[1].variables == {
        "respondent id": "R02",
        "age": 51,
        "score": 3.0,
        "member": False,
    }
    assert texts(sources[0], "sentence") == ["The hub helped.", "Staff listened."]
    assert sources[0].warnings == [
        "text taken from column 'comment' (the only free-text column); to use another, name its text column",
        "1 row(s) with an empty 'comment' were left out",
    ]


def test_a_named_text_column_is_used_and_rows_are_named_by_number(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("short,long\nYes,A much longer answer here\nNo,Another long answer\n")
    sources = read_file(path, text_column="short")
    assert [s.name for s in sources] == ["s.csv row 2", "s.csv row 3"]
    assert [s.text for s in sources] == ["Yes", "No"]
    assert sources[0].variables == {"long": "A much longer answer here"}
    assert sources[0].warnings == []


def test_without_a_text_column_the_longest_free_text_column_is_chosen(tmp_path: Path) -> None:
    path = tmp_path / "s.tsv"
    path.write_text("area\tview\nNorth\tWe need more buses in the evening\nSouth\tFine\n")
    sources = read_file(path)
    assert [s.text for s in sources] == ["We need more buses in the evening", "Fine"]
    assert sources[0].media_type == "text/tab-separated-values"
    assert "longest free-text column" in sources[0].warnings[0]


def test_an_xlsx_survey_reads_the_first_sheet_values(tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "responses.xlsx",
        [
            ["ID", "Age", "Answer", "Agreed"],
            [7, 34, "Good. Very good.", True],
            [None] * 4,
            [8, 40.5, "Poor.", False],
        ],
        extra_sheet=True,
    )
    sources = read_file(path, text_column="answer")
    assert [s.name for s in sources] == ["responses.xlsx 7", "responses.xlsx 8"]
    assert sources[0].variables == {"ID": 7, "Age": 34.0, "Agreed": True}
    assert sources[1].text == "Poor."
    assert sources[0].warnings == [
        "only the first sheet ('Sheet') was read; 1 other sheet(s) ignored"
    ]


def test_a_column_with_a_number_too_large_for_a_float_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("id,score,answer\n1,1e999,Good.\n2,2.5,Bad.\n3,-1e999,Fine.\n")
    sources = read_file(path, text_column="answer")
    assert [s.variables["score"] for s in sources] == ["1e999", "2.5", "-1e999"]
    xlsx = make_xlsx(tmp_path / "s.xlsx", [["id", "score", "answer"], [1, 7.25, "Good."]])
    with zipfile.ZipFile(xlsx) as archive:  # openpyxl never writes infinity: edit the sheet
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = members[sheet].replace(b"<v>7.25</v>", b"<v>1e999</v>")
    with zipfile.ZipFile(xlsx, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    assert only(read_file(xlsx, text_column="answer")).variables == {"id": 1, "score": "inf"}


# --- routing -----------------------------------------------------------------------------


def test_the_format_is_decided_by_content_not_by_the_name(tmp_path: Path) -> None:
    real = make_docx(tmp_path / "real.docx", ["Actually Word."])
    path = tmp_path / "misnamed.pdf"
    path.write_bytes(real.read_bytes())
    source = only(read_file(path))
    assert source.text == "Actually Word."
    assert source.warnings == ["named .pdf, read as .docx"]


def test_a_text_file_that_mentions_a_pdf_header_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Files begin with %PDF-1.7 as their magic number.")
    assert only(read_file(path)).media_type == "text/plain"


def test_refi_qda_files_are_recognised_for_the_caller_to_route(tmp_path: Path) -> None:
    qdpx = tmp_path / "project.qdpx"
    with zipfile.ZipFile(qdpx, "w") as archive:
        archive.writestr("project.qde", "<Project/>")
    hidden = tmp_path / "renamed.zip"
    hidden.write_bytes(qdpx.read_bytes())
    codebook = tmp_path / "codes.xml"
    codebook.write_text('<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>')
    plain = tmp_path / "plain.txt"
    plain.write_text("hello")
    assert is_refi(qdpx) and is_refi(hidden) and is_refi(codebook)
    assert not is_refi(plain)
    assert not is_refi(tmp_path / "missing.txt")
    for path in (qdpx, hidden, codebook):
        with pytest.raises(ImportRefused, match="REFI-QDA"):
            read_file(path)


@pytest.mark.parametrize("name", ["notes.txt", "notes.md"])
def test_a_note_that_mentions_the_refi_qda_namespace_is_a_document(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_text(
        'Export check: the root reads <Project xmlns="urn:QDA-XML:project:1.0">, '
        "and a codebook declares urn:QDA-XML:codebook:1.0.\n"
    )
    assert not is_refi(path)
    assert only(read_file(path)).text.startswith("Export check")


def test_a_refi_qda_file_is_recognised_by_its_root_element_whatever_its_name(
    tmp_path: Path,
) -> None:
    path = tmp_path / "codes.txt"
    path.write_text(
        '\ufeff<?xml version="1.0" encoding="utf-8"?>\n<!-- exported by a QDA tool -->\n'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>',
        encoding="utf-8",
    )
    assert is_refi(path)
    with pytest.raises(ImportRefused, match="REFI-QDA"):
        read_file(path)


def test_supported_lists_the_extensions_read_file_accepts() -> None:
    assert set(SUPPORTED) >= {
        ".txt",
        ".md",
        ".docx",
        ".odt",
        ".pdf",
        ".vtt",
        ".srt",
        ".csv",
        ".xlsx",
    }
    assert ImportLimits().max_file_bytes == 50_000_000


def test_pdf_paragraphs_are_rebuilt_after_short_sentence_ending_lines(tmp_path: Path) -> None:
    lines = [
        "The partnership began in 2019 when the council and the trust",
        "agreed to pool their budgets for early help services.",
        "It ended well.",
        "A second paragraph starts here and runs on across the page",
        "for a while before it stops.",
    ]
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf([lines]))
    source = only(read_file(path))
    assert texts(source, "paragraph") == [
        "\n".join(lines[:3]),
        "\n".join(lines[3:]),
    ]

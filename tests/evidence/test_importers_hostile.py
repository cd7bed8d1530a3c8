"""Hostile and broken files: each is refused with ImportRefused naming the file and problem.

No other exception may escape the importers for bad input, and nothing may be expanded,
parsed or read past the limits before the refusal.
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collabmap.errors import ImportRefused
from collabmap.evidence.importers import ImportLimits, _pool, read_file
from collabmap.evidence.importers._pool import read_files
from collabmap.evidence.importers._zip import SafeZip
from tests.evidence.reader_support import misbehave
from tests.evidence.test_importers import encrypt_pdf, make_docx, make_odt, make_pdf, make_xlsx

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
)


def refused(
    path: Path, *, limits: ImportLimits | None = None, text_column: str | None = None
) -> str:
    """Import ``path`` expecting a refusal; the problem, after checking the file is named."""
    with pytest.raises(ImportRefused) as caught:
        read_file(path, limits=limits or ImportLimits(), text_column=text_column)
    assert str(caught.value).startswith(f"{path}: ")
    assert caught.value.source == str(path)
    return caught.value.problem


def rezip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    """Copy a zip archive, replacing (or adding) some members."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename not in replace:
                new.writestr(info.filename, old.read(info.filename))
        for name, data in replace.items():
            new.writestr(name, data)
    return target


# --- any file ----------------------------------------------------------------------------


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert refused(path) == "is empty"


def test_a_file_of_only_whitespace_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(" \n\n\t\n")
    assert refused(path) == "contains no text"


def test_a_missing_file_or_a_folder_is_refused(tmp_path: Path) -> None:
    assert refused(tmp_path / "missing.txt").startswith("cannot be read")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert refused(folder) == "is a folder, not a file"


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000)
    assert refused(path, limits=ImportLimits(max_file_bytes=100)) == (
        "is larger than 100 bytes, the limit for one file"
    )


def test_text_over_the_character_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("x" * 500)
    problem = refused(path, limits=ImportLimits(max_text_chars=100))
    assert problem == "has 500 characters of text; the limit is 100"


def test_an_unknown_type_is_refused_with_the_supported_ones(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    problem = refused(path)
    assert problem.startswith("is of an unsupported type (.jpg); supported types: .txt, .md, .docx")


def test_legacy_word_and_rtf_files_are_refused_with_what_to_do(tmp_path: Path) -> None:
    doc = tmp_path / "old.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert "old Word or Excel 97–2003 format" in refused(doc)
    rtf = tmp_path / "letter.rtf"
    rtf.write_bytes(b"{\\rtf1\\ansi hello}")
    assert refused(rtf) == "is an RTF file; save it as .docx or .txt"


# --- text --------------------------------------------------------------------------------


def test_non_utf8_text_is_refused_with_the_offset_of_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Café au lait".encode("cp1252"))
    assert refused(path).startswith("is not UTF-8 text (bad byte at offset 3)")


def test_text_full_of_nul_bytes_is_refused_as_binary(tmp_path: Path) -> None:
    path = tmp_path / "nul.txt"
    path.write_bytes("UTF-16 without a mark".encode("utf-16-le"))
    assert "does not look like text" in refused(path)


def test_a_csv_without_the_named_text_column_lists_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text("id,age,comment\n1,34,Good\n")
    assert refused(path, text_column="answer") == (
        "has no column 'answer'; its columns are 'id', 'age', 'comment'"
    )


def test_a_csv_with_no_free_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text("id,age\n1,34\n2,40\n")
    assert refused(path) == "has no free-text column; its columns are 'id', 'age'"


def test_a_csv_cell_over_the_csv_field_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text("id,text\n1," + "x" * 200_000 + "\n")
    assert refused(path) == "has a cell longer than 131,072 characters"


def test_broken_subtitles_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.vtt"
    path.write_text("not a subtitle file at all")
    assert refused(path) == "is neither WebVTT (no WEBVTT header) nor SRT subtitles"
    empty = tmp_path / "empty.vtt"
    empty.write_text("WEBVTT\n\nNOTE nothing here\n")
    assert refused(empty) == "has no subtitle cues with text"


@pytest.mark.parametrize("digits", [400, 5000])
def test_a_subtitle_timing_with_hundreds_of_digits_is_not_taken_for_a_cue(
    tmp_path: Path, digits: int
) -> None:
    """Found by fuzzing: an hour count too long for a float escaped as an OverflowError, and
    one too long for int() as a ValueError (even in a file named .txt, read as subtitles)."""
    path = tmp_path / "long-hours.vtt"
    path.write_text(
        "WEBVTT\n\n" + "9" * digits + ":00:00.000 --> 00:00:01.000\nLost\n\n"
        "00:00:02.000 --> 00:00:03.000\n<v Jane>Kept.</v>\n"
    )
    [source] = read_file(path)
    assert source.text == "Jane: Kept."
    assert "1 block(s) that were not subtitle cues were left out" in source.warnings
    srt = tmp_path / "long-hours.srt"
    srt.write_text("1\n00:00:00,000 --> " + "1" * digits + ":00:00,000\nLost\n")
    assert refused(srt) == "has no subtitle cues with text"


def test_a_csv_of_many_short_quoted_answers_is_read_without_stalling(tmp_path: Path) -> None:
    """Found by fuzzing: csv.Sniffer takes time growing with the square of its sample when
    quotes open after a delimiter and close at the end of a line; a 64 KB sample took it
    3.5 s of CPU (more on a busy machine), and plain text is read with no time limit. The
    delimiter is now judged from the first lines."""
    path = tmp_path / "answers.csv"
    path.write_text("n,answer\n" + '1,"A"\n' * 11_000)
    started = time.process_time()
    sources = read_file(path)
    assert time.process_time() - started < 1.0  # 3.5 s before the fix, 0.2 s after
    assert len(sources) == 11_000
    assert (sources[0].text, sources[0].variables) == ("A", {"n": 1})


# --- PDF ---------------------------------------------------------------------------------


def test_a_truncated_pdf_is_refused(tmp_path: Path) -> None:
    data = make_pdf([["Some text on a page."]])
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])
    assert refused(path) == "is a truncated or damaged PDF (no end-of-file marker)"


def test_a_pdf_with_garbage_inside_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    assert "PDF" in refused(path)


def test_an_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.pdf"
    path.write_bytes(encrypt_pdf(make_pdf([["Confidential."]]), user_password="secret"))
    assert refused(path).startswith("the PDF is encrypted")


def test_a_pdf_without_a_text_layer_is_refused_as_probably_scanned(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([[]]))
    assert refused(path).startswith("the PDF has no text layer (scanned?)")


def test_a_pdf_over_the_page_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.pdf"
    path.write_bytes(make_pdf([["Page."]] * 5))
    assert refused(path, limits=ImportLimits(max_pdf_pages=3)) == "has 5 pages; the limit is 3"


def test_a_file_named_pdf_that_is_not_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_text("just text")
    assert refused(path) == "is damaged or not really a PDF (no %PDF header)"


# --- Word and other zip-based files ------------------------------------------------------


def test_a_truncated_docx_is_refused(tmp_path: Path) -> None:
    data = make_docx(tmp_path / "whole.docx", ["Some text."] * 50).read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(data[: len(data) // 2])
    assert refused(path) == "is damaged or truncated (not a readable zip archive)"


def test_a_docx_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.docx"
    path.write_text("I am text.")
    assert refused(path) == "is damaged or not really a .docx file (not a zip archive)"


def test_an_encrypted_docx_is_refused_as_password_protected(tmp_path: Path) -> None:
    # Encrypted Office files are OLE containers holding an "EncryptedPackage" stream.
    path = tmp_path / "locked.docx"
    body = b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + body)
    assert refused(path).startswith("is password-protected (encrypted)")


def test_a_zip_member_with_the_encryption_flag_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    data = bytearray(buffer.getvalue())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature)
        data[at + flag_at] |= 0x1
    path = tmp_path / "flagged.docx"
    path.write_bytes(bytes(data))
    assert refused(path).startswith("is password-protected (encrypted)")


def test_a_zip_bomb_disguised_as_a_docx_is_refused_before_expanding(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\x00" * 20_000_000)
    problem = refused(path)
    assert "possible zip bomb" in problem
    assert "word/document.xml" in problem


def test_a_zip_expanding_past_the_total_limit_is_refused(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "normal.docx", ["Text."])
    problem = refused(path, limits=ImportLimits(max_uncompressed_bytes=1000))
    assert problem.startswith("would expand to") and "possible zip bomb" in problem


def test_a_zip_with_too_many_members_is_refused(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "normal.docx", ["Text."])
    assert "the limit is 3" in refused(path, limits=ImportLimits(max_zip_members=3))


@pytest.mark.parametrize("name", ["../../evil", "/etc/passwd", "word\\..\\evil", "C:/evil"])
def test_a_docx_with_a_path_traversal_member_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / "traversal.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr(zipfile.ZipInfo(name), "owned")
    assert refused(path) == f"contains an unsafe file name {name!r} (a path outside the archive)"


def test_a_docx_whose_document_declares_entities_is_refused(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx", ["Text."])
    with zipfile.ZipFile(good) as archive:
        xml = archive.read("word/document.xml").decode()
    body = xml[xml.index("<w:document") :].replace("Text.", "&lol3;")
    path = rezip(
        good, tmp_path / "laughs.docx", {"word/document.xml": (BILLION_LAUGHS + body).encode()}
    )
    problem = refused(path)
    assert problem.startswith("'word/document.xml' declares a DTD or entities")


def test_a_docx_with_malformed_xml_is_refused(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx", ["Text."])
    path = rezip(good, tmp_path / "broken.docx", {"word/document.xml": b"<w:document><unclosed>"})
    assert refused(path).startswith("is damaged: 'word/document.xml'")


def test_an_odt_whose_content_declares_entities_is_refused(tmp_path: Path) -> None:
    good = make_odt(tmp_path / "good.odt", "<text:p>Hi</text:p>")
    content = BILLION_LAUGHS + "<office:document-content/>"
    path = rezip(good, tmp_path / "laughs.odt", {"content.xml": content.encode()})
    assert "declares a DTD or entities" in refused(path)


def test_an_xlsx_whose_sheet_declares_entities_is_refused(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "good.xlsx", [["id", "text"], [1, "Fine."]])
    with zipfile.ZipFile(good) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    body = BILLION_LAUGHS + sheet[sheet.index("<worksheet") :]
    path = rezip(good, tmp_path / "laughs.xlsx", {"xl/worksheets/sheet1.xml": body.encode()})
    assert refused(path).startswith("'xl/worksheets/sheet1.xml' declares a DTD or entities")


@pytest.mark.parametrize("encoding", ["bogus", "rot13", "big5"])
def test_office_xml_declaring_an_unusable_encoding_is_refused(
    tmp_path: Path, encoding: str
) -> None:
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>\n'.encode()
    docx = make_docx(tmp_path / "good.docx", ["Text."])
    with zipfile.ZipFile(docx) as archive:
        xml = archive.read("word/document.xml")
    body = xml[xml.index(b"<w:document") :]
    path = rezip(docx, tmp_path / "bad.docx", {"word/document.xml": declaration + body})
    assert refused(path).startswith("is damaged: 'word/document.xml' cannot be read as XML (")
    odt = make_odt(tmp_path / "good.odt", "<text:p>Hi</text:p>")
    with zipfile.ZipFile(odt) as archive:
        xml = archive.read("content.xml")
    body = xml[xml.index(b"<office:document-content") :]
    path = rezip(odt, tmp_path / "bad.odt", {"content.xml": declaration + body})
    assert refused(path).startswith("is damaged: 'content.xml' cannot be read as XML (")


def test_an_odt_nested_absurdly_deep_is_refused(tmp_path: Path) -> None:
    deep = "<text:span>" * 5000 + "x" + "</text:span>" * 5000
    path = make_odt(tmp_path / "deep.odt", f"<text:p>{deep}</text:p>")
    assert refused(path) == "is nested too deeply to read"


def test_an_unknown_zip_is_refused_with_the_supported_types(tmp_path: Path) -> None:
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refused(path).startswith("is a zip archive, not a Word, OpenDocument or Excel file")


def test_an_xlsx_with_a_broken_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert refused(path).startswith("could not be read as an Excel workbook")


def test_reading_a_member_stops_at_the_cap_whatever_the_header_says(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.xml", b"a" * 300_000)
    safe = SafeZip(buffer.getvalue(), "x.docx", ImportLimits())
    assert len(safe.read("big.xml")) == 300_000
    with pytest.raises(ImportRefused, match="expands past"):
        safe.read("big.xml", cap=100_000)


# --- fuzzing: nothing but ImportRefused escapes -------------------------------------------

_EXTENSIONS = st.sampled_from(
    [".txt", ".md", ".docx", ".odt", ".pdf", ".vtt", ".srt", ".csv", ".xlsx", ""]
)
_PREFIXES = st.sampled_from(
    [b"", b"PK\x03\x04", b"%PDF-1.4\n", b"WEBVTT\n\n", b"1\n00:00:01,000 --> "]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(prefix=_PREFIXES, body=st.binary(max_size=400), suffix=_EXTENSIONS)
def test_random_bytes_are_imported_or_refused_never_crash(
    tmp_path: Path, prefix: bytes, body: bytes, suffix: str
) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(prefix + body)
    try:
        read_file(path)
    except ImportRefused as exc:
        assert exc.source == str(path)


@pytest.fixture(scope="module")
def valid_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("valid")
    return {
        ".docx": make_docx(folder / "a.docx", ["One. Two.", "Q: x"], [["a", "b"]]).read_bytes(),
        ".odt": make_odt(folder / "a.odt", "<text:p>Hello there.</text:p>").read_bytes(),
        ".xlsx": make_xlsx(folder / "a.xlsx", [["id", "text"], [1, "Fine."]]).read_bytes(),
        ".pdf": make_pdf([["Hello there.", "Second line."]]),
    }


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    suffix=st.sampled_from([".docx", ".odt", ".xlsx", ".pdf"]),
    flips=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8
    ),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_corrupted_office_files_are_imported_or_refused_never_crash(
    tmp_path: Path,
    valid_files: dict[str, bytes],
    suffix: str,
    flips: list[tuple[float, int]],
    cut: float | None,
) -> None:
    data = bytearray(valid_files[suffix])
    for where, value in flips:
        data[int(where * len(data))] = value
    if cut is not None:
        data = data[: int(cut * len(data))]
    path = tmp_path / f"corrupt{suffix}"
    path.write_bytes(bytes(data))
    try:
        read_file(path)
    except ImportRefused as exc:
        assert exc.source == str(path)


_PARTS = {".docx": "word/document.xml", ".odt": "content.xml", ".xlsx": "xl/worksheets/sheet1.xml"}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    suffix=st.sampled_from(sorted(_PARTS)),
    flips=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=6
    ),
)
def test_office_files_with_corrupted_xml_are_imported_or_refused_never_crash(
    tmp_path: Path, valid_files: dict[str, bytes], suffix: str, flips: list[tuple[float, int]]
) -> None:
    original = tmp_path / f"original{suffix}"
    original.write_bytes(valid_files[suffix])
    with zipfile.ZipFile(original) as archive:
        xml = bytearray(archive.read(_PARTS[suffix]))
    for where, value in flips:
        xml[int(where * len(xml))] = value
    path = rezip(original, tmp_path / f"corrupt{suffix}", {_PARTS[suffix]: bytes(xml)})
    try:
        read_file(path)
    except ImportRefused as exc:
        assert exc.source == str(path)


# --- files that hang or crash the reader -------------------------------------------------------


def test_a_lone_file_that_hangs_the_reader_is_refused_after_the_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_docx(tmp_path / "hangs.docx", ["A paragraph."])
    misbehave(monkeypatch, sleep={"hangs.docx": 5.0})
    [(_, outcome)] = read_files([path], limits=ImportLimits(), timeout=0.5)
    assert isinstance(outcome, ImportRefused)
    assert outcome.problem == "took longer than 0.5 s to read; it may be malformed"


def test_a_crash_while_the_caller_is_busy_is_a_refusal_not_an_exception(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_pool, "_workers", lambda: 1)  # a window of 8: more files wait behind
    paths = [make_docx(tmp_path / f"file-{n:02}.docx", [f"File {n}."]) for n in range(12)]
    misbehave(monkeypatch, crash={"file-05.docx"})
    outcomes = []
    for path, outcome in read_files(paths, limits=ImportLimits()):
        outcomes.append((path.name, getattr(outcome, "problem", "read")))
        time.sleep(0.5 if path.name == "file-00.docx" else 0)  # storing, while file-05 crashes
    assert outcomes == [
        (path.name, "the reader crashed on this file" if path.name == "file-05.docx" else "read")
        for path in paths
    ]

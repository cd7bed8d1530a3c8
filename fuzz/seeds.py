"""Seed inputs for every fuzzed format, built by code on demand rather than kept as files.

A fuzzer that starts from valid files reaches the deep parts of a reader (a Word table, a
REFI-QDA selection, a PDF content stream) that random bytes never get past the first check
to. Each seed is made with the libraries collabmap already depends on (python-docx, openpyxl,
our own REFI-QDA writer) or written out by hand where no writer is at hand (OpenDocument, a
tiny PDF), so the corpus is reproducible, reviewable and free of other people's files.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable
from datetime import UTC, date, datetime

__all__ = ["SEEDS", "seeds"]


def _text() -> list[bytes]:
    plain = "Minutes of the partnership board.\n\nThe council and the trust agreed a budget.\n"
    transcript = (
        "Interviewer: How did the partnership start?\n\n"
        "Jane Smith: We met at the council offices, and the residents came too.\n\n"
        "Interviewer: Who decided?\n\nJane Smith: Mostly the board. Café owners were asked.\n"
    )
    markdown = "# Co-production\n\n* citizens on the panel\n* a shared budget\n\n> quoted\n"
    return [
        plain.encode(),
        codecs.BOM_UTF8 + transcript.encode(),
        codecs.BOM_UTF16_LE + plain.encode("utf-16-le"),
        codecs.BOM_UTF32_BE + markdown.encode("utf-32-be"),
        markdown.encode() + b"\x00",
        "e\u0301 naïve 漢字 😀\r\nline two\r\n".encode(),
    ]


def _vtt() -> list[bytes]:
    voiced = (
        "WEBVTT - interview\n\nNOTE recorded on Teams\n\n"
        "1\n00:00:01.000 --> 00:00:04.000\n<v Jane Smith>We started in 2019.</v>\n\n"
        "2\n00:00:04.500 --> 00:00:07.250\n<v Jane Smith>The council led it.</v>\n\n"
        "00:00:08.000 --> 00:00:09.000 align:start\n<v.loud Sam>Really? &amp; then?</v>\n"
    )
    unvoiced = (
        "WEBVTT\n00:00:00.000 --> 00:00:02.000\nNo speakers here.\n\n"
        "01:00:05.000 --> 01:00:06.500\nA pause, then more.\n\n\n"
        "STYLE\n::cue { color: red }\n"
    )
    return [voiced.encode(), unvoiced.encode()]


def _srt() -> list[bytes]:
    labelled = (
        "1\n00:00:01,000 --> 00:00:03,000\nJANE: We met monthly.\n\n"
        "2\n00:00:03,500 --> 00:00:05,000\nand it worked.\n\n"
        "3\n00:00:09,000 --> 00:00:11,000\n<i>Sam:</i> {\\an8}Not for everyone.\n"
    )
    return [labelled.encode(), codecs.BOM_UTF8 + labelled.replace("\n", "\r\n").encode()]


def _csv() -> list[bytes]:
    rows = [
        ["Respondent ID", "Age", "Agree", "Score", "Comments"],
        ["R1", "34", "true", "1.5", "The panel listened, mostly."],
        ["R2", "", "false", "2", 'They said "co-production", but it was consultation.'],
        ["R3", "071", "TRUE", "1e3", "Multi\nline answer, with a comma"],
    ]
    out: list[bytes] = []
    for delimiter in (",", ";", "\t"):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter).writerows(rows)
        out.append(buffer.getvalue().encode())
    out.append(b"comment\nonly one column\n\nsecond answer\n")
    return out


def _xlsx() -> list[bytes]:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Responses"
    sheet.append(["id", "When", "Rating", "Happy", "What happened?"])
    sheet.append([1, datetime(2024, 5, 1, 9, 30), 4.5, True, "The residents chose the priorities."])
    sheet.append([2, date(2024, 5, 2), 3, False, "Nobody asked us."])
    sheet.append([3, None, None, None, None])
    sheet.append([4, "n/a", "=1+1", None, "Formula beside me", "extra cell"])
    other = book.create_sheet("Notes")
    other.append(["ignored"])
    buffer = io.BytesIO()
    book.save(buffer)
    return [buffer.getvalue()]


def _docx() -> list[bytes]:
    import docx

    document = docx.Document()
    document.add_heading("Partnership review", level=1)
    document.add_paragraph("Interviewer: What changed?")
    document.add_paragraph("Jane Smith: The budget moved to the neighbourhood board.")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Merged heading"
    table.cell(0, 2).text = "Who"
    table.cell(1, 0).text = "Council"
    inner = table.cell(1, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "Nested cell"
    document.add_paragraph("Last words — naïve café.")
    buffer = io.BytesIO()
    document.save(buffer)
    return [_slim_docx(buffer.getvalue())]


_DOCX_PARTS = ("[Content_Types].xml", "word/document.xml", "word/settings.xml")


def _slim_docx(data: bytes) -> bytes:
    """python-docx's file without its 800 KB of styles, themes and thumbnail.

    Reading a Word file needs only the document part; the template's styles would make every
    fuzzed input fifty times larger and slower to mutate and read, for code the importer
    never runs. Relationships are pruned to the parts that remain.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as slim:
        for name in _DOCX_PARTS:
            slim.writestr(name, source.read(name), zipfile.ZIP_DEFLATED)
        for rels, folder in (("_rels/.rels", ""), ("word/_rels/document.xml.rels", "word/")):

            def kept(match: re.Match[str], folder: str = folder) -> str:
                return match.group(0) if folder + match.group(1) in _DOCX_PARTS else ""

            pruned = re.sub(
                r'<Relationship [^>]*Target="([^"]*)"/>', kept, source.read(rels).decode()
            )
            slim.writestr(rels, pruned, zipfile.ZIP_DEFLATED)
    return out.getvalue()


_ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
)


def _odt() -> list[bytes]:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document-content {_ODT_NS} office:version="1.3"><office:body><office:text>'
        "<text:sequence-decls/><text:h>Review</text:h>"
        '<text:p>Two<text:s text:c="3"/>spaces<text:tab/>tab<text:line-break/>break'
        "<text:note><text:note-body><text:p>footnote</text:p></text:note-body></text:note></text:p>"
        "<text:list><text:list-item><text:p>listed</text:p></text:list-item></text:list>"
        "<table:table><table:table-row><table:table-cell><text:p>cell</text:p>"
        "</table:table-cell></table:table-row></table:table>"
        "</office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return [buffer.getvalue()]


def _pdf_string(line: str) -> bytes:
    escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("latin-1") + b")"


def _pdf(pages: list[list[str]], *, compress: bool = False) -> bytes:
    """A PDF written object by object: a catalog, a page tree, Helvetica, one stream a page."""
    font = 3 + 2 * len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
    ]
    for i, lines in enumerate(pages):
        shown = b" T* ".join(_pdf_string(line) + b" Tj" for line in lines)
        stream = b"BT /F1 12 Tf 14 TL 72 720 Td " + shown + b" ET"
        extra = b""
        if compress:
            stream, extra = zlib.compress(stream), b" /Filter /FlateDecode"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(stream), extra, stream))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pdfs() -> list[bytes]:
    from pypdf import PdfReader, PdfWriter

    report = [
        ["Partnership review (2024)", "The council and the trust met monthly.", "Short line."],
        ["Residents chose priorities:", "- a youth club", "- safer streets"],
    ]
    plain = _pdf(report)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain)))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-40")
    encrypted = io.BytesIO()
    writer.write(encrypted)
    return [plain, _pdf(report[:1], compress=True), _pdf([[]]), encrypted.getvalue()]


def _refi_project() -> object:
    from collabmap.evidence.model import (
        RefiCase,
        RefiCode,
        RefiNote,
        RefiProject,
        RefiSelection,
        RefiSource,
        RefiUser,
        RefiVariable,
    )

    def guid(n: int) -> str:
        return f"00000000-0000-4000-8000-{n:012x}"

    when = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    text = "Jane: The board decided.\nSam: Residents were consulted — café owners too. 😀\n"
    child = RefiCode(guid(3), "Consultation", description="asked, not involved", color="#00FF00")
    codes = [RefiCode(guid(2), "Decision making", color="#FF0000", children=[child])]
    selection = RefiSelection(guid(5), 0, 24, [guid(2)], guid(1), when, "first", "a memo")
    source = RefiSource(
        guid(4),
        "interview 1",
        text,
        selections=[selection, RefiSelection(guid(6), 25, 60, [guid(3), guid(2)])],
        variables={guid(7): 42},
        note_guids=[guid(9)],
        creating_user=guid(1),
        created=when,
    )
    return RefiProject(
        name="Fuzz seed",
        creating_user=guid(1),
        created=when,
        description="a small project with one of everything",
        users=[RefiUser(guid(1), "Jane")],
        codes=codes,
        variables=[RefiVariable(guid(7), "Age", "Integer"), RefiVariable(guid(8), "Area")],
        cases=[RefiCase(guid(10), "Jane", None, {guid(8): "North"}, [guid(4)], [guid(2)])],
        sources=[source],
        notes=[RefiNote(guid(9), "Memo", "Check the minutes.", guid(1), when)],
    )


def _qdpx() -> list[bytes]:
    from collabmap.evidence.model import RefiProject
    from collabmap.evidence.refi import write_qdpx

    project = _refi_project()
    assert isinstance(project, RefiProject)
    buffer = io.BytesIO()
    write_qdpx(project, buffer)
    return [buffer.getvalue()]


def _qdc() -> list[bytes]:
    from collabmap.evidence.model import RefiProject
    from collabmap.evidence.refi import write_qdc

    project = _refi_project()
    assert isinstance(project, RefiProject)
    buffer = io.BytesIO()
    write_qdc(project.codes, buffer)
    return [buffer.getvalue()]


def _profiles() -> list[dict[str, object]]:
    """Two shipped reference profiles cut to one organisation and one activity each.

    Reading YAML costs time in proportion to its length (some 35 ms for a full profile), so
    short profiles let a fuzzer try ten times the inputs while reaching the same checks.
    """
    import yaml

    from collabmap.examples import example_names, example_path

    out = []
    for name in example_names()[:2]:
        data = yaml.safe_load(example_path(name).read_bytes())
        for key, value in data.items():
            if isinstance(value, list) and key != "sources":  # answers cite the sources
                data[key] = value[:1]
        out.append(data)
    return out


def _yaml() -> list[bytes]:
    import yaml

    return [
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode() for data in _profiles()
    ]


def _json() -> list[bytes]:
    return [
        json.dumps(data, default=str, ensure_ascii=False, indent=1).encode() for data in _profiles()
    ]


SEEDS: dict[str, Callable[[], list[bytes]]] = {
    "txt": _text,
    "vtt": _vtt,
    "srt": _srt,
    "csv": _csv,
    "xlsx": _xlsx,
    "docx": _docx,
    "odt": _odt,
    "pdf": _pdfs,
    "qdpx": _qdpx,
    "qdc": _qdc,
    "yaml": _yaml,
    "json": _json,
}
"""Each fuzzed format and how to make its seeds."""


def seeds(fmt: str) -> list[bytes]:
    """The seed inputs of format ``fmt`` (one of :data:`SEEDS`)."""
    return SEEDS[fmt]()

"""Read one file into sources: normalised text plus paragraphs, sentences and turns.

The format is decided by what the file contains first (zip members, ``%PDF``, a WEBVTT
header, an SRT cue) and by its extension second, because files are routinely misnamed
by the people and systems that send them. Every failure is an :class:`ImportRefused`
naming the file and the problem; no other exception escapes for bad input. Limits on
size, archive members, expansion and text length keep one hostile file from taking the
whole import down with it.

REFI-QDA files (``.qdpx``, ``.qdc``, ``.qde``) are projects, not documents: callers route them
with :func:`is_refi` and :func:`read_file` refuses them. Both judge a file the same way, by
name or by content: a zip holding ``project.qde``, or XML whose root element is a QDA-XML
``<Project>`` or ``<CodeBook>``. A text that merely mentions the namespace is a document.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from collabmap.errors import ImportRefused
from collabmap.evidence._limits import ImportLimits, mb
from collabmap.evidence.importers._zip import SafeZip
from collabmap.evidence.importers.docx import read_docx
from collabmap.evidence.importers.odt import ODT_MIMETYPES, read_odt
from collabmap.evidence.importers.pdf import read_pdf
from collabmap.evidence.importers.subtitles import looks_like_srt, looks_like_vtt, read_subtitles
from collabmap.evidence.importers.survey import read_csv, read_xlsx
from collabmap.evidence.importers.text import check_length, decode_text, read_text
from collabmap.evidence.model import ImportedSource
from collabmap.evidence.segment import looks_like_transcript, segment_text

__all__ = ["SUPPORTED", "ImportLimits", "is_refi", "read_file"]

SUPPORTED = (".txt", ".md", ".docx", ".odt", ".pdf", ".vtt", ".srt", ".csv", ".tsv", ".xlsx")
REFI_EXTENSIONS = (".qdpx", ".qdc", ".qde")
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word/Excel 97–2003, and encrypted docx/xlsx
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_REFI_ROOT = re.compile(
    # before the root may come a BOM, an XML declaration, processing instructions, comments
    # and a DOCTYPE; the group is atomic so that hostile input cannot make it backtrack
    rb"(?>(?:\xef\xbb\xbf)?\s*"
    rb"(?:(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[[^\]]*\])?\s*>)\s*)*)"
    rb"<(?:[\w.-]+:)?(?:Project|CodeBook)\s[^>]*urn:QDA-XML:(?:project|codebook)",
    re.DOTALL,
)
_DEFAULT_LIMITS = ImportLimits()
_REFI = "is a REFI-QDA project or codebook (.qdpx/.qdc); import it as a project, not as a document"


def _supported() -> str:
    return ", ".join(SUPPORTED)


def _is_refi_xml(head: bytes) -> bool:
    """Whether the first bytes of a file open a QDA-XML ``<Project>`` or ``<CodeBook>``."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    return _REFI_ROOT.match(head) is not None


def is_refi(path: Path) -> bool:
    """Whether ``path`` is a REFI-QDA project or codebook (by extension or by content)."""
    if path.suffix.lower() in REFI_EXTENSIONS:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
        if head.startswith(b"PK"):
            with zipfile.ZipFile(path) as archive:
                return "project.qde" in archive.namelist()
    except Exception:  # unreadable files are reported by read_file, not here
        return False
    return _is_refi_xml(head)


def _read_bytes(path: Path, source: str, limits: ImportLimits) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(limits.max_file_bytes + 1)
    except IsADirectoryError as exc:
        raise ImportRefused(source, "is a folder, not a file") from exc
    except OSError as exc:
        raise ImportRefused(source, f"cannot be read ({exc.strerror or exc})") from exc
    if len(data) > limits.max_file_bytes:
        raise ImportRefused(
            source, f"is larger than {mb(limits.max_file_bytes)}, the limit for one file"
        )
    if not data:
        raise ImportRefused(source, "is empty")
    return data


def _zip_kind(archive: SafeZip) -> str:
    """Which office format a zip archive holds, judged by its members."""
    source = archive.source
    if archive.has("word/document.xml"):
        return ".docx"
    if archive.has("xl/workbook.xml"):
        return ".xlsx"
    if archive.has("mimetype"):
        mimetype = archive.read("mimetype", cap=256).decode("ascii", "replace").strip()
        if mimetype in ODT_MIMETYPES:
            return ".odt"
        raise ImportRefused(
            source,
            f"is an OpenDocument file of an unsupported kind ({mimetype}); "
            f"supported types: {_supported()}",
        )
    if archive.has("project.qde"):
        return ".qdpx"
    raise ImportRefused(
        source,
        f"is a zip archive, not a Word, OpenDocument or Excel file; supported types: "
        f"{_supported()}",
    )


def _sniff_binary(data: bytes, suffix: str, source: str) -> str | None:
    """The format of ``data`` (not a zip) as an extension, or None for text; refuses the rest."""
    if data.startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in data[:1024]):
        return ".pdf"  # readers accept up to 1 KB of junk first; only trust that in a .pdf
    if data.startswith(_OLE):
        if _ENCRYPTED_PACKAGE in data:
            raise ImportRefused(
                source, "is password-protected (encrypted); remove the password and try again"
            )
        raise ImportRefused(
            source, "is in the old Word or Excel 97–2003 format; save it as .docx or .xlsx"
        )
    if data.startswith(b"{\\rtf"):
        raise ImportRefused(source, "is an RTF file; save it as .docx or .txt")
    if suffix in (".docx", ".odt", ".xlsx"):
        raise ImportRefused(source, f"is damaged or not really a {suffix} file (not a zip archive)")
    if suffix == ".pdf":
        raise ImportRefused(source, "is damaged or not really a PDF (no %PDF header)")
    return None


def _unsupported(source: str, suffix: str) -> ImportRefused:
    return ImportRefused(
        source,
        f"is of an unsupported type ({suffix or 'no extension'}); supported types: {_supported()}",
    )


def read_file(
    path: Path,
    *,
    limits: ImportLimits = _DEFAULT_LIMITS,
    text_column: str | None = None,
    segment: bool = True,
) -> list[ImportedSource]:
    """Import one file: one source, or one per response for a survey.

    ``text_column`` names the free-text column of a survey file (ignored otherwise).
    With ``segment=False`` the text's paragraphs, sentences and turns are left for later
    (a store segments on first use) and only a quick look decides whether it is a transcript.
    File-level warnings (how a survey's text column was chosen, say) are attached to the
    first source. Raises :class:`ImportRefused` for anything that cannot be imported.
    """
    source = str(path)
    suffix = path.suffix.lower()
    if suffix in REFI_EXTENSIONS:
        raise ImportRefused(source, _REFI)
    data = _read_bytes(path, source, limits)
    archive = SafeZip(data, source, limits) if data.startswith(_ZIP) else None
    kind = _zip_kind(archive) if archive else _sniff_binary(data, suffix, source)
    if kind == ".qdpx" or (kind is None and _is_refi_xml(data[:4096])):
        raise ImportRefused(source, _REFI)
    if kind is not None:
        sources = _read_binary(kind, archive, data, source, path.name, limits, text_column)
    else:
        try:
            text, notes = decode_text(data, source)
        except ImportRefused:
            if suffix not in SUPPORTED:
                raise _unsupported(source, suffix) from None
            raise
        kind = ".vtt" if looks_like_vtt(text) else ".srt" if looks_like_srt(text) else suffix
        if kind not in SUPPORTED:
            raise _unsupported(source, suffix)
        sources = _read_text(kind, text, notes, source, path.name, limits, text_column)
    if kind != suffix:
        sources[0].warnings.insert(0, f"named {suffix or 'without an extension'}, read as {kind}")
    for imported in sources:
        if imported.segments:
            continue
        if segment:
            imported.segments, transcript = segment_text(imported.text)
        else:
            transcript = looks_like_transcript(imported.text)
        if transcript and imported.kind == "document":
            imported.kind = "transcript"
    return sources


def _read_binary(
    kind: str,
    archive: SafeZip | None,
    data: bytes,
    source: str,
    name: str,
    limits: ImportLimits,
    text_column: str | None,
) -> list[ImportedSource]:
    if kind == ".pdf":
        return read_pdf(data, source, name, limits)
    assert archive is not None  # the other binary formats are zip archives
    if kind == ".docx":
        return read_docx(archive, data, name)
    if kind == ".odt":
        return read_odt(archive, name)
    return read_xlsx(data, source, name, limits, text_column)


def _read_text(
    kind: str,
    text: str,
    notes: list[str],
    source: str,
    name: str,
    limits: ImportLimits,
    text_column: str | None,
) -> list[ImportedSource]:
    check_length(text, source, limits)
    if kind in (".vtt", ".srt"):
        return read_subtitles(text, notes, source, name)
    if kind in (".csv", ".tsv"):
        return read_csv(text, notes, source, name, limits, text_column, tsv=kind == ".tsv")
    media_type = "text/markdown" if kind == ".md" else "text/plain"
    return read_text(text, notes, source, name, media_type)

"""PDF documents: the text layer, page by page, through pypdf.

A PDF carries no paragraphs, only positioned lines, so paragraphs are rebuilt: blank lines
pypdf reports, plus a break after a short line that ends a sentence (the usual shape of a
paragraph's last line). Scanned PDFs have no text layer and are refused with that reason,
since importing them empty would look like success. pypdf is forgiving, which on hostile
files means slow or strange: pages are capped, every pypdf call is guarded, and its
warnings are silenced so they never surface as errors.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from typing import TYPE_CHECKING

from pypdf import PdfReader

from collabmap.errors import ImportRefused
from collabmap.evidence.model import ImportedSource
from collabmap.evidence.segment import normalise

logging.getLogger("pypdf").setLevel(logging.ERROR)
"""pypdf reports each repair of a damaged file as a warning on its logger, which would reach
the command line's error output as noise; what matters (a file refused) is said by us."""

if TYPE_CHECKING:
    from collabmap.evidence.importers import ImportLimits

__all__ = ["MEDIA_TYPE", "read_pdf"]

MEDIA_TYPE = "application/pdf"
_SENTENCE_CLOSE = re.compile(r"[.!?:\"”’)]\s*$")
_PARAGRAPH_OPEN = re.compile(r"\s*[A-Z0-9\"“‘(•▪\-–]")


def _reflow(page: str) -> str:
    """Insert a blank line after short sentence-ending lines, where a paragraph ends."""
    lines = page.split("\n")
    if len(lines) < 4:
        return page
    lengths = sorted(len(line.rstrip()) for line in lines)
    typical = lengths[(len(lengths) * 3) // 4]
    out: list[str] = []
    for line, after in zip(lines, [*lines[1:], ""], strict=True):
        out.append(line)
        short = len(line.rstrip()) < typical * 0.75
        if (
            short
            and after.strip()
            and _SENTENCE_CLOSE.search(line)
            and _PARAGRAPH_OPEN.match(after)
        ):
            out.append("")
    return "\n".join(out)


def _open(data: bytes, source: str) -> tuple[PdfReader, list[str]]:
    """A reader on ``data``, decrypted when the password is empty; refusals otherwise."""
    notes: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:
        raise ImportRefused(source, f"is a damaged PDF ({type(exc).__name__})") from exc
    if encrypted:
        try:
            opened = bool(reader.decrypt(""))
        except Exception:
            opened = False
        if not opened:
            raise ImportRefused(
                source, "the PDF is encrypted (password-protected); remove the password first"
            )
        notes.append("the PDF is encrypted without a user password; its text was read")
    return reader, notes


def read_pdf(data: bytes, source: str, name: str, limits: ImportLimits) -> list[ImportedSource]:
    """One source from a PDF's text layer; segments are added by the caller."""
    if b"%%EOF" not in data[-2048:]:
        raise ImportRefused(source, "is a truncated or damaged PDF (no end-of-file marker)")
    pages: list[str] = []
    failed = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader, notes = _open(data, source)
        try:
            count = len(reader.pages)
        except Exception as exc:
            raise ImportRefused(source, f"is a damaged PDF ({type(exc).__name__})") from exc
        if count > limits.max_pdf_pages:
            raise ImportRefused(
                source, f"has {count:,} pages; the limit is {limits.max_pdf_pages:,}"
            )
        total = 0
        for number in range(count):
            try:
                page = normalise(reader.pages[number].extract_text())
            except Exception:
                failed += 1
                continue
            total += len(page)
            if total > limits.max_text_chars:
                raise ImportRefused(
                    source,
                    f"has more than {limits.max_text_chars:,} characters of text (the limit)",
                )
            if page.strip():
                pages.append(_reflow(page).strip())
    if not pages:
        if failed:
            raise ImportRefused(source, "is a damaged PDF: no page could be read")
        raise ImportRefused(
            source, "the PDF has no text layer (scanned?); run OCR on it and import it again"
        )
    if failed:
        notes.append(f"{failed} of {count} pages could not be read and were left out")
    return [ImportedSource(name, "\n\n".join(pages), "document", MEDIA_TYPE, warnings=notes)]

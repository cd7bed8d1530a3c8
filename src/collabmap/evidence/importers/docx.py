"""Word documents (``.docx``): body paragraphs and table cells, in reading order.

The archive is vetted by :class:`SafeZip` (names, sizes, ratios, and no DTD in any XML
part) before python-docx opens it, because python-docx trusts the zip and parses with
lxml. Headers, footers, footnotes, comments and text boxes are left out: interview
transcripts and reports keep what matters in the body, and page furniture repeated on
every page would drown the coding.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from collabmap.errors import ImportRefused
from collabmap.evidence.importers._zip import SafeZip
from collabmap.evidence.importers.text import check_length
from collabmap.evidence.model import ImportedSource
from collabmap.evidence.segment import normalise

if TYPE_CHECKING:
    from docx.blkcntnr import BlockItemContainer
    from docx.document import Document

__all__ = ["MEDIA_TYPE", "read_docx"]

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _blocks(container: Document | BlockItemContainer) -> Iterator[str]:
    """Paragraph texts of ``container``; each table cell's content, row by row.

    A merged cell appears once per grid position in python-docx, so cells are
    de-duplicated by their XML element (held in the set, so ids are never reused).
    """
    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            yield item.text
        elif isinstance(item, Table):
            seen: set[object] = set()
            for row in item.rows:
                for cell in row.cells:
                    if cell._tc in seen:
                        continue
                    seen.add(cell._tc)
                    yield from _blocks(cell)


def read_docx(archive: SafeZip, data: bytes, name: str) -> list[ImportedSource]:
    """One source from a Word file, ``data`` as vetted in ``archive``; segments are added by
    the caller."""
    source, limits = archive.source, archive.limits
    if not archive.has("word/document.xml"):
        raise ImportRefused(source, "is not a Word document (it has no word/document.xml)")
    archive.check_all_xml()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            document = docx.Document(io.BytesIO(data))
            blocks = [block for block in _blocks(document) if block.strip()]
    except Exception as exc:  # python-docx raises many types on malformed parts
        raise ImportRefused(
            source, f"could not be read as a Word document ({type(exc).__name__}: {str(exc)[:200]})"
        ) from exc
    text = normalise("\n\n".join(blocks))
    check_length(text, source, limits)
    if not text.strip():
        raise ImportRefused(source, "contains no text")
    return [ImportedSource(name, text, "document", MEDIA_TYPE)]

"""OpenDocument text (``.odt``): headings and paragraphs of ``content.xml``, in order.

Parsed with defusedxml (no DTDs, no entities) after the archive is vetted. ODF collapses
runs of white space in character data and spells deliberate spacing as elements
(``text:s``, ``text:tab``, ``text:line-break``), so both are honoured to reproduce the text
people saw. Footnotes, comments and tracked deletions are left out: they are not part of
the running text, and deleted text would be evidence of something nobody wrote.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from collabmap.errors import ImportRefused
from collabmap.evidence._xml import OFFICE, parse_xml
from collabmap.evidence.importers._zip import SafeZip
from collabmap.evidence.importers.text import check_length
from collabmap.evidence.model import ImportedSource
from collabmap.evidence.segment import normalise

__all__ = ["MEDIA_TYPE", "ODT_MIMETYPES", "read_odt"]

MEDIA_TYPE = "application/vnd.oasis.opendocument.text"
ODT_MIMETYPES = (MEDIA_TYPE, "application/vnd.oasis.opendocument.text-template")

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_PARAGRAPHS = {f"{_TEXT}p", f"{_TEXT}h"}
_SKIP = {
    f"{_TEXT}note",
    f"{_TEXT}tracked-changes",
    f"{_TEXT}sequence-decls",
    f"{_OFFICE}annotation",
}
_SPACE, _TAB, _BREAK = f"{_TEXT}s", f"{_TEXT}tab", f"{_TEXT}line-break"
_XML_SPACE = re.compile(r"[ \t\r\n]+")


def _spaces(element: Element) -> str:
    """The spaces a ``text:s`` element stands for (``text:c``, default 1, capped)."""
    try:
        count = int(element.get(f"{_TEXT}c", "1"))
    except ValueError:
        count = 1
    return " " * max(1, min(count, 1000))


def _inline(element: Element, parts: list[str]) -> None:
    """Append the visible text inside a paragraph to ``parts``."""
    if element.text:
        parts.append(_XML_SPACE.sub(" ", element.text))
    for child in element:
        tag = child.tag
        if tag == _SPACE:
            parts.append(_spaces(child))
        elif tag == _TAB:
            parts.append("\t")
        elif tag == _BREAK:
            parts.append("\n")
        elif tag in _PARAGRAPHS:  # a paragraph in a frame inside a paragraph
            parts.append("\n")
            _inline(child, parts)
        elif tag not in _SKIP:
            _inline(child, parts)
        if child.tail:
            parts.append(_XML_SPACE.sub(" ", child.tail))


def _walk(element: Element, out: list[str]) -> None:
    """Append each paragraph and heading under ``element`` to ``out`` (lists, tables …)."""
    for child in element:
        if child.tag in _PARAGRAPHS:
            parts: list[str] = []
            _inline(child, parts)
            out.append("".join(parts))
        elif child.tag not in _SKIP:
            _walk(child, out)


def read_odt(archive: SafeZip, name: str) -> list[ImportedSource]:
    """One source from an OpenDocument file whose mimetype the caller found in
    :data:`ODT_MIMETYPES`; segments are added by the caller."""
    source, limits = archive.source, archive.limits
    root = parse_xml(archive.read("content.xml"), source, "content.xml", OFFICE)
    body = root.find(f"{_OFFICE}body/{_OFFICE}text")
    if body is None:
        raise ImportRefused(source, "is damaged: content.xml has no text body")
    paragraphs: list[str] = []
    try:
        _walk(body, paragraphs)
    except RecursionError as exc:
        raise ImportRefused(source, "is nested too deeply to read") from exc
    text = normalise("\n\n".join(p for p in paragraphs if p.strip()))
    check_length(text, source, limits)
    if not text.strip():
        raise ImportRefused(source, "contains no text")
    return [ImportedSource(name, text, "document", MEDIA_TYPE)]

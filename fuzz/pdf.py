"""Harness for PDF documents: pypdf's forgiving parser, encryption, the page limit, reflow."""

from __future__ import annotations

import logging

from fuzz._document import import_document

FORMATS = ("pdf",)

# pypdf logs every repair it makes to a damaged file; a fuzz run would log millions
logging.getLogger("pypdf").setLevel(logging.CRITICAL)


def check(data: bytes) -> None:
    """Import ``data`` as a ``.pdf`` file; only a collabmap refusal may escape."""
    import_document(data, "fuzz.pdf")

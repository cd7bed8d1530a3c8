"""Harness for Word documents (``.docx``): the vetted zip, the XML prologs, python-docx."""

from __future__ import annotations

from fuzz._document import import_document

FORMATS = ("docx",)


def check(data: bytes) -> None:
    """Import ``data`` as a ``.docx`` file; only a collabmap refusal may escape."""
    import_document(data, "fuzz.docx")

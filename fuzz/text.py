"""Harness for plain text and Markdown (``.txt``, ``.md``): decoding, NUL bytes, normalising."""

from __future__ import annotations

from fuzz._document import import_document

FORMATS = ("txt",)


def check(data: bytes) -> None:
    """Import ``data`` as a ``.txt`` file; only a collabmap refusal may escape."""
    import_document(data, "fuzz.txt")

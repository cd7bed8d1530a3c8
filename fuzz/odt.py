"""Harness for OpenDocument text (``.odt``): the vetted zip, the mimetype, ``content.xml``."""

from __future__ import annotations

from fuzz._document import import_document

FORMATS = ("odt",)


def check(data: bytes) -> None:
    """Import ``data`` as an ``.odt`` file; only a collabmap refusal may escape."""
    import_document(data, "fuzz.odt")

"""The shared body of the document harnesses: import through ``read_file``, accept only refusals."""

from __future__ import annotations

from collabmap.errors import CollabmapError
from collabmap.evidence.importers import read_file
from fuzz._checks import check_sources
from fuzz._scratch import as_file

__all__ = ["import_document"]


def import_document(data: bytes, name: str) -> None:
    """Import ``data`` as the file ``name``; a :class:`CollabmapError` is the only way to say no.

    Any other exception propagates, which is what the fuzzer and the property tests look for.
    """
    try:
        sources = read_file(as_file(data, name))
    except CollabmapError:
        return
    check_sources(sources)

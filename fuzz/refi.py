"""Harness for REFI-QDA files: ``.qdpx`` projects (zip) and ``.qdc`` codebooks (XML).

Read through :func:`~collabmap.evidence.refi.read_refi`, which judges the kind by content, as
the command line and the web import do. An accepted project must hold only selections inside
their source's text: the store relies on it.
"""

from __future__ import annotations

from collabmap.errors import CollabmapError
from collabmap.evidence.refi import read_refi
from fuzz._scratch import as_file

FORMATS = ("qdpx", "qdc")


def check(data: bytes) -> None:
    """Read ``data`` as a REFI-QDA file; only a collabmap refusal may escape."""
    try:
        imported = read_refi(as_file(data, "fuzz.qdpx" if data.startswith(b"PK") else "fuzz.qdc"))
    except CollabmapError:
        return
    for source in imported.project.sources:
        assert "\x00" not in source.text, "kept a NUL character, which PostgreSQL refuses"
        for selection in source.selections:
            assert 0 <= selection.start <= selection.end <= len(source.text), (
                f"selection {selection.start}–{selection.end} outside a text of "
                f"{len(source.text)} characters"
            )

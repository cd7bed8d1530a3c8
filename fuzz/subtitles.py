"""Harness for subtitle transcripts (WebVTT and SRT): cues, timings, voices, speaker turns.

The file is named after what it starts with, as a recording tool would name it; the importer
judges by content either way, so a mutated header exercises the fallback to the name.
"""

from __future__ import annotations

from fuzz._document import import_document

FORMATS = ("vtt", "srt")


def check(data: bytes) -> None:
    """Import ``data`` as a ``.vtt`` or ``.srt`` file; only a collabmap refusal may escape."""
    import_document(data, "fuzz.vtt" if data.startswith(b"WEBVTT") else "fuzz.srt")

"""What every harness asserts about what a reader returned, beyond "it did not crash".

A reader that returns nonsense is as wrong as one that crashes: a segment outside its text
would point the coding workspace at the wrong words, so these are checked on every input
that is accepted.
"""

from __future__ import annotations

from collabmap.evidence.model import ImportedSource

__all__ = ["check_sources"]


def check_sources(sources: list[ImportedSource]) -> None:
    """Fail on an imported source that breaks what the store relies on."""
    assert sources, "a reader returned no sources without refusing the file"
    for source in sources:
        assert isinstance(source.text, str) and source.text.strip(), "accepted an empty text"
        assert "\x00" not in source.text, "kept a NUL character, which PostgreSQL refuses"
        for segment in source.segments:
            assert 0 <= segment.start <= segment.end <= len(source.text), (
                f"segment {segment} lies outside a text of {len(source.text)} characters"
            )

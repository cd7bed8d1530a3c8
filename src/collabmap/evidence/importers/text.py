"""Plain text and Markdown, decoded and normalised for storing.

Bytes are decoded by :func:`collabmap.evidence._decode.decode_bytes` (UTF-8, or UTF-16/32 with
a byte-order mark; anything else refused rather than guessed at), then normalised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collabmap.errors import ImportRefused
from collabmap.evidence._decode import decode_bytes
from collabmap.evidence.model import ImportedSource
from collabmap.evidence.segment import normalise

if TYPE_CHECKING:
    from collabmap.evidence.importers import ImportLimits

__all__ = ["check_length", "decode_text", "read_text"]


def decode_text(data: bytes, source: str) -> tuple[str, list[str]]:
    """Decode ``data`` as UTF-8 (or BOM-marked UTF-16/32) and normalise it; with warnings.

    A handful of NUL bytes (left by some export tools) are removed with a warning; many
    of them mean a binary file or UTF-16 without a byte-order mark, which is refused.
    """
    warnings: list[str] = []
    text, encoding = decode_bytes(data, source)
    if encoding == "UTF-8":
        nuls = data.count(b"\x00")
        if nuls * 10 > len(data):
            raise ImportRefused(
                source,
                f"does not look like text: it contains {nuls:,} NUL bytes (a binary file, "
                "or UTF-16 text without a byte-order mark)",
            )
        if nuls:
            warnings.append(f"removed {nuls:,} NUL byte(s) from the text")
    return normalise(text), warnings


def check_length(text: str, source: str, limits: ImportLimits) -> None:
    """Refuse text longer than ``limits.max_text_chars`` (it would swamp the store)."""
    if len(text) > limits.max_text_chars:
        raise ImportRefused(
            source,
            f"has {len(text):,} characters of text; the limit is {limits.max_text_chars:,}",
        )


def read_text(
    text: str, notes: list[str], source: str, name: str, media_type: str
) -> list[ImportedSource]:
    """One source from decoded ``.txt`` or ``.md`` text; segments are added by the caller."""
    if not text.strip():
        raise ImportRefused(source, "contains no text")
    return [ImportedSource(name, text, "document", media_type, warnings=notes)]

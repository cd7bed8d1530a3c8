"""Plain text and Markdown, and the one way collabmap decodes bytes into text.

Text is UTF-8 (with or without a byte-order mark) or, when a byte-order mark says so,
UTF-16 or UTF-32. Anything else is refused with the offset of the first bad byte rather
than guessed at: a wrong guess (cp1252 for Latin-1, say) silently corrupts names and
quotations, and every coded span after the corruption would point at the wrong words.
"""

from __future__ import annotations

import codecs
from typing import TYPE_CHECKING

from collabmap.errors import ImportRefused
from collabmap.evidence.model import ImportedSource
from collabmap.evidence.segment import normalise

if TYPE_CHECKING:
    from collabmap.evidence.importers import ImportLimits

__all__ = ["check_length", "decode_text", "read_text"]

_BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def decode_text(data: bytes, source: str) -> tuple[str, list[str]]:
    """Decode ``data`` as UTF-8 (or BOM-marked UTF-16/32) and normalise it; with warnings.

    A handful of NUL bytes (left by some export tools) are removed with a warning; many
    of them mean a binary file or UTF-16 without a byte-order mark, which is refused.
    """
    warnings: list[str] = []
    encoding, label, skip = "utf-8", "UTF-8", 0
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            encoding, label, skip = codec, name, len(bom)
            break
    try:
        text = data[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        offset = skip + exc.start
        if label == "UTF-8":
            raise ImportRefused(
                source,
                f"is not UTF-8 text (bad byte at offset {offset}); "
                "save it as UTF-8 and import it again",
            ) from exc
        raise ImportRefused(
            source, f"is not valid {label} text (bad bytes at offset {offset})"
        ) from exc
    if label == "UTF-8":
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

"""The one way collabmap turns the bytes of a text into a ``str``: strictly, never by guessing.

Text is UTF-8 (with or without a byte-order mark) or, when a byte-order mark says so, UTF-16
or UTF-32. Anything else is refused with the offset of the first bad byte: a wrong guess
(cp1252 for Latin-1, say) silently corrupts names and quotations, and every coded span after
the corruption would point at the wrong words.

Kept apart from the importers, which also normalise what they decode, because REFI-QDA
reading needs the text exactly as stored: its selections count characters of that text.
"""

from __future__ import annotations

import codecs

from collabmap.errors import ImportRefused

__all__ = ["decode_bytes"]

_BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def decode_bytes(data: bytes, source: str, what: str = "") -> tuple[str, str]:
    """``data`` decoded, without its byte-order mark, and the name of its encoding.

    Nothing else is changed (no line endings, no control characters). A refusal names
    ``source`` and, when the bytes are only part of it (a member of an archive), ``what``.
    """
    encoding, label, skip = "utf-8", "UTF-8", 0
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            encoding, label, skip = codec, name, len(bom)
            break
    try:
        return data[skip:].decode(encoding), label
    except UnicodeDecodeError as exc:
        offset = skip + exc.start
        if label != "UTF-8":
            problem = f"is not valid {label} text (bad bytes at offset {offset})"
        elif what:  # a part of a file, written by some tool: nothing for people to re-save
            problem = f"is not UTF-8 text (bad byte at offset {offset})"
        else:
            problem = (
                f"is not UTF-8 text (bad byte at offset {offset}); "
                "save it as UTF-8 and import it again"
            )
        raise ImportRefused(source, f"{what} {problem}" if what else problem) from exc

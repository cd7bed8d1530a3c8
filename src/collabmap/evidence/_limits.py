"""What one imported file may cost, and sizes as messages state them.

Shared by the document importers and the REFI-QDA reader, so that one set of limits (the
command line's ``--max-size``, say) governs every file an import is given. This module
imports nothing heavy: the REFI-QDA reader must stay quick to load.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ImportLimits", "mb"]


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """Ceilings that protect the importer (and the store) from hostile or absurd files."""

    max_file_bytes: int = 50_000_000
    max_zip_members: int = 10_000
    max_uncompressed_bytes: int = 500_000_000
    max_compression_ratio: int = 200
    max_text_chars: int = 20_000_000
    max_pdf_pages: int = 2_000


def mb(size: int) -> str:
    """A byte count as people read it in a message: bytes below a megabyte, else decimal MB
    (10⁶ bytes, as ``--max-size`` counts them)."""
    if size < 1_000_000:
        return f"{size} bytes"
    return f"{size / 1_000_000:,.1f} MB"

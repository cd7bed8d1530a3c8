"""Writing values into spreadsheets safely."""

from __future__ import annotations

import csv
import io

__all__ = ["EXCEL_CELL_LIMIT", "csv_text", "safe_cell"]

EXCEL_CELL_LIMIT = 32_000
"""Excel refuses cells over 32,767 characters; keep a margin."""


def safe_cell(value: object) -> object:
    """A value fit for a spreadsheet cell: text that a spreadsheet would run as a formula
    (starting ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading apostrophe —
    interview text and imported code names are not trusted — and long text is cut."""
    if isinstance(value, str):
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            value = "'" + value
        return value[:EXCEL_CELL_LIMIT]
    return value


def csv_text(records: list[dict[str, object]], empty_header: list[str]) -> str:
    """Records as CSV text, every cell guarded; ``empty_header`` heads a file with no rows."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]) if records else empty_header)
    writer.writeheader()
    writer.writerows({key: safe_cell(value) for key, value in row.items()} for row in records)
    return buffer.getvalue()

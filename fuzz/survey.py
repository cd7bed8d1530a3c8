"""Harness for survey exports (CSV and XLSX): sniffing, typing columns, picking the text column."""

from __future__ import annotations

from fuzz._document import import_document

FORMATS = ("csv", "xlsx")


def check(data: bytes) -> None:
    """Import ``data`` as ``.xlsx`` when it is a zip, else as ``.csv``; only refusals escape."""
    import_document(data, "fuzz.xlsx" if data.startswith(b"PK") else "fuzz.csv")

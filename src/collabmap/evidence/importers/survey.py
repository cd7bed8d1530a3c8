"""Survey exports (CSV, TSV, XLSX): one source per response, other answers as variables.

Consultation and survey data arrive as a sheet with one row per respondent and one
free-text column worth coding. Each non-empty row becomes a source named after its file
and row (or its id), and the other columns become case variables, typed column by column
so that a column of numbers stays numeric for comparisons. When no text column is named,
the one with the longest answers is taken, and the choice is reported in ``warnings``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import re
import warnings
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

import openpyxl

from collabmap.errors import ImportRefused
from collabmap.evidence.importers._zip import SafeZip
from collabmap.evidence.model import ImportedSource, VariableValue
from collabmap.evidence.segment import normalise

if TYPE_CHECKING:
    from collabmap.evidence.importers import ImportLimits

__all__ = ["CSV_MEDIA_TYPE", "TSV_MEDIA_TYPE", "XLSX_MEDIA_TYPE", "read_csv", "read_xlsx"]

CSV_MEDIA_TYPE = "text/csv"
TSV_MEDIA_TYPE = "text/tab-separated-values"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_ID_NAMES = {"id", "respondent", "respondent id", "response id", "participant", "participant id"}
_INT = re.compile(r"[+-]?(?:0|[1-9]\d{0,17})")  # leading zeros mean a code, not a number
_FLOAT = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?\d+[eE][+-]?\d+")
_BOOLS = {"true": True, "false": False}
_SNIFF_CHARS = 4096
"""How much of a CSV file its delimiter is judged from. The first lines show it, and Python's
``csv.Sniffer`` takes time growing with the square of its sample: 64 KB of quoted multi-line
answers took it seconds, and plain text is read without a time limit, so a longer sample let
one file stall a whole import."""

Row = list[Any]


def _headers(raw: Row) -> list[str]:
    """Column names: blank ones named by position, repeated ones numbered."""
    names: list[str] = []
    for i, cell in enumerate(raw, start=1):
        base = normalise(str(cell)).strip() if cell is not None else ""
        base = base or f"column {i}"
        name, n = base, 2
        while name in names:
            name, n = f"{base} ({n})", n + 1
        names.append(name)
    return names


def _typed_column(values: list[Any]) -> list[VariableValue]:
    """One column's values in the narrowest common type: bool, int, float or text.

    A column is numeric only when every number in it is finite.
    """
    cells: list[VariableValue] = []
    for value in values:
        if isinstance(value, str):
            value = normalise(value).strip() or None
        elif isinstance(value, datetime | date | time):
            value = value.isoformat()
        elif value is not None and not isinstance(value, bool | int | float):
            value = str(value)
        cells.append(value)
    present = [v for v in cells if v is not None]
    if present and all(isinstance(v, str) for v in present):
        if all(v.lower() in _BOOLS for v in present if isinstance(v, str)):
            return [_BOOLS[v.lower()] if isinstance(v, str) else v for v in cells]
        if all(_INT.fullmatch(v) for v in present if isinstance(v, str)):
            return [int(v) if isinstance(v, str) else v for v in cells]
        if all(_INT.fullmatch(v) or _FLOAT.fullmatch(v) for v in present if isinstance(v, str)):
            numbers: list[VariableValue] = [float(v) if isinstance(v, str) else v for v in cells]
            # 1e999 reads as infinity, which JSON and REFI-QDA cannot hold: keep such a column
            # as the text people wrote
            return numbers if all(_finite(v) for v in numbers) else cells
        return cells
    kinds = {type(v) for v in present}
    if kinds <= {bool} or kinds <= {int} or kinds <= {str}:
        return cells
    if kinds <= {int, float} and all(_finite(v) for v in cells):
        return [float(v) if isinstance(v, int) else v for v in cells]
    return [str(v) if v is not None else None for v in cells]


def _finite(value: VariableValue) -> bool:
    """False for an infinite or NaN float; True for anything else (None included)."""
    return not isinstance(value, float) or math.isfinite(value)


def _pick_text_column(
    names: list[str], columns: list[list[VariableValue]], asked: str | None, source: str
) -> tuple[int, str | None]:
    """Index of the text column, and a warning saying how it was chosen (if guessed)."""
    listing = ", ".join(repr(n) for n in names)
    if asked is not None:
        if asked in names:
            return names.index(asked), None
        folded = [i for i, n in enumerate(names) if n.casefold() == asked.strip().casefold()]
        if len(folded) == 1:
            return folded[0], None
        raise ImportRefused(source, f"has no column {asked!r}; its columns are {listing}")
    lengths: list[tuple[float, int]] = []
    for i, values in enumerate(columns):
        texts = [v for v in values if isinstance(v, str)]
        if texts and names[i].casefold() not in _ID_NAMES:
            lengths.append((sum(len(v) for v in texts) / len(texts), i))
    if not lengths:
        raise ImportRefused(source, f"has no free-text column; its columns are {listing}")
    _, best = max(lengths)
    how = "the only free-text column" if len(lengths) == 1 else "the longest free-text column"
    note = f"text taken from column {names[best]!r} ({how}); to use another, name its text column"
    return best, note


def _sources(
    table: list[Row],
    source: str,
    name: str,
    media_type: str,
    text_column: str | None,
    limits: ImportLimits,
) -> list[ImportedSource]:
    """Turn a header row and data rows into one source per non-empty response."""
    if not table:
        raise ImportRefused(source, "contains no rows")
    names = _headers(table[0])
    width = len(names)
    rows = [(number, row) for number, row in enumerate(table[1:], start=2)]
    notes: list[str] = []
    if any(len(row) > width and any(c not in (None, "") for c in row[width:]) for _, row in rows):
        notes.append("some rows have more cells than there are column names; extra cells ignored")
    rows = [(n, [*row[:width], *[None] * (width - len(row))]) for n, row in rows]
    rows = [(n, row) for n, row in rows if any(c not in (None, "") and str(c).strip() for c in row)]
    columns = [[row[i] for _, row in rows] for i in range(width)]
    typed = [_typed_column(col) for col in columns]
    index, note = _pick_text_column(names, typed, text_column, source)
    if note:
        notes.append(note)
    id_index = next((i for i, n in enumerate(names) if n.casefold() in _ID_NAMES), None)
    ids = [typed[id_index][r] for r in range(len(rows))] if id_index is not None else []
    unique_ids = id_index is not None and len({str(v) for v in ids if v is not None}) == len(ids)
    out: list[ImportedSource] = []
    skipped = total = 0
    for r, (number, row) in enumerate(rows):
        value = row[index]
        text = normalise(
            value if isinstance(value, str) else "" if value is None else str(value)
        ).strip()
        if not text:
            skipped += 1
            continue
        total += len(text)
        if total > limits.max_text_chars:
            raise ImportRefused(
                source, f"has more than {limits.max_text_chars:,} characters of text (the limit)"
            )
        label = f"{name} {ids[r]}" if unique_ids else f"{name} row {number}"
        variables = {names[c]: typed[c][r] for c in range(width) if c != index}
        out.append(ImportedSource(label, text, "survey_response", media_type, variables=variables))
    if skipped:
        notes.append(f"{skipped} row(s) with an empty {names[index]!r} were left out")
    if not out:
        raise ImportRefused(source, f"has no responses in column {names[index]!r}")
    out[0].warnings.extend(notes)
    return out


def read_csv(
    text: str,
    notes: list[str],
    source: str,
    name: str,
    limits: ImportLimits,
    text_column: str | None,
    *,
    tsv: bool,
) -> list[ImportedSource]:
    """Responses from decoded CSV or TSV text; the delimiter is sniffed from the first lines."""
    delimiter = "\t" if tsv else ","
    if not tsv:
        # one column, or too irregular to tell: keep the comma
        sample = text[:_SNIFF_CHARS]
        if len(text) > _SNIFF_CHARS and "\n" in sample:
            sample = sample[: sample.rindex("\n")]  # whole lines only
        with contextlib.suppress(csv.Error):
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    try:
        table: list[Row] = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        if "field limit" in str(exc):
            limit = csv.field_size_limit()
            raise ImportRefused(source, f"has a cell longer than {limit:,} characters") from exc
        raise ImportRefused(source, f"is not valid CSV ({exc})") from exc
    media_type = TSV_MEDIA_TYPE if tsv else CSV_MEDIA_TYPE
    out = _sources(table, source, name, media_type, text_column, limits)
    out[0].warnings[:0] = notes
    return out


def read_xlsx(
    data: bytes, source: str, name: str, limits: ImportLimits, text_column: str | None
) -> list[ImportedSource]:
    """Responses from the first sheet of an Excel workbook (values, not formulas)."""
    archive = SafeZip(data, source, limits)
    archive.check_all_xml()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheets = book.worksheets
                table: list[Row] = [list(row) for row in sheets[0].iter_rows(values_only=True)]
                others = len(sheets) - 1
                title = str(sheets[0].title)
            finally:
                book.close()
    except Exception as exc:  # openpyxl raises many types on malformed workbooks
        raise ImportRefused(
            source, f"could not be read as an Excel workbook ({type(exc).__name__})"
        ) from exc
    out = _sources(table, source, name, XLSX_MEDIA_TYPE, text_column, limits)
    if others:
        out[0].warnings.append(
            f"only the first sheet ({title!r}) was read; {others} other sheet(s) ignored"
        )
    return out

"""The portable dump file: a zip of one JSON Lines member per table, and a manifest.

Why a zip of JSON Lines rather than one gzip stream: the manifest (row counts, checksums) is
only known once every table has been written, yet a reader must check it before trusting
anything; a zip's central directory lets the manifest be written last and read first. Each
table is its own member, so it can be streamed, counted and checked on its own, and anyone can
open the file with ``unzip`` and read it with a text editor or ``jq``.

Rows are JSON arrays in the column order the manifest lists. Values keep their types: integers,
floats (Python's shortest round-trip form), booleans, NULL as ``null``, datetimes as ISO 8601
text, and JSON columns as the very text the database holds (so JSON ``null`` and SQL NULL stay
different and nothing is reformatted).

Reading trusts nothing: the members must be exactly the manifest and one per table, none
encrypted, none claiming to expand more than :attr:`DumpLimits.max_ratio` times, none longer
than the limits; every line must be one JSON array of the right length; and each table's row
count and SHA-256 must match the manifest (checked as the member is read).
"""

from __future__ import annotations

import hashlib
import json
import math
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import JSON, Boolean, Column, DateTime, Float, Integer, String, Table

from collabmap.errors import InvalidInput

__all__ = [
    "MANIFEST",
    "DumpLimits",
    "DumpReader",
    "DumpWriter",
    "Kind",
    "Manifest",
    "TableEntry",
    "column_kind",
    "decode_value",
    "encode_value",
    "member_name",
]

FORMAT = "collabmap-dump"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_CHUNK = 1 << 20


def member_name(table: str) -> str:
    return f"tables/{table}.jsonl"


class Kind(StrEnum):
    """How a column's values are written in a dump."""

    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    TEXT = "text"
    DATETIME = "datetime"
    JSON = "json"


def column_kind(column: Column[Any]) -> Kind:
    """The dump kind of a column, from its SQLAlchemy type."""
    kind = column.type
    if isinstance(kind, JSON):
        return Kind.JSON
    if isinstance(kind, Boolean):
        return Kind.BOOLEAN
    if isinstance(kind, DateTime):
        return Kind.DATETIME
    if isinstance(kind, Float):
        return Kind.FLOAT
    if isinstance(kind, Integer):
        return Kind.INTEGER
    if isinstance(kind, String):
        return Kind.TEXT
    raise TypeError(f"{column.table.name}.{column.name}: a dump cannot hold {kind!r} yet")


def encode_value(kind: Kind, value: Any) -> Any:
    """A database value (JSON columns read as text) as it is written in a dump line."""
    if value is None:
        return None
    if kind is Kind.DATETIME:
        return value.isoformat()
    return value


class BadValue(ValueError):
    """A dump value that does not fit its column; the message says why."""


def decode_value(column: Column[Any], kind: Kind, value: Any, *, max_length: bool) -> Any:
    """A dump value checked against its column and turned back into a database value.

    ``max_length`` also enforces ``String(n)`` lengths (PostgreSQL does, SQLite does not).
    """
    if value is None:
        if not column.nullable:
            raise BadValue("is empty (null) but the column needs a value")
        return None
    if kind is Kind.INTEGER:
        if type(value) is not int:
            raise BadValue(f"should be a whole number, not {_shown(value)}")
        if not -(2**63) <= value < 2**63:
            raise BadValue("is too large a number")
        return value
    if kind is Kind.FLOAT:
        if type(value) not in (int, float) or not math.isfinite(value):
            raise BadValue(f"should be a number, not {_shown(value)}")
        return float(value)
    if kind is Kind.BOOLEAN:
        if type(value) is not bool:
            raise BadValue(f"should be true or false, not {_shown(value)}")
        return value
    if not isinstance(value, str):
        raise BadValue(f"should be text, not {_shown(value)}")
    if kind is Kind.DATETIME:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise BadValue(f"is not a date and time: {value[:40]!r}") from None
        if moment.tzinfo is not None:
            raise BadValue("has a time zone; collabmap stores UTC without one")
        return moment
    if kind is Kind.JSON:
        try:
            _DECODER.decode(value)
        except (ValueError, RecursionError):
            raise BadValue("is not valid JSON") from None
        return value
    length = getattr(column.type, "length", None)
    if max_length and length is not None and len(value) > length:
        raise BadValue(f"has {len(value):,} characters; the column holds at most {length:,}")
    return value


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_DECODER = json.JSONDecoder(parse_constant=_no_constant)
"""Made once: ``json.dumps`` and ``json.loads`` with options build a new one per call."""


def _shown(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:39] + "…"


class TableEntry(BaseModel):
    """One table in the manifest: its columns, how many rows, and the SHA-256 of its member."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    name: str = Field(max_length=100)
    columns: list[str] = Field(max_length=200)
    rows: int = Field(ge=0)
    bytes: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Manifest(BaseModel):
    """What a dump holds and where it came from."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    format: Literal["collabmap-dump"]
    format_version: Literal[1]
    collabmap_version: str = Field(max_length=40)
    schema_revision: str = Field(max_length=40)
    created_at: str = Field(max_length=40)
    source_database: str = Field(max_length=40)
    project: str | None = Field(default=None, max_length=200)
    tables: list[TableEntry] = Field(max_length=1000)

    def table(self, name: str) -> TableEntry:
        for entry in self.tables:
            if entry.name == name:
                return entry
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class DumpLimits:
    """What a dump being restored may claim, so a hostile file cannot exhaust the machine."""

    max_line_bytes: int = 256 * 2**20
    """One row: a source's text is at most tens of megabytes."""
    max_total_bytes: int = 64 * 2**30
    """All tables together, uncompressed."""
    max_ratio: int = 1000
    """Uncompressed size to compressed size, for members over 1 MB. Deflate cannot pass about
    1,030; repetitive real text reaches a few hundred, so only a deliberate bomb is refused by
    this. The other guards are ``max_total_bytes`` (zipfile stops every member at its declared
    size) and reading in a stream, so memory stays flat whatever a member holds."""
    max_manifest_bytes: int = 2**20


class DumpWriter:
    """Writes a dump: :meth:`table` for each table, then :meth:`finish` with the manifest."""

    def __init__(self, path: Path) -> None:
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        self._stamp = datetime.now().timetuple()[:6]
        self.entries: list[TableEntry] = []

    def table(self, table: Table, rows: Iterator[list[Any]]) -> TableEntry:
        """Write one table's rows (already encoded); return its manifest entry."""
        digest = hashlib.sha256()
        count = size = 0
        pending: list[bytes] = []
        pending_size = 0
        info = zipfile.ZipInfo(member_name(table.name), date_time=self._stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        with self._zip.open(info, "w", force_zip64=True) as member:
            for row in rows:
                line = (_ENCODER.encode(row) + "\n").encode()
                pending.append(line)
                pending_size += len(line)
                count += 1
                if pending_size >= _CHUNK:
                    size += self._flush(member, digest, pending)
                    pending, pending_size = [], 0
            size += self._flush(member, digest, pending)
        entry = TableEntry(
            name=table.name,
            columns=[c.name for c in table.columns],
            rows=count,
            bytes=size,
            sha256=digest.hexdigest(),
        )
        self.entries.append(entry)
        return entry

    @staticmethod
    def _flush(member: IO[bytes], digest: Any, lines: list[bytes]) -> int:
        block = b"".join(lines)
        digest.update(block)
        member.write(block)
        return len(block)

    def finish(self, manifest: Manifest) -> None:
        info = zipfile.ZipInfo(MANIFEST, date_time=self._stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        self._zip.writestr(info, manifest.model_dump_json(indent=2) + "\n")
        self._zip.close()

    def abandon(self) -> None:
        self._zip.close()


class DumpReader:
    """Opens a dump for reading, vetting the zip and the manifest before anything else."""

    def __init__(self, path: Path, limits: DumpLimits, known_tables: set[str]) -> None:
        self.path = path
        self.limits = limits
        try:
            self._zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise InvalidInput(f"{path}: no such file") from None
        except IsADirectoryError:
            raise InvalidInput(f"{path} is a folder, not a dump") from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
            raise self.refuse(
                "it is not a zip file, or it is cut short (a copy that did not finish?)"
            ) from None
        except NotImplementedError as exc:  # a zip feature Python cannot read (a newer version)
            raise self.refuse(f"it uses a zip feature collabmap cannot read ({exc})") from None
        try:
            self._vet_members(known_tables)
            self.manifest = self._read_manifest()
        except BaseException:
            self._zip.close()
            raise

    def refuse(self, problem: str) -> InvalidInput:
        return InvalidInput(f"{self.path} is not a collabmap dump that can be restored: {problem}")

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> DumpReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _vet_members(self, known_tables: set[str]) -> None:
        allowed = {MANIFEST} | {member_name(t) for t in known_tables}
        infos = self._zip.infolist()
        names = [info.filename for info in infos]
        if len(names) != len(set(names)):
            raise self.refuse("it holds the same member twice")
        total = 0
        for info in infos:
            if info.filename not in allowed:
                raise self.refuse(f"it holds an unexpected member {info.filename[:100]!r}")
            if info.flag_bits & 0x1:
                raise self.refuse(f"{info.filename} is encrypted")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise self.refuse(f"{info.filename} uses an unsupported compression")
            if info.file_size > max(_CHUNK, info.compress_size * self.limits.max_ratio):
                raise self.refuse(
                    f"{info.filename} would expand {info.file_size:,} bytes from "
                    f"{info.compress_size:,} (a zip bomb?)"
                )
            total += info.file_size
        if total > self.limits.max_total_bytes:
            raise self.refuse(
                f"its tables would take {total:,} bytes, over the limit of "
                f"{self.limits.max_total_bytes:,}"
            )
        if MANIFEST not in names:
            raise self.refuse("it has no manifest.json")

    def _read_manifest(self) -> Manifest:
        info = self._zip.getinfo(MANIFEST)
        if info.file_size > self.limits.max_manifest_bytes:
            raise self.refuse("its manifest is too large")
        try:
            with self._zip.open(info) as handle:
                data = handle.read(self.limits.max_manifest_bytes + 1)
            return Manifest.model_validate_json(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(manifest)"
            raise self.refuse(f"its manifest is not right at {where}: {first['msg']}") from None
        except (zipfile.BadZipFile, EOFError, zlib.error, OSError, NotImplementedError):
            raise self.refuse("its manifest is damaged") from None

    def rows(self, entry: TableEntry) -> Iterator[list[Any]]:
        """The table's rows as JSON arrays; at the end, its row count and SHA-256 are checked."""
        name = member_name(entry.name)
        try:
            info = self._zip.getinfo(name)
        except KeyError:
            if entry.rows == 0 and entry.bytes == 0:
                return
            raise self.refuse(f"the table {entry.name} is missing") from None
        if info.file_size != entry.bytes:
            raise self.refuse(f"the table {entry.name} is not the size the manifest gives")
        digest = hashlib.sha256()
        count = 0
        width = len(entry.columns)
        limit = self.limits.max_line_bytes
        try:
            with self._zip.open(info) as handle:
                while True:
                    line = handle.readline(limit + 1)
                    if not line:
                        break
                    digest.update(line)
                    count += 1
                    if not line.endswith(b"\n"):
                        if len(line) > limit:
                            raise self.refuse(
                                f"row {count} of {entry.name} is longer than {limit:,} bytes"
                            )
                        raise self.refuse(f"the table {entry.name} ends in the middle of a row")
                    try:
                        row = _DECODER.decode(line.decode())
                    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
                        raise self.refuse(f"row {count} of {entry.name} is not JSON") from None
                    if not isinstance(row, list) or len(row) != width:
                        raise self.refuse(
                            f"row {count} of {entry.name} is not a list of {width} values"
                        )
                    if count > entry.rows:
                        raise self.refuse(
                            f"the table {entry.name} has more rows than the manifest's "
                            f"{entry.rows:,}"
                        )
                    yield row
        except (zipfile.BadZipFile, EOFError, zlib.error, OSError, NotImplementedError) as exc:
            raise self.refuse(f"the table {entry.name} is damaged ({exc})") from None
        if count != entry.rows:
            raise self.refuse(
                f"the table {entry.name} has {count:,} rows; the manifest says {entry.rows:,}"
            )
        if digest.hexdigest() != entry.sha256:
            raise self.refuse(
                f"the table {entry.name} does not match its checksum (altered or damaged)"
            )

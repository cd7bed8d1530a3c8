"""Backups and restores: a SQLite online copy, and a portable dump for either database.

Two kinds of backup, for two jobs:

- :func:`backup_sqlite` copies a live SQLite store page by page with SQLite's online backup,
  while other processes go on writing (the WAL journal lets them). The copy is a store in
  itself: open it with ``--db``, or put it back in place.
- :func:`dump` writes every table of the schema, or only the rows of one project, to a
  portable dump (see :mod:`collabmap.store._dumpfile`) from one consistent snapshot, and
  :func:`restore` writes a dump into a store on SQLite or PostgreSQL. That is also how a
  project moves between the two.

A restore reads the dump twice: first to check everything (the manifest, the schema
revision, every row's types, every table's row count and SHA-256) while writing nothing, then
to write it all in one transaction. So a hostile, damaged or mismatched dump is refused with
the target store as it was.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Column,
    Connection,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    cast,
    func,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError

from collabmap import __version__
from collabmap._output import whole_file
from collabmap.errors import AlreadyExists, InvalidInput, StoreError, UnknownName
from collabmap.store._bulk import bulk_insert
from collabmap.store._dumpfile import (
    BadValue,
    DumpLimits,
    DumpReader,
    DumpWriter,
    Kind,
    Manifest,
    TableEntry,
    column_kind,
    decode_value,
    encode_value,
)
from collabmap.store._engine import MIGRATIONS_FOLDER, Store, _safe_url, open_store, translate
from collabmap.store._scope import Role, project_scope, table_roles
from collabmap.store.models import Base, Project
from collabmap.store.projects import new_guid

__all__ = [
    "BackupResult",
    "DumpLimits",
    "Progress",
    "RestoreResult",
    "backup_sqlite",
    "dump",
    "restore",
]

Progress = Callable[[int, int], None]
"""Called with (done, total): pages for a SQLite copy, rows for a dump or a restore."""

_STEP_PAGES = 4096
_MAX_RESTARTS = 2
_BATCH = 2000
_SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True, slots=True)
class BackupResult:
    """What a backup wrote: the file, its size, and its pages (SQLite) or rows per table."""

    path: Path
    format: str
    size: int
    pages: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    project: str | None = None


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What a restore wrote: rows per table, the project (for a one-project dump), and the
    accounts and coders it found already in the store and used instead of adding them."""

    rows: dict[str, int]
    project: str | None
    reused: dict[str, list[str]]


# ---------------------------------------------------------------- SQLite online copy


class _Restarted(Exception):
    """The copy kept starting over because other connections write between steps."""


def backup_sqlite(store: Store, out: Path, *, progress: Progress | None = None) -> BackupResult:
    """Copy a live SQLite store to ``out`` with SQLite's online backup, written whole.

    The copy is taken in steps, so a progress bar can move; if writers keep restarting it,
    the rest is copied in one step, inside one read transaction, which writers cannot disturb.
    The copy is checked (``PRAGMA quick_check``) and flushed to disk before it replaces ``out``.
    """
    if store.dialect != "sqlite":
        raise InvalidInput(
            "an online copy is for SQLite stores; back up a PostgreSQL store as a dump "
            "(--format dump)"
        )
    out = Path(out)
    database = make_url(store.url).database or ""
    if database and out.resolve() == Path(database).expanduser().resolve():
        raise InvalidInput(f"cannot back up {out} onto itself; choose another file")
    with whole_file(out) as tmp:
        tmp.unlink(missing_ok=True)
        raw = store.engine.raw_connection()
        try:
            source = raw.driver_connection
            assert isinstance(source, sqlite3.Connection)
            target = sqlite3.connect(tmp)
            try:
                pages = _copy_pages(source, target, progress)
                target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
                verdict = target.execute("PRAGMA quick_check").fetchone()
                if verdict is None or verdict[0] != "ok":
                    raise StoreError(f"the copy of {database} failed its check: {verdict}")
            finally:
                target.close()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot back up {database}: {exc}") from None
        finally:
            raw.close()
        _flush_to_disk(tmp)
    _flush_folder(out.parent)
    return BackupResult(path=out, format="sqlite", size=out.stat().st_size, pages=pages)


def _copy_pages(
    source: sqlite3.Connection, target: sqlite3.Connection, progress: Progress | None
) -> int:
    seen = {"copied": -1, "restarts": 0, "total": 0}

    def step(_status: int, remaining: int, total: int) -> None:
        copied = total - remaining
        if copied <= seen["copied"]:
            seen["restarts"] += 1
            if seen["restarts"] > _MAX_RESTARTS:
                raise _Restarted
        seen["copied"], seen["total"] = copied, total
        if progress is not None:
            progress(copied, total)

    try:
        source.backup(target, pages=_STEP_PAGES, progress=step, sleep=0.01)
    except _Restarted:
        source.backup(target, pages=-1)
        total = target.execute("PRAGMA page_count").fetchone()[0]
        seen["total"] = int(total)
        if progress is not None:
            progress(seen["total"], seen["total"])
    return seen["total"]


def _flush_to_disk(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _flush_folder(folder: Path) -> None:
    """Make a rename durable (where the system allows opening a folder)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# ---------------------------------------------------------------- dump


def _revisions() -> tuple[str, list[str]]:
    """The newest schema revision this collabmap knows, and all it knows."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_FOLDER))
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    assert head is not None
    return head, [r.revision for r in script.walk_revisions()]


class _Counter:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def tick(self) -> None:
        self.done += 1
        if self.progress is not None and (self.done % 1000 == 0 or self.done == self.total):
            self.progress(self.done, self.total)


def _selected(table: Table) -> list[Any]:
    """The table's columns as read for a dump: JSON columns as the text the database holds."""
    return [
        cast(c, Text).label(c.name) if column_kind(c) is Kind.JSON else c for c in table.columns
    ]


def _snapshot(connection: Connection) -> None:
    """Make every later read on ``connection`` see one moment of the database."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")  # WAL: the first read fixes the snapshot
    else:
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def dump(
    store: Store, out: Path, *, project: str | None = None, progress: Progress | None = None
) -> BackupResult:
    """Write the whole store, or one project (with the users and coders it refers to, and
    its audit events), to a portable dump at ``out``, streamed from one snapshot."""
    out = Path(out)
    head, _known = _revisions()
    try:
        with store.engine.connect() as connection:
            _snapshot(connection)
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if revision != head:
                raise StoreError(
                    f"the store's schema is at revision {revision}, not {head}; open it with "
                    "this collabmap once to bring it up to date"
                )
            project_id = None
            if project is not None:
                project_id = connection.scalar(select(Project.id).where(Project.name == project))
                if project_id is None:
                    names = list(connection.scalars(select(Project.name).order_by(Project.name)))
                    raise UnknownName("project", project, names)
            scope = project_scope(project_id)
            counts = {
                t.name: _count(connection, t, scope.where[t.name])
                for t in Base.metadata.sorted_tables
            }
            counter = _Counter(progress, sum(counts.values()))
            with whole_file(out) as tmp:
                writer = DumpWriter(tmp)
                try:
                    for table in Base.metadata.sorted_tables:
                        rows = _read(connection, table, scope.where[table.name], counter)
                        writer.table(table, rows)
                    writer.finish(
                        Manifest(
                            format="collabmap-dump",
                            format_version=1,
                            collabmap_version=__version__,
                            schema_revision=head,
                            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                            source_database=store.dialect,
                            project=project,
                            tables=writer.entries,
                        )
                    )
                except BaseException:
                    writer.abandon()
                    raise
                _flush_to_disk(tmp)
            connection.rollback()
    except SQLAlchemyError as exc:
        raise translate(exc, store.url) from exc
    _flush_folder(out.parent)
    return BackupResult(
        path=out,
        format="dump",
        size=out.stat().st_size,
        rows={e.name: e.rows for e in writer.entries},
        project=project,
    )


def _count(connection: Connection, table: Table, where: Any) -> int:
    query = select(func.count()).select_from(table)
    if where is not None:
        query = query.where(where)
    return int(connection.scalar(query) or 0)


def _read(
    connection: Connection, table: Table, where: Any, counter: _Counter
) -> Iterator[list[Any]]:
    moments = [i for i, c in enumerate(table.columns) if column_kind(c) is Kind.DATETIME]
    query = select(*_selected(table)).order_by(*table.primary_key.columns)
    if where is not None:
        query = query.where(where)
    for row in connection.execute(query.execution_options(yield_per=_BATCH)):
        counter.tick()
        values = list(row)
        for index in moments:  # the only kind JSON cannot hold as it is
            values[index] = encode_value(Kind.DATETIME, values[index])
        yield values


# ---------------------------------------------------------------- restore


def restore(
    store: Store,
    path: Path,
    *,
    limits: DumpLimits | None = None,
    progress: Progress | None = None,
) -> RestoreResult:
    """Write the dump (or SQLite backup) at ``path`` into ``store``, all or nothing.

    A whole-store dump needs an empty store; a one-project dump needs only that the store
    has no project of that name. Users and coders the project refers to are matched by name
    with those already in the store (an existing account keeps its password). On PostgreSQL
    the id sequences are moved past the restored rows.
    """
    path = Path(path)
    if _is_sqlite_file(path):
        return _restore_sqlite_backup(store, path, limits=limits, progress=progress)
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    with DumpReader(path, limits or DumpLimits(), set(tables)) as reader:
        manifest = reader.manifest
        _check_schema(reader, manifest, tables)
        counter = _Counter(progress, 2 * sum(e.rows for e in manifest.tables))
        strict_text = store.dialect == "postgresql"
        _verify(reader, strict_text, counter)
        with store.transaction() as session:
            connection = session.connection()
            writer = _Writer(connection, reader, manifest, strict_text, counter)
            writer.check_target(_store_name(store))
            try:
                writer.write_all()
            except (IntegrityError, DataError) as exc:
                detail = str(exc.orig or exc).strip().splitlines()[0]
                raise reader.refuse(
                    f"its rows do not fit together ({detail}); nothing was written"
                ) from None
            writer.reset_sequences()
            return RestoreResult(
                rows={e.name: e.rows - len(writer.reused.get(e.name, [])) for e in manifest.tables},
                project=manifest.project,
                reused=writer.reused,
            )


def _verify(reader: DumpReader, strict_text: bool, counter: _Counter) -> None:
    """The first pass of a restore: every value of every table checked for its column, and
    every table's row count and SHA-256 (by the reader), before anything is written."""
    manifest = reader.manifest
    roles = table_roles() if manifest.project is not None else None
    project_row: list[Any] | None = None
    for table in Base.metadata.sorted_tables:
        entry = manifest.table(table.name)
        if roles is not None and roles[table.name] is Role.LEFT_OUT and entry.rows:
            raise reader.refuse(f"a one-project dump should have no rows in {table.name}")
        for row in _decoded(reader, entry, table, strict_text):
            counter.tick()
            if table.name == "projects":
                project_row = row
    if manifest.project is not None:
        names = [c.name for c in Project.__table__.columns]
        if manifest.table("projects").rows != 1 or project_row is None:
            raise reader.refuse("a one-project dump should hold exactly one project")
        if project_row[names.index("name")] != manifest.project:
            raise reader.refuse("its project is not the one its manifest names")


def _store_name(store: Store) -> str:
    """The store as people name it: the file of a SQLite store, else its URL (no password)."""
    if store.dialect == "sqlite":
        return f"the store {make_url(store.url).database}"
    return _safe_url(store.url)


def _is_sqlite_file(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False


def _restore_sqlite_backup(
    store: Store, path: Path, *, limits: DumpLimits | None, progress: Progress | None
) -> RestoreResult:
    """Restore a SQLite backup by way of a dump made from a scratch copy of it, so the backup
    itself is never opened for writing and the same checks apply. A copy made with an older
    schema is migrated first (it is only the scratch copy that changes)."""
    with tempfile.TemporaryDirectory(prefix="collabmap-restore-") as scratch:
        copy = Path(scratch) / "backup.db"
        try:
            shutil.copyfile(path, copy)
        except OSError as exc:
            raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
        revision = _sqlite_revision(copy)
        head, known = _revisions()
        if revision is None:
            raise InvalidInput(f"{path} is a SQLite database but not a collabmap store")
        if revision not in known:
            raise InvalidInput(
                f"{path} was made by a newer collabmap (schema revision {revision}; this one "
                f"knows up to {head}); upgrade collabmap to restore it"
            )
        try:
            source = open_store(str(copy), create=False)
        except StoreError as exc:
            raise InvalidInput(f"{path} cannot be restored: {exc}") from None
        try:
            dump(source, Path(scratch) / "backup.zip")
        finally:
            source.close()
        return restore(store, Path(scratch) / "backup.zip", limits=limits, progress=progress)


def _sqlite_revision(path: Path) -> str | None:
    """The schema revision a SQLite file records, or None if it is not a collabmap store."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        connection.execute("SELECT 1 FROM projects LIMIT 1").fetchall()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return str(row[0]) if row else None


def _check_schema(reader: DumpReader, manifest: Manifest, tables: dict[str, Table]) -> None:
    head, known = _revisions()
    if manifest.schema_revision != head:
        if manifest.schema_revision in known:
            raise reader.refuse(
                f"it was made with an older schema (revision {manifest.schema_revision}; this "
                f"collabmap writes {head}); restore it with the collabmap that made it, open "
                "the store with this one to upgrade it, then dump it again"
            )
        raise reader.refuse(
            f"it was made by a newer collabmap (schema revision {manifest.schema_revision}; "
            f"this one knows up to {head}); upgrade collabmap to restore it"
        )
    listed = [e.name for e in manifest.tables]
    if len(listed) != len(set(listed)):
        raise reader.refuse("its manifest lists a table twice")
    missing = sorted(set(tables) - set(listed))
    unknown = sorted(set(listed) - set(tables))
    if missing or unknown:
        raise reader.refuse(
            f"its tables do not match the schema (missing: {', '.join(missing) or 'none'}; "
            f"unknown: {', '.join(unknown) or 'none'})"
        )
    for entry in manifest.tables:
        expected = [c.name for c in tables[entry.name].columns]
        if entry.columns != expected:
            raise reader.refuse(f"the columns of {entry.name} do not match the schema")


def _decoded(
    reader: DumpReader, entry: TableEntry, table: Table, strict_text: bool
) -> Iterator[list[Any]]:
    """The table's rows, each value checked against its column and turned back into a
    database value; ``strict_text`` also enforces lengths and refuses NUL characters."""
    columns = list(table.columns)
    kinds = [column_kind(c) for c in columns]
    for number, row in enumerate(reader.rows(entry), start=1):
        values = []
        for column, kind, value in zip(columns, kinds, row, strict=True):
            try:
                decoded = decode_value(column, kind, value, max_length=strict_text)
                if strict_text and isinstance(decoded, str) and "\x00" in decoded:
                    raise BadValue("holds a NUL character, which PostgreSQL cannot store")
            except BadValue as exc:
                raise reader.refuse(f"row {number} of {table.name}: {column.name} {exc}") from None
            values.append(decoded)
        yield values


def _single_key(table: Table) -> Column[Any] | None:
    """The table's one integer primary key column (an id), if it has one."""
    keys = list(table.primary_key.columns)
    if len(keys) == 1 and column_kind(keys[0]) is Kind.INTEGER:
        return keys[0]
    return None


class _Writer:
    """The second pass of a restore: every table written in one transaction, ids shifted
    past the store's own (a one-project dump into a store in use), references to matched
    users and coders pointed at the store's rows."""

    def __init__(
        self,
        connection: Connection,
        reader: DumpReader,
        manifest: Manifest,
        strict_text: bool,
        counter: _Counter,
    ) -> None:
        self.connection = connection
        self.reader = reader
        self.manifest = manifest
        self.strict_text = strict_text
        self.counter = counter
        self.roles = table_roles() if manifest.project is not None else None
        self.offsets: dict[str, int] = {}
        self.matched: dict[str, dict[int, int]] = {}
        self.reused: dict[str, list[str]] = {}
        self._ids: dict[str, list[tuple[int, str, bool]]] = {}

    def check_target(self, where: str) -> None:
        """Refuse a store in use (for a whole-store dump) or a project name already taken."""
        counts = {t.name: _count(self.connection, t, None) for t in Base.metadata.sorted_tables}
        if self.manifest.project is None:
            busy = [f"{name} ({n:,})" for name, n in counts.items() if n]
            if busy:
                shown = ", ".join(busy[:4]) + (", …" if len(busy) > 4 else "")
                raise InvalidInput(
                    f"{where} is not empty ({shown}); restore a whole-store dump into a new, "
                    "empty store, or restore one project from a dump made with --project"
                )
        else:
            taken = self.connection.scalar(
                select(Project.id).where(Project.name == self.manifest.project)
            )
            if taken is not None:
                raise AlreadyExists("project", self.manifest.project)
        for table in Base.metadata.sorted_tables:
            key = _single_key(table)
            if key is not None:
                self.offsets[table.name] = self._last_id(table, key)

    def _last_id(self, table: Table, key: Column[Any]) -> int:
        """The highest id the table has used: its highest row, or on PostgreSQL its sequence
        if that is further on (ids of deleted rows are not handed out again)."""
        highest = int(self.connection.scalar(select(func.coalesce(func.max(key), 0))) or 0)
        sequence = self._sequence(table, key)
        if sequence is not None:
            last, called = self.connection.execute(
                text(f"SELECT last_value, is_called FROM {sequence}")
            ).one()
            highest = max(highest, int(last) if called else int(last) - 1)
        return highest

    def _sequence(self, table: Table, key: Column[Any]) -> str | None:
        if self.connection.dialect.name != "postgresql":
            return None
        found = self.connection.scalar(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": key.name}
        )
        return str(found) if found else None

    def write_all(self) -> None:
        for table in Base.metadata.sorted_tables:
            self._write(table)

    def _new_id(self, table: str, old: int) -> int:
        matched = self.matched.get(table)
        if matched is not None and old in matched:
            return matched[old]
        return old + self.offsets.get(table, 0)

    def _id_columns(self, table: Table) -> list[tuple[int, str, bool]]:
        """The positions of the table's id and of its references to ids, with the table each
        id belongs to."""
        found = self._ids.get(table.name)
        if found is None:
            key = _single_key(table)
            found = []
            for index, column in enumerate(table.columns):
                if key is not None and column is key:
                    found.append((index, table.name, True))
                for foreign in column.foreign_keys:
                    parent = foreign.column.table
                    if _single_key(parent) is foreign.column and column is not key:
                        found.append((index, parent.name, False))
            self._ids[table.name] = found
        return found

    def _remap(self, table: Table, row: list[Any]) -> list[Any]:
        if not any(self.offsets.values()) and not self.matched:
            return row  # a store restored whole keeps its ids
        out = list(row)
        for index, owner, is_key in self._id_columns(table):
            value = out[index]
            if value is None:
                continue
            if is_key:
                out[index] = value + self.offsets.get(owner, 0)
            else:
                out[index] = self._new_id(owner, value)
        return out

    def _existing(self, table: Table, row: list[Any]) -> int | None:
        """The id of a row already in the store that is the same user or coder (by a unique
        column such as the name), or None."""
        key = _single_key(table)
        if key is None:
            return None
        names = [c.name for c in table.columns]
        unique = {c.name for c in table.columns if c.unique} | {
            next(iter(u.columns)).name
            for u in table.constraints
            if isinstance(u, UniqueConstraint) and len(u.columns) == 1
        }
        found: set[int] = set()
        for column in table.columns:
            if column.name in unique:
                value = row[names.index(column.name)]
                hit = self.connection.scalar(select(key).where(column == value))
                if hit is not None:
                    found.add(int(hit))
        if len(found) > 1:
            raise self.reader.refuse(
                f"a row of {table.name} matches two different rows already in the store"
            )
        return found.pop() if found else None

    def _write(self, table: Table) -> None:
        entry = self.manifest.table(table.name)
        names = [c.name for c in table.columns]
        dialect = self.connection.dialect
        processors = [
            None if column_kind(c) is Kind.JSON else c.type.bind_processor(dialect)
            for c in table.columns
        ]
        self_refs = [
            i
            for i, c in enumerate(table.columns)
            if any(f.column.table is table for f in c.foreign_keys)
        ]
        referenced = self.roles is not None and self.roles[table.name] is Role.REFERENCED
        key = _single_key(table)
        batch: list[tuple[Any, ...]] = []
        for row in _decoded(self.reader, entry, table, self.strict_text):
            self.counter.tick()
            if referenced and key is not None:
                existing = self._existing(table, row)
                if existing is not None:
                    old = row[names.index(key.name)]
                    self.matched.setdefault(table.name, {})[old] = existing
                    label = row[names.index("name")] if "name" in names else str(old)
                    self.reused.setdefault(table.name, []).append(str(label))
                    continue
            if table.name == "projects":
                row = self._fresh_project_identity(table, row)
            values = self._remap(table, row)
            for index in self_refs:
                values[index] = None  # set after every row is in: a parent may come later
            batch.append(
                tuple(
                    p(v) if p is not None and v is not None else v
                    for p, v in zip(processors, values, strict=True)
                )
            )
            if len(batch) >= _BATCH:
                bulk_insert(self.connection, table, names, batch)
                batch = []
        bulk_insert(self.connection, table, names, batch)
        if self_refs:
            self._link_to_self(table, entry, self_refs)

    def _fresh_project_identity(self, table: Table, row: list[Any]) -> list[Any]:
        """A restored project keeps its guid unless the store already uses it (a copy of a
        project restored beside the original under another name)."""
        names = [c.name for c in table.columns]
        guid = row[names.index("guid")]
        if self.connection.scalar(select(Project.id).where(Project.guid == guid)) is not None:
            row = list(row)
            row[names.index("guid")] = new_guid()
        return row

    def _link_to_self(self, table: Table, entry: TableEntry, self_refs: list[int]) -> None:
        key = _single_key(table)
        if key is None:
            raise StoreError(f"{table.name} refers to itself without an id column")
        columns = list(table.columns)
        for index in self_refs:
            column = columns[index]
            statement = (
                update(table)
                .where(key == bindparam("row_id"))
                .values({column.name: bindparam("new_value")})
            )
            pending: list[dict[str, Any]] = []
            for row in _decoded(self.reader, entry, table, self.strict_text):
                if row[index] is None:
                    continue
                remapped = self._remap(table, row)
                pending.append(
                    {"row_id": remapped[columns.index(key)], "new_value": remapped[index]}
                )
                if len(pending) >= _BATCH:
                    self.connection.execute(statement, pending)
                    pending = []
            if pending:
                self.connection.execute(statement, pending)

    def reset_sequences(self) -> None:
        """On PostgreSQL, move each id sequence past the highest id used, so new rows get
        fresh ids (never backwards: ids of deleted rows stay unused)."""
        for table in Base.metadata.sorted_tables:
            key = _single_key(table)
            sequence = self._sequence(table, key) if key is not None else None
            if key is None or sequence is None:
                continue
            self.connection.execute(
                text("SELECT setval(:s, :v, false)"),
                {"s": sequence, "v": self._last_id(table, key) + 1},
            )

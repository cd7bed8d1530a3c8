"""Opening a store: choosing the database, configuring it, and bringing its schema up to date.

SQLite is the embedded default (one file, WAL journal, foreign keys enforced); PostgreSQL is
chosen by URL for teams. Both get the same schema through the same Alembic migrations, which run
on open, so a store is always at the version this collabmap expects.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from collabmap.errors import InvalidInput, StorageFull, StoreError

__all__ = ["DEFAULT_DB", "ENV_DB", "Store", "open_store", "resolve_url"]

ENV_DB = "COLLABMAP_DB"
DEFAULT_DB = "collabmap.db"
"""The default store: a SQLite file of this name in the working directory."""

MIGRATIONS_FOLDER = Path(__file__).parent / "migrations"


def resolve_url(db: str | None) -> str:
    """The database URL from ``--db``, else ``$COLLABMAP_DB``, else ``./collabmap.db``.

    A plain path (no ``://``) means a SQLite file.
    """
    value = db or os.environ.get(ENV_DB) or DEFAULT_DB
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser()}"
    return value


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA busy_timeout = 10000")
    # deleted content is overwritten, so an erased project's interviews do not linger in the file
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.close()


@dataclass
class Store:
    """An open database: its engine and a factory for sessions (one per operation)."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One operation, all or nothing: committed at the end, rolled back on any error.

        On SQLite the transaction takes the write lock as it begins (``BEGIN IMMEDIATE``),
        so what it reads stays true until it commits. The driver would otherwise begin only
        at the first write, leaving the reads before it outside the transaction: two saves
        of a matrix cell read the same version, both passed the check and both were
        acknowledged, the second silently replacing the first (found by the soak benchmark).
        PostgreSQL gets the same guarantee from the row locks the operations take
        (``with_for_update``)."""
        session = self.sessions()
        try:
            with session.begin():
                if self.dialect == "sqlite":
                    session.connection().exec_driver_sql("BEGIN IMMEDIATE")
                yield session
        except SQLAlchemyError as exc:
            raise translate(exc, self.url) from exc
        finally:
            _close(session, self.url)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads (no commit)."""
        session = self.sessions()
        try:
            yield session
        except SQLAlchemyError as exc:
            raise translate(exc, self.url) from exc
        finally:
            _close(session, self.url)

    def close(self) -> None:
        self.engine.dispose()


def _close(session: Session, url: str) -> None:
    """Close a session; closing rolls back, which fails when the database went away during the
    operation (a PostgreSQL restart): that is the same store error, not a crash."""
    try:
        session.close()
    except SQLAlchemyError as exc:
        raise translate(exc, url) from exc


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "the database URL"


_FULL = (
    "database or disk is full",  # SQLite: SQLITE_FULL, the disk or max_page_count reached
    "no space left on device",  # PostgreSQL, and the operating system's ENOSPC
    "could not extend file",  # PostgreSQL, whatever the reason the file cannot grow
    "disk quota exceeded",
)


def _is_full(exc: BaseException) -> bool:
    """Whether the database failed because it could not grow: said by SQLite and PostgreSQL in
    their own words, or by the operating system (ENOSPC, EDQUOT) when a file is written."""
    original = getattr(exc, "orig", None) or exc
    if isinstance(original, OSError) and original.errno in {errno.ENOSPC, errno.EDQUOT}:
        return True
    if getattr(original, "sqlstate", None) == "53100":  # PostgreSQL's disk_full
        return True
    message = str(original).lower()
    return any(words in message for words in _FULL)


_UNREACHABLE = (
    "connection failed",  # psycopg 3: refused, unknown host, timed out …
    "could not connect",
    "server closed the connection",
    "terminating connection",  # the server is shutting down or restarting
    "the database system is",  # … starting up, shutting down, in recovery mode
)


def _is_unreachable(detail: str) -> bool:
    lowered = detail.lower()
    return any(words in lowered for words in _UNREACHABLE)


def translate(exc: SQLAlchemyError, url: str) -> StoreError:
    """A database error as one sentence naming the store (never its password)."""
    where = _safe_url(url)
    original = getattr(exc, "orig", None) or exc
    detail = str(original).strip().splitlines()[0] if str(original).strip() else type(exc).__name__
    if isinstance(exc, OperationalError) and "database is locked" in detail:
        return StoreError(f"{where} is busy (locked by another process); try again")
    if _is_full(exc):
        return StorageFull(
            f"{where}: the disk is full (or the database reached its size limit); this change "
            "was not saved, and what was saved before is intact; free some space and try again"
        )
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return StoreError(f"lost the connection to {where}; try again")
    if isinstance(exc, OperationalError) and _is_unreachable(detail):
        return StoreError(f"cannot reach the database {where} ({detail}); try again in a moment")
    return StoreError(f"{where}: {detail}")


def open_store(db: str | None = None, *, migrate: bool = True, create: bool = True) -> Store:
    """Open the store at ``db`` and migrate it to the current schema.

    A SQLite file is created when missing unless ``create`` is false — commands that only
    read say there is no store rather than leave an empty file behind.
    """
    url = resolve_url(db)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInput(f"{url!r} is not a database URL or file path") from None
    backend = parsed.get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise InvalidInput(
            f"{_safe_url(url)}: collabmap stores data in SQLite (a file path) or PostgreSQL "
            "(postgresql+psycopg://…)"
        )
    kwargs: dict[str, Any] = {}
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            if not create and not Path(database).expanduser().exists():
                raise InvalidInput(
                    f"there is no collabmap store at {database} yet; create a project first "
                    "(collabmap project create NAME), or give --db"
                )
            folder = Path(database).expanduser().resolve().parent
            if not folder.is_dir():
                raise InvalidInput(f"cannot create the store {database}: no folder {folder}")
            # the web server answers up to 40 requests at once, each holding a connection; a
            # connection beyond the pool is closed after use and the next one opened afresh
            # (with its pragmas), so keep enough open to serve them all
            kwargs.update(pool_size=20, max_overflow=30)
    else:
        if parsed.drivername == "postgresql":
            url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        # pre-ping: a connection the server dropped (a restart, a failover) is replaced before
        # use, so service resumes by itself; the connect timeout bounds how long a request
        # waits for a server that does not answer (unless the URL sets its own)
        connect_args = {} if "connect_timeout" in parsed.query else {"connect_timeout": 10}
        kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args=connect_args)
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise InvalidInput(f"cannot use {_safe_url(url)}: {exc}") from None
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    store = Store(url, engine, sessionmaker(engine, expire_on_commit=False))
    if migrate:
        try:
            upgrade(store)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise translate(exc, url) from exc
    return store


def upgrade(store: Store, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default), all in one transaction.

    A store already there is only read (no lock taken), so opening a store costs one query.
    Otherwise every migration runs in a single transaction that is committed at the end: a
    process killed part-way leaves the store at its old revision with its data, and the next
    open migrates it again.
    """
    migrate(store, revision, lambda config: command.upgrade(config, revision))


def migrate(store: Store, revision: str, run: Any) -> None:
    """Run ``run(config)`` (an Alembic command) in one transaction, unless the store is already
    at ``revision``.

    On PostgreSQL, DDL is transactional and an advisory lock makes one process migrate at a
    time. On SQLite two things are needed that the driver does not do by itself:

    - Python's sqlite3 opens a transaction only before INSERT, UPDATE or DELETE, so a migration
      starting with CREATE TABLE (every batch alteration does) would commit each statement as
      it runs; an explicit ``BEGIN IMMEDIATE`` puts them all in one transaction, and takes the
      write lock first so two processes do not both migrate.
    - Altering a table on SQLite means copying it and dropping the old one, and with foreign
      keys enforced that drop deletes, by cascade, every row that refers to it (memos on
      codings, a matrix cell's quotations …). Foreign keys are switched off for the migration,
      as SQLite's documentation prescribes, and checked before the commit instead.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_FOLDER))
    wanted = set(ScriptDirectory.from_config(config).get_revisions(revision))
    wanted_ids = {script.revision for script in wanted if script is not None}
    with store.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
        connection.rollback()
    if current and current == wanted_ids:
        return
    if store.dialect == "sqlite":
        _migrate_sqlite(store, config, run)
        return
    with store.engine.begin() as connection:
        # one migrator at a time when several processes open a new store together
        connection.execute(text("SELECT pg_advisory_xact_lock(7216402)"))
        config.attributes["connection"] = connection
        run(config)


def _migrate_sqlite(store: Store, config: Config, run: Any) -> None:
    with store.engine.connect() as connection:
        driver = connection.connection.dbapi_connection
        assert driver is not None
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction
        try:
            cursor = driver.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                config.attributes["connection"] = connection
                run(config)
                _no_broken_references(connection)
            except BaseException:
                driver.rollback()
                raise
            driver.commit()
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")


def _no_broken_references(connection: Connection) -> None:
    """Refuse to commit a migration that left a row pointing at nothing."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise StoreError(
            f"the schema upgrade would leave {len(broken)} broken reference(s) (first: "
            f"{table} row {rowid} points at a missing {parent}); nothing was changed"
        )

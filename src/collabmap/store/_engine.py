"""Opening a store: choosing the database, configuring it, and bringing its schema up to date.

SQLite is the embedded default (one file, WAL journal, foreign keys enforced); PostgreSQL is
chosen by URL for teams. Both get the same schema through the same Alembic migrations, which run
on open, so a store is always at the version this collabmap expects.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from collabmap.errors import InvalidInput, StoreError

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
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads (no commit)."""
        session = self.sessions()
        try:
            yield session
        except SQLAlchemyError as exc:
            raise translate(exc, self.url) from exc
        finally:
            session.close()

    def close(self) -> None:
        self.engine.dispose()


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "the database URL"


def translate(exc: SQLAlchemyError, url: str) -> StoreError:
    """A database error as one sentence naming the store (never its password)."""
    where = _safe_url(url)
    original = getattr(exc, "orig", None) or exc
    detail = str(original).strip().splitlines()[0] if str(original).strip() else type(exc).__name__
    if isinstance(exc, OperationalError) and "database is locked" in detail:
        return StoreError(f"{where} is busy (locked by another process); try again")
    if isinstance(exc, OperationalError) and "disk" in detail.lower() and "full" in detail.lower():
        return StoreError(f"{where}: the disk is full; nothing was written")
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return StoreError(f"lost the connection to {where}; try again")
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
        kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=10)
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
    """Bring the schema to ``revision`` (the newest by default), in one transaction."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_FOLDER))
    sqlite = store.dialect == "sqlite"
    with store.engine.connect() as connection:
        if sqlite:
            # a migration that copies a table (what SQLite needs to change a table's
            # definition) drops the old copy, and with foreign keys on, the drop deletes the
            # rows that refer to it; SQLite's documented way is to turn them off outside the
            # transaction and check them before committing
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()
        try:
            with connection.begin():
                if store.dialect == "postgresql":
                    # one migrator at a time when several processes open a new store together
                    connection.execute(text("SELECT pg_advisory_xact_lock(7216402)"))
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StoreError(
                            f"{_safe_url(store.url)}: migrating left {len(broken)} rows referring"
                            f" to rows that are not there (first: {tuple(broken[0])}); nothing"
                            " was changed"
                        )
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys = ON")
                connection.commit()

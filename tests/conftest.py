"""Fixtures shared by every test: stores on SQLite and on a real throwaway PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from collabmap.store import Store, open_store
from collabmap.store.models import Base
from tests.cli.conftest import run  # noqa: F401 - the command-line fixture, for every folder
from tests.pg import throwaway_cluster


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One PostgreSQL cluster for the whole test session, on loopback."""
    with throwaway_cluster() as url:
        yield url


def _empty_postgres(store: Store) -> None:
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with store.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty, migrated store; every storage test runs once on each database."""
    if request.param == "sqlite":
        opened = open_store(str(tmp_path / "collabmap.db"))
    else:
        opened = open_store(request.getfixturevalue("postgres_url"))
        _empty_postgres(opened)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def db_url(request: pytest.FixtureRequest, store: Store) -> str:
    """The URL of the ``store`` fixture's database, for command-line tests."""
    return store.url

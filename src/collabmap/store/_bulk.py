"""Bulk inserts at driver speed, for derived rows such as segments (hundreds per source).

SQLAlchemy's executemany prepares every row as a dictionary; for 775,000 segments that costs
more than the database's own work. Here the rows are plain tuples handed to the driver's
``executemany`` with the driver's placeholder style. Table and column names are our own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table

__all__ = ["bulk_insert"]


def bulk_insert(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` in one executemany."""
    if not rows:
        return
    for column in columns:
        if column not in table.c:
            raise ValueError(f"{table.name} has no column {column!r}")
    placeholder = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    quote = connection.dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(placeholder for _ in columns)})"
    )
    connection.exec_driver_sql(sql, list(rows))

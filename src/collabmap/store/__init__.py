"""Storage: SQLite by default, PostgreSQL by URL, one schema, migrations applied on open.

``open_store(db)`` gives a :class:`Store`; the functions in the submodules (``projects``,
``sources``, ``coding``, ``exchange``) each do one operation in one transaction.
"""

from collabmap.store._engine import DEFAULT_DB, ENV_DB, Store, open_store, resolve_url

__all__ = ["DEFAULT_DB", "ENV_DB", "Store", "open_store", "resolve_url"]

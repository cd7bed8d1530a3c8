"""The application as a uvicorn factory, for ``collabmap serve --workers N``.

A Python process runs one request's Python code at a time, so on a machine with several
processors the server runs several worker processes. Each opens the store itself (named by
``COLLABMAP_DB``, which ``serve`` sets to the store it opened and migrated) and keeps its own
caches; every cache is checked against the database on each request, so workers never show
each other stale data.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from collabmap.store import open_store
from collabmap.store._engine import ENV_DB
from collabmap.web._app import create_app
from collabmap.web._settings import WebSettings

__all__ = ["ENV_SECURE_COOKIES", "app"]

ENV_SECURE_COOKIES = "COLLABMAP_SECURE_COOKIES"


def app() -> FastAPI:
    """One worker's application over the store in ``COLLABMAP_DB`` (already migrated)."""
    store = open_store(os.environ[ENV_DB], migrate=False, create=False)
    settings = WebSettings(secure_cookies=os.environ.get(ENV_SECURE_COOKIES) == "1")
    return create_app(store, settings)

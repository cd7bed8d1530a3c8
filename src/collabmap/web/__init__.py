"""The web application: :func:`create_app` builds it over an open store.

Pages (``collabmap.web.pages``) and the JSON API (``collabmap.web.api``) are thin: they read
what :mod:`collabmap.web._data` and the store give, check the visitor's role
(:mod:`collabmap.store.access`) and translate errors (:mod:`collabmap.web._errors`).
"""

from __future__ import annotations

from collabmap.web._app import create_app
from collabmap.web._settings import WebSettings

__all__ = ["WebSettings", "create_app"]

"""How one web application instance is configured."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["SESSION_COOKIE", "STATIC", "TEMPLATES", "WebSettings"]

SESSION_COOKIE = "collabmap_session"
PRE_SESSION_COOKIE = "collabmap_signin"
"""Carries the CSRF token of the sign-in form, before there is a session to hold it."""

_HERE = Path(__file__).parent
STATIC = _HERE / "static"
TEMPLATES = _HERE / "templates"


@dataclass(frozen=True)
class WebSettings:
    """``demo_user``: sign every loopback visitor in as this user (``collabmap demo`` only).
    ``secure_cookies``: mark cookies Secure (on whenever collabmap is served over HTTPS; off
    for plain HTTP on loopback, where browsers would otherwise drop them).
    ``max_upload_bytes``: a request body larger than this is refused before it is read."""

    demo_user: str | None = None
    secure_cookies: bool = False
    max_upload_bytes: int = 50_000_000
    max_form_bytes: int = 1_000_000

"""How one web application instance is configured."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["SECURE_SESSION_COOKIE", "SESSION_COOKIE", "STATIC", "TEMPLATES", "WebSettings"]

SESSION_COOKIE = "collabmap_session"
SECURE_SESSION_COOKIE = "__Host-collabmap_session"
"""The name over HTTPS: browsers accept a ``__Host-`` cookie only when it is Secure, has path
``/`` and no domain, so no other site or subdomain can set or override it (OWASP ASVS 3.4.4)."""
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

    @property
    def session_cookie(self) -> str:
        """The session cookie's name: ``__Host-`` prefixed whenever cookies are Secure."""
        return SECURE_SESSION_COOKIE if self.secure_cookies else SESSION_COOKIE

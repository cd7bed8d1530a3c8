"""The ASGI application: settings, middleware, static assets, templates and routes.

:func:`create_app` is the one way to build it; ``collabmap serve`` and ``collabmap demo`` run
it with uvicorn, tests drive it in a browser or through HTTP.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from collabmap.store import Store
from collabmap.store.accounts import find_session, open_session_for
from collabmap.web import _filters
from collabmap.web._errors import install_error_handlers, not_found
from collabmap.web._settings import SESSION_COOKIE, STATIC, TEMPLATES, WebSettings

__all__ = ["create_app", "set_session_cookie"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class _BodyLimit:
    """Refuse a request body over the limit before it is read into memory: at once when its
    Content-Length says so, else as soon as the bytes received pass the limit.

    A body sent in chunks (no Content-Length) is refused here too, by answering 413 and then
    telling the application the client has gone. Raising from ``receive`` would not do: the
    ``http`` middleware below reads the body in a task group, which wraps the exception, and
    FastAPI reports any exception met while reading a body as a 400 "error parsing the body".
    """

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        limit = (
            self.settings.max_upload_bytes
            if content_type.startswith("multipart/form-data")
            else self.settings.max_form_bytes
        )
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = True
            if too_big:
                await _refuse_too_large(scope, send, limit)
                return
        received = 0
        started = refused = False

        async def counted() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:
                        await _refuse_too_large(scope, send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 has been sent; whatever the application says now is moot
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted, guarded)


def _too_large(limit: int) -> str:
    return f"the request is larger than {limit / 1_000_000:,.1f} MB, the limit; nothing was read"


async def _refuse_too_large(scope: Scope, send: Send, limit: int) -> None:
    from collabmap.web._errors import problem

    response = problem(413, _too_large(limit))
    response.headers["Connection"] = "close"
    await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def _is_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in {"localhost", "testclient"}


def set_session_cookie(response: Response, settings: WebSettings, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    report_jobs = getattr(app.state, "report_jobs", None)  # see web/_reports.py
    if report_jobs is not None:
        report_jobs.close()


def create_app(store: Store, settings: WebSettings | None = None) -> FastAPI:
    """The web application over an open store."""
    from collabmap.web.api import router as api_router
    from collabmap.web.pages import router as pages_router

    settings = settings or WebSettings()
    app = FastAPI(
        title="collabmap",
        summary="Describe, compare and analyse collaborative practice in public services.",
        version=_version(),
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=_lifespan,
    )
    app.state.store = store
    app.state.settings = settings
    templates = Jinja2Templates(directory=TEMPLATES, context_processors=[_filters.page_context])
    _filters.install(templates.env)
    app.state.templates = templates
    install_error_handlers(app)

    @app.middleware("http")
    async def _headers_and_demo(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if _CONTROL.search(request.url.path):
            # no name holds a control character, and PostgreSQL text cannot hold NUL
            return not_found(request)
        token = None
        if settings.demo_user and _is_loopback(request):
            cookie = request.cookies.get(SESSION_COOKIE)
            if not cookie or find_session(store, cookie) is None:
                token, _ = open_session_for(store, settings.demo_user)
                request.state.session_token = token
        response = await call_next(request)
        if token is not None:
            set_session_cookie(response, settings, token)
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.add_middleware(_BodyLimit, settings=settings)
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    app.include_router(api_router)
    app.include_router(pages_router)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("collabmap")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"

"""Helpers for the report tests: an application over a real store, clients signed in as
users with each role, and waiting for a job to finish. (Kept out of a conftest so other web
tests can share the folder without clashing.)"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from collabmap.store import Store
from collabmap.store.accounts import add_member, create_user, open_session_for
from collabmap.store.projects import create_project
from collabmap.web import WebSettings, create_app
from collabmap.web._settings import SESSION_COOKIE

PROJECT = "Reference cases"
NAMES = ["Co-operative Oldham", "Golden Key", "Plymouth Alliance", "Wigan Deal", "Wirral"]
ROLES = {"ann": "owner", "vic": "viewer", "rex": "respondent", "bob": "analyst"}


@dataclass
class Browser:
    """A client signed in as one user, with that session's CSRF token."""

    client: TestClient
    csrf: str

    def api(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return self.client.request(method, url, headers=headers, **kwargs)


@pytest.fixture
def app(store: Store) -> Iterator[FastAPI]:
    """The application over the reference cases; ann owns them, vic views, rex responds and
    bob is an analyst."""
    for name in ROLES:
        create_user(store, name, "a-long-password", actor="test")
    create_project(store, PROJECT, with_examples=True, owner="ann", actor="test")
    for name, role in ROLES.items():
        if role != "owner":
            add_member(store, PROJECT, name, role, actor="test")
    application = create_app(store, WebSettings())
    yield application
    runner = getattr(application.state, "report_jobs", None)
    if runner is not None:
        runner.close()


@pytest.fixture
def signed_in(app: FastAPI, store: Store) -> Callable[[str], Browser]:
    def sign_in(name: str) -> Browser:
        token, session = open_session_for(store, name)
        client = TestClient(app, follow_redirects=False)
        client.cookies.set(SESSION_COOKIE, token)
        return Browser(client, session.csrf_token)

    return sign_in


def wait_for(browser: Browser, job_id: str, timeout: float = 120) -> dict[str, Any]:
    """The job's state once it is finished."""
    deadline = time.monotonic() + timeout
    while True:
        state: dict[str, Any] = browser.client.get(f"/api/jobs/{job_id}").json()
        if state["state"] in ("done", "failed", "cancelled") or time.monotonic() > deadline:
            return state
        time.sleep(0.2)

"""An API client over a real store (SQLite and PostgreSQL, via the ``store`` fixture) and the
people of a small project: an owner, an analyst, a respondent, a viewer and an outsider."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import pytest

from collabmap.store import Store
from collabmap.store.accounts import add_member, open_session_for
from collabmap.store.models import User
from collabmap.store.projects import create_project
from collabmap.web import WebSettings, create_app

with warnings.catch_warnings():
    # Starlette would rather httpx2 drove its test client, and warns when only httpx is there
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient


class Answer(Protocol):
    """What the tests read of a response (httpx's or httpx2's, whichever drives the client)."""

    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def text(self) -> str: ...
    @property
    def content(self) -> bytes: ...
    @property
    def request(self) -> Any: ...
    def json(self) -> Any: ...


PROJECT = "Reference cases"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def password_hash() -> str:
    """PASSWORD's argon2 hash, computed once: hashing costs a fifth of a second here, and
    only the sign-in tests need to see it done."""
    from argon2 import PasswordHasher

    return PasswordHasher().hash(PASSWORD)


ROLES = ("owner", "analyst", "respondent", "viewer")


@dataclass
class Person:
    """A signed-in API client: its own cookie jar, and the CSRF token to send with changes."""

    name: str
    client: TestClient
    csrf: str

    def get(self, url: str, **kwargs: Any) -> Answer:
        return self.client.get(url, **kwargs)

    def send(self, method: str, url: str, **kwargs: Any) -> Answer:
        """A change, carrying the session's CSRF token as a well-behaved client does."""
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return self.client.request(method, url, headers=headers, **kwargs)


@dataclass
class World:
    store: Store
    app: Any
    people: dict[str, Person]

    def client(self) -> TestClient:
        return TestClient(self.app, raise_server_exceptions=False)

    def person(self, name: str) -> Person:
        return self.people[name]

    def session_for(self, name: str) -> Person:
        """A client signed in as ``name`` without a password check (the sign-in itself is
        tested in test_session.py)."""
        client = self.client()
        token, signed_in = open_session_for(self.store, name)
        client.cookies.set("collabmap_session", token)
        return Person(name, client, signed_in.csrf_token)

    def sign_in(self, name: str, password: str = PASSWORD) -> Person:
        client = self.client()
        answer = client.post("/api/session", json={"name": name, "password": password})
        assert answer.status_code == 201, answer.text
        return Person(name, client, answer.json()["csrf_token"])


def project_url(name: str = PROJECT) -> str:
    from urllib.parse import quote

    return f"/api/projects/{quote(name, safe='')}"


@pytest.fixture
def world(store: Store, password_hash: str) -> Iterator[World]:
    """The reference cases as a project owned by olive, with ali (analyst), rhea (respondent)
    and vera (viewer) as members and oscar belonging to no project; each signed in."""
    names = {"owner": "olive", "analyst": "ali", "respondent": "rhea", "viewer": "vera"}
    with store.transaction() as session:
        for name in [*names.values(), "oscar"]:
            session.add(User(name=name, display_name=name.title(), password_hash=password_hash))
    create_project(store, PROJECT, with_examples=True, owner="olive", actor="test")
    for role, name in names.items():
        if role != "owner":
            add_member(store, PROJECT, name, role, actor="test")
    app = create_app(store, WebSettings())
    found = World(store, app, {})
    for name in [*names.values(), "oscar"]:
        found.people[name] = found.session_for(name)
    yield found
    for person in found.people.values():
        person.client.close()


def is_problem(answer: Answer, status: int) -> dict[str, Any]:
    """The body of an RFC 9457 problem document with this status (asserting it is one)."""
    assert answer.status_code == status, (answer.status_code, answer.text)
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.headers
    body: dict[str, Any] = answer.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert isinstance(body["title"], str) and isinstance(body["detail"], str)
    assert "Traceback" not in answer.text
    return body

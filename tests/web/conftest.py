"""Browser tests: the real server in a child process, driven by Debian's Chromium.

Each site is a store prepared through the library (accounts, a project with the reference
cases, members with every role) and then served by ``collabmap serve`` as a user would run it.
The tests need ``/usr/bin/chromium`` (``scripts/test.sh`` installs it) and the built web assets
(``scripts/build-assets.sh``); without Chromium they are skipped, saying why.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, sync_playwright
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from collabmap.store import Store, open_store
from collabmap.store.accounts import add_member, create_user
from collabmap.store.projects import create_project
from collabmap.web._settings import STATIC
from tests.web.server import running

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROJECT = "Riverside partnerships"
DEMO_PROJECT = "Reference cases"
REFERENCE_CASES = ["Co-operative Oldham", "Golden Key", "Plymouth Alliance", "Wigan Deal", "Wirral"]


@dataclass(frozen=True)
class Person:
    name: str
    password: str
    display_name: str
    role: str


OWNER = Person("olivia", "owner-password-2026", "Olivia Owen", "owner")
ANALYST = Person("arun", "analyst-password-2026", "Arun Analyst", "analyst")
VIEWER = Person("vera", "viewer-password-2026", "Vera Viewer", "viewer")
RESPONDENT = Person("rhys", "respondent-password-2026", "Rhys Respondent", "respondent")
PEOPLE = (OWNER, ANALYST, VIEWER, RESPONDENT)


@dataclass(frozen=True)
class Site:
    """A running collabmap: its address, its database and the project in it."""

    url: str
    db: str
    project: str = PROJECT

    def at(self, path: str) -> str:
        return self.url + path

    @property
    def project_url(self) -> str:
        return self.at(f"/projects/{quote(self.project, safe='')}")

    def partnership_url(self, name: str) -> str:
        return f"{self.project_url}/partnerships/{quote(name, safe='')}"

    def open_store(self) -> Store:
        return open_store(self.db)


def prepare(db: str) -> None:
    """A store with an account for each role and a project holding the reference cases."""
    store = open_store(db, create=True)
    try:
        for person in PEOPLE:
            create_user(
                store,
                person.name,
                person.password,
                display_name=person.display_name,
                actor="test set-up",
            )
        create_project(
            store,
            PROJECT,
            with_examples=True,
            description="Partnerships a borough is looking at.",
            owner=OWNER.name,
            actor="test set-up",
        )
        for person in PEOPLE[1:]:
            add_member(store, PROJECT, person.name, person.role, actor="test set-up")
    finally:
        store.close()


_databases = itertools.count(1)


def _new_database(kind: str, tmp: Path, request: pytest.FixtureRequest) -> str:
    """A new, empty database of that kind: a SQLite file, or a database of its own on the
    session's throwaway PostgreSQL cluster (so servers never share tables)."""
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'collabmap.db'}"
    cluster = make_url(request.getfixturevalue("postgres_url"))
    name = f"web_{next(_databases)}"
    engine = create_engine(cluster, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return cluster.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def assets() -> None:
    """The built styles and scripts the server needs, and axe-core for the checks."""
    if not (STATIC / "vendor" / "app.css").is_file() or not AXE.is_file():
        pytest.fail("the web assets are not built: run scripts/build-assets.sh first")


def _serve(
    kind: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Site]:
    request.getfixturevalue("assets")
    tmp = tmp_path_factory.mktemp(f"site-{kind}")
    db = _new_database(kind, tmp, request)
    prepare(db)
    with running("--db", db, "serve", log=tmp / "server.log") as url:
        yield Site(url, db)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """``collabmap serve`` over SQLite and, in a second round, over PostgreSQL."""
    yield from _serve(request.param, tmp_path_factory, request)


@pytest.fixture(scope="session")
def sqlite_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """``collabmap serve`` over a SQLite file, shared by the tests that only read (and sign
    in: fewer than five failed sign-ins in all, the throttling threshold)."""
    yield from _serve("sqlite", tmp_path_factory, request)


@pytest.fixture
def fresh_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """A site of the test's own, for tests that leave traces (failed sign-ins, say)."""
    yield from _serve("sqlite", tmp_path_factory, request)


@pytest.fixture(scope="session")
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``collabmap demo``: its base URL."""
    request.getfixturevalue("assets")
    log = tmp_path_factory.mktemp("demo") / "server.log"
    with running("demo", log=log) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) at desktop width."""
    opened = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    opened.set_default_timeout(10_000)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def kind_shown(page: Page) -> Locator:
    """What a partnership's page says it is: the line right under "Kind of partnership"."""
    return page.locator("h2:text-is('Kind of partnership') + *").first


def sign_in(page: Page, site: Site, person: Person) -> None:
    """Sign in through the sign-in page, as a person would."""
    page.goto(site.at("/sign-in"))
    page.get_by_label("User name").fill(person.name)
    page.get_by_label("Password").fill(person.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


StorageState = dict[str, Any]


@pytest.fixture(scope="session")
def signed_in_states(browser: Browser, sqlite_site: Site) -> dict[str, StorageState]:
    """Each person's cookies after signing in to the module's SQLite site, by user name, so
    tests that are not about signing in start signed in without paying for it again."""
    states: dict[str, StorageState] = {}
    for person in PEOPLE:
        opened = browser.new_context()
        try:
            signing_in = opened.new_page()
            sign_in(signing_in, sqlite_site, person)
            assert signing_in.url.startswith(sqlite_site.url) and "/sign-in" not in signing_in.url
            states[person.name] = dict(opened.storage_state())
        finally:
            opened.close()
    return states


def screenshot(page: Page, name: str) -> None:
    """Keep a full-page screenshot when ``COLLABMAP_SCREENSHOTS`` names a folder (for people to
    look at; the tests never compare pixels)."""
    folder = os.environ.get("COLLABMAP_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    page.screenshot(path=str(Path(folder) / f"{slug}.png"), full_page=True)

"""An officer completes a guided assessment in the browser and sees the classification with
its reasons; every page on the way is checked like every other page (axe, console, reflow)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from collabmap.store.projects import create_project
from tests.web.axe import assert_accessible
from tests.web.conftest import ANALYST, Site, StorageState, kind_shown, screenshot

WIDTHS = {"desktop": 1280, "mobile": 375}
_ONWARD = re.compile(r"^(Save and continue|Continue)$")


class Officer:
    """A browser tab that checks each page it reaches before the officer answers it."""

    def __init__(self, page: Page, width: str) -> None:
        self.page = page
        self.width = width
        self.problems: list[str] = []
        self.seen: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(str(error)))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(message.text)

    def check_page(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        self.seen.append(name)
        screenshot(page, f"assessment {name} {self.width}")
        assert_accessible(page, f"the assessment's {name} page ({self.width})")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the {name} page is {overflow}px wider than the screen"
        assert self.problems == [], f"errors in the browser console on the {name} page"

    def choose(self, name: str, value: str) -> None:
        """Tick the radio or checkbox with that value, or pick it from a select."""
        select = self.page.locator(f'select[name="{name}"]')
        if select.count():
            select.select_option(value)
        else:
            self.page.locator(f'input[name="{name}"][value="{value}"]').check()

    def fill(self, name: str, value: str) -> None:
        self.page.locator(f'[name="{name}"]').fill(value)

    def next(self) -> None:
        """Go on: "Save and continue" on a question, "Continue" on a list of items."""
        self.page.get_by_role("button", name=_ONWARD).click()


@pytest.fixture(params=list(WIDTHS))
def officer(
    request: pytest.FixtureRequest, browser: Browser, signed_in_states: dict[str, StorageState]
) -> Iterator[Officer]:
    context = browser.new_context(
        viewport={"width": WIDTHS[request.param], "height": 900},
        storage_state=signed_in_states[ANALYST.name],  # type: ignore[arg-type]
    )
    context.set_default_timeout(10_000)
    try:
        yield Officer(context.new_page(), request.param)
    finally:
        context.close()


def test_officer_completes_an_assessment_and_sees_the_classification_with_reasons(
    officer: Officer, sqlite_site: Site
) -> None:
    page = officer.page
    name = "Riverside Libraries"
    project = f"Libraries review ({officer.width})"  # its own project: others see no change
    store = sqlite_site.open_store()
    try:
        create_project(store, project, owner=ANALYST.name, actor="test set-up")
    finally:
        store.close()
    page.goto(sqlite_site.at(f"/projects/{quote(project, safe='')}"))
    page.get_by_role("button", name="Start a guided assessment").click()

    page.wait_for_url("**/about")
    officer.check_page("about")
    officer.next()  # nothing entered: the error summary, on the page itself
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert page.title().startswith("Error: ")
    officer.check_page("about with an error")
    officer.fill("name", name)
    officer.fill("place", "Riverside")
    officer.next()

    officer.check_page("lead")
    officer.fill("lead.organisation", "Riverside Council")
    officer.choose("lead.sector", "local_authority")
    officer.next()
    officer.check_page("lead-role")
    officer.choose("lead_role", "reformer")
    officer.next()
    officer.check_page("scope")
    officer.choose("scope", "whole_place")
    officer.next()
    officer.check_page("practices")
    officer.choose("practices", "internal_reform")
    officer.next()
    officer.check_page("partners")
    officer.next()
    officer.check_page("rationales")
    officer.choose("rationales", "better_impact_value")
    officer.next()

    officer.check_page("activities")
    page.get_by_role("button", name="Add an activity").click()
    page.wait_for_url("**/activities/0/what")
    officer.check_page("activity: what")
    officer.fill("activities[0].name", "Library transfer")
    officer.fill("activities[0].called", "co-production")
    officer.next()
    officer.check_page("activity: who")
    officer.choose("activities[0].initiated_by", "public_body")
    officer.choose("activities[0].participants", "community_group")
    officer.choose("activities[0].level", "collective")
    officer.next()
    officer.check_page("activity: phases")
    officer.choose("activities[0].phases.delivery.citizens", "lead")
    officer.next()
    officer.check_page("activity: transfers")
    officer.choose("activities[0].transfers", "responsibility")
    officer.choose("activities[0].transfers", "assets")
    officer.choose("activities[0].professionals_involved", "no")
    officer.next()
    officer.check_page("activities, one added")
    officer.next()
    for _ in range(10):  # the topics after the activities can be left as they are
        page.wait_for_load_state("load")
        if page.url.endswith("/check"):
            break
        officer.check_page(page.url.rsplit("/", 1)[1])
        officer.next()

    page.wait_for_url("**/check")
    officer.check_page("check your answers")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    expect(kind_shown(page)).to_contain_text("Collaborative council")
    why = page.locator("h3:text-is('Why') + ul > li")
    assert why.count() >= 2, "the classification comes with its reasons"
    expect(page.locator("main")).to_contain_text("Mismatch")

    page.get_by_role("button", name="Save partnership").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    officer.check_page("saved partnership")
    expect(kind_shown(page)).to_contain_text("Collaborative council")
    expect(page.locator("main")).to_contain_text("Community self-organization")

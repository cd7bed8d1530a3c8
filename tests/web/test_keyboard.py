"""Keyboard only: the skip link comes first, Tab reaches every link and control in order
with a visible focus indicator, and a whole journey needs no mouse."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.web.conftest import OWNER, PROJECT, Site, StorageState, kind_shown, sign_in
from tests.web.keyboard import has_focus_ring, tab_to, walk_with_tab

PAGES = {
    "sign-in": (None, "/sign-in"),
    "project list": (OWNER, "/"),
    "partnership list": (OWNER, "/projects/Riverside%20partnerships"),
    "partnership page": (OWNER, "/projects/Riverside%20partnerships/partnerships/Wigan%20Deal"),
}


@pytest.fixture
def owner(browser: Browser, signed_in_states: dict[str, StorageState]) -> BrowserContext:
    return browser.new_context(storage_state=signed_in_states[OWNER.name])  # type: ignore[arg-type]


def test_first_tab_reaches_the_skip_link_which_jumps_to_the_content(
    owner: BrowserContext, sqlite_site: Site
) -> None:
    page = owner.new_page()
    page.goto(sqlite_site.project_url)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["width"] > 50 and box["height"] > 10, "shown when focused"
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    owner.close()


@pytest.mark.parametrize("name", PAGES)
def test_tab_reaches_every_link_and_control_in_order_with_visible_focus(
    browser: Browser,
    sqlite_site: Site,
    signed_in_states: dict[str, StorageState],
    name: str,
) -> None:
    who, path = PAGES[name]
    state = signed_in_states[who.name] if who else None
    context = browser.new_context(storage_state=state)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        page.goto(sqlite_site.at(path))
        assert page.locator("[tabindex]:not([tabindex='0']):not([tabindex='-1'])").count() == 0

        walk = walk_with_tab(page)

        assert walk.names[0] == "Skip to main content"
        assert len(walk.names) > 3
        assert walk.reached == list(range(len(walk.names))), f"Tab order on {name}: {walk.names}"
        for text, resting, focused in zip(walk.names, walk.resting, walk.focused, strict=True):
            assert focused != resting, f"focus does not change how {text!r} looks on {name}"
            assert has_focus_ring(focused), f"no focus indicator on {text!r} on {name}: {focused}"
    finally:
        context.close()


def test_journey_by_keyboard_alone_sign_in_project_partnership(
    page: Page, sqlite_site: Site
) -> None:
    page.goto(sqlite_site.at("/"))  # not signed in: sent to the sign-in page
    tab_to(page, "#name")
    page.keyboard.type(OWNER.name)
    page.keyboard.press("Tab")
    page.keyboard.type(OWNER.password)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your projects")
    tab_to(page, f'a[href="/projects/{PROJECT.replace(" ", "%20")}"]')
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(PROJECT)
    tab_to(page, "#mismatch")
    with page.expect_response(lambda response: "mismatch=true" in response.url):
        page.keyboard.press("Space")
    expect(page.locator("#partnership-results")).to_contain_text("2 of 5 partnerships match")
    tab_to(page, 'a[href$="/partnerships/Wigan%20Deal"]')
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Wigan Deal")
    expect(kind_shown(page)).to_have_text("Collaborative council")


def test_sign_in_errors_can_be_followed_by_keyboard(page: Page, sqlite_site: Site) -> None:
    page.goto(sqlite_site.at("/sign-in"))
    tab_to(page, "button[type=submit].govuk-button")
    page.keyboard.press("Enter")

    expect(page.locator(".govuk-error-summary")).to_be_focused()
    tab_to(page, '.govuk-error-summary a[href="#password"]')
    page.keyboard.press("Enter")
    expect(page.get_by_label("Password")).to_be_focused()
    sign_in(page, sqlite_site, OWNER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your projects")


def test_on_a_phone_the_menu_button_opens_the_navigation(
    browser: Browser, sqlite_site: Site, signed_in_states: dict[str, StorageState]
) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 800},
        storage_state=signed_in_states[OWNER.name],  # type: ignore[arg-type]
    )
    try:
        page = context.new_page()
        page.goto(sqlite_site.project_url)
        sign_out = page.get_by_role("button", name="Sign out")
        expect(sign_out).to_be_hidden()

        tab_to(page, ".govuk-service-navigation__toggle")
        page.keyboard.press("Enter")

        expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")
        expect(sign_out).to_be_visible()
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Projects", exact=True).first).to_be_focused()
    finally:
        context.close()
